package io.streamrl.app;

import io.streamrl.core.agent.A2cConfig;
import io.streamrl.core.agent.DdpgConfig;
import io.streamrl.core.compute.ComputeBackend;
import io.streamrl.core.compute.ComputeBackends;
import io.streamrl.core.env.EnvSpec;
import io.streamrl.core.env.Envs;
import io.streamrl.core.config.RecordOptions;
import io.streamrl.core.policy.ObservationNormalizer;
import io.streamrl.core.policy.PolicySnapshot;
import io.streamrl.core.train.A2cTrainer;
import io.streamrl.core.train.CurvePoint;
import io.streamrl.core.train.LocalTrainer;
import io.streamrl.core.train.TrainConfig;
import io.streamrl.core.train.TrainListener;
import io.streamrl.core.train.TrainResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train locally on a simulated environment, without Kafka. Writes OUT/curve.csv while it runs, then "
                + "OUT/summary.json, OUT/curve.png and OUT/policy.bin (the final policy, for 'streamrl evaluate').")
final class TrainCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(TrainCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--env", required = true, description = "Environment: ${COMPLETION-CANDIDATES}",
            completionCandidates = EnvNames.class)
    String env;

    @Mixin
    AgentOptions agent;

    @Option(names = "--seed", defaultValue = "1", description = "Master seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--steps", defaultValue = "20000", description = "Environment steps (default: ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--eval-every", defaultValue = "1000",
            description = "Evaluate the deterministic policy every N steps (default: ${DEFAULT-VALUE}).")
    long evalEvery;

    @Option(names = "--eval-episodes", defaultValue = "10", description = "Episodes per evaluation (default: ${DEFAULT-VALUE}).")
    int evalEpisodes;

    @Option(names = "--stop-when-solved", description = "End at the first evaluation that reaches the env's threshold.")
    boolean stopWhenSolved;

    @Option(names = "--out", required = true, description = "Output folder.")
    Path out;

    @Override
    public Integer call() {
        EnvSpec envSpec = Envs.spec(env);
        boolean a2c = agent.isA2c();
        A2cConfig a2cConfig = a2c ? agent.a2cConfig() : null;
        DdpgConfig ddpgConfig = a2c ? null : ddpgConfig();
        Record config = a2c ? a2cConfig : ddpgConfig;
        String algorithm = a2c ? a2cConfig.algorithmName() : ddpgConfig.algorithmName();
        TrainConfig run = new TrainConfig(env, seed, steps, evalEvery, evalEpisodes, stopWhenSolved);
        PrintWriter console = spec.commandLine().getOut();
        try (ComputeBackend backend = ComputeBackends.create(agent.backendName());
             RunOutput output = new RunOutput(out)) {
            log.info("train {} with {} on the {} backend, seed {}: {}", env, algorithm, backend.name(), seed,
                    RecordOptions.toLogLine(config));
            ObservationNormalizer normalizer = ObservationNormalizer.identity(envSpec.observationDim());
            // One output path for every algorithm; only the training loop differs (A2C's rollouts
            // of several environments in lock-step against DDPG's replay buffer).
            Function<TrainListener, TrainResult> trainer = a2c
                    ? new A2cTrainer(run, a2cConfig, random -> Envs.make(env, random), normalizer, backend,
                            Clock.systemUTC())::run
                    : new LocalTrainer(run, ddpgConfig, random -> Envs.make(env, random), normalizer, backend,
                            Clock.systemUTC())::run;
            PolicySnapshot[] finalPolicy = new PolicySnapshot[1];
            TrainResult result = trainer.apply(new TrainListener() {
                @Override
                public void onFinished(PolicySnapshot policy) {
                    finalPolicy[0] = policy;
                }

                @Override
                public void onEvaluation(CurvePoint p) {
                    output.append(p);
                    console.printf("steps %,d/%,d  updates %,d  eval %.1f ± %.1f  %.1f s%n", p.envSteps(), steps,
                            p.updates(), p.evalMeanReturn(), p.evalStdReturn(), p.wallSeconds());
                    console.flush();
                }
            });
            Map<String, Object> summary = summary(result, config);
            output.writeSummary(summary);
            output.writePolicy(finalPolicy[0].toBytes());
            output.writePlot(result.env() + " " + result.algo() + " seed " + seed, result.curve(),
                    envSpec.solvedThreshold());
            console.printf("%s %s seed %d: %s; final eval %.1f after %,d steps in %.1f s. Output: %s%n", result.env(),
                    result.algo(), seed, result.solved() ? "solved at " + result.envStepsToSolve() + " steps"
                            : "not solved", result.finalEvalMeanReturn(), result.envSteps(), result.wallSeconds(),
                    output.dir());
            return 0;
        }
    }

    /** DDPG's configuration; an unknown {@code --algo} lists every algorithm train takes. */
    private DdpgConfig ddpgConfig() {
        try {
            return agent.config();
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("unknown algorithm")) {
                throw new IllegalArgumentException("unknown algorithm '" + agent.algo + "', valid: "
                        + String.join(", ", DdpgConfig.ALGORITHMS) + ", " + A2cConfig.ALGORITHM, e);
            }
            throw e;
        }
    }

    static Map<String, Object> summary(TrainResult result, Record config) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("env", result.env());
        s.put("algo", result.algo());
        s.put("seed", result.seed());
        s.put("backend", result.backend());
        s.put("solved", result.solved());
        s.put("env_steps_to_solve", result.envStepsToSolve());
        s.put("wall_s_to_solve", result.wallSecondsToSolve());
        s.put("wall_s", result.wallSeconds());
        s.put("env_steps", result.envSteps());
        s.put("updates", result.updates());
        s.put("final_eval_mean_return", result.finalEvalMeanReturn());
        s.put("hyperparameters", RecordOptions.describe(config));
        return s;
    }
}
