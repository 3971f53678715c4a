package io.streamrl.app;

import io.streamrl.actor.Pacing;
import io.streamrl.core.agent.A2cConfig;
import io.streamrl.core.agent.DdpgConfig;
import io.streamrl.core.config.RecordOptions;
import io.streamrl.core.env.EnvSpec;
import io.streamrl.core.env.PricingEnv;
import io.streamrl.core.env.Envs;
import io.streamrl.core.train.TrainResult;
import io.streamrl.kafka.KafkaClientConfig;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.pipeline.KafkaTarget;
import io.streamrl.pipeline.Pipeline;
import io.streamrl.pipeline.pricing.PricingLoop;
import io.streamrl.schemas.Topics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "The whole pipeline in one process: an in-process Kafka broker, a learner and simulation actors, "
                + "until the policy solves the environment or the step budget runs out. Shows progress, warnings and"
                + " the result; writes the full log to OUT/" + LogToFile.FILE_NAME + ", and OUT/curve.csv,"
                + " OUT/curve.png and OUT/summary.json; exits 0 when solved, 1 when the budget ran out. With --env"
                + " pricing: the production loop through HTTP instead (learner, serve with the reward join, simulated"
                + " shops that report profits late or never, some in holdout); exits 0 when the learned shops earn"
                + " >= 95% of the optimal profit over the last simulated week.")
final class DemoCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(DemoCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--env", defaultValue = "pendulum", description = "Environment (default: ${DEFAULT-VALUE}).")
    String env;

    @Mixin
    AgentOptions agent;

    @Option(names = "--seed", defaultValue = "1", description = "Master seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--actors", defaultValue = "2", description = "Simulation actors (default: ${DEFAULT-VALUE}).")
    int actors;

    @Option(names = "--max-steps", defaultValue = "20000",
            description = "Environment step budget over all actors (default: ${DEFAULT-VALUE}).")
    long maxSteps;

    @Option(names = "--publish-every",
            description = "Learner publishes a snapshot every N updates (default: 100; a2c: 1).")
    Long publishEvery;

    @Option(names = "--eval-every",
            description = "Learner evaluates the policy every N environment steps' worth of updates, where 'streamrl train'"
            + " evaluates (default: 1000; a2c: every 50 updates).")
    Long evalEvery;

    @Mixin
    StalenessOptions staleness;

    @Option(names = "--envs-per-actor", defaultValue = "4",
            description = "A2C: environments each actor steps in lock-step (default: ${DEFAULT-VALUE}).")
    int envsPerActor;

    @Option(names = "--rollouts-per-version", defaultValue = "1", description = "A2C: rollouts an actor collects"
            + " with one policy version before it waits for a newer one (default: ${DEFAULT-VALUE}). Unless set with"
            + " --set num-envs=N, the learner's segments per update are actors x envs-per-actor x"
            + " rollouts-per-version: one version's worth, synchronous A2C.")
    long rolloutsPerVersion;

    @Option(names = "--max-policy-lag", description = "Steps an actor takes on one policy version before it waits"
            + " for the learner (default: twice publish-every / (actors x replay-ratio)). Each version pays for"
            + " publish-every / (actors x replay-ratio) steps, which keeps the learner at its replay ratio; the rest"
            + " are steps in hand while the next version is on its way.")
    Long maxPolicyLag;

    @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT",
            description = "Use this Kafka cluster instead of starting one in-process.")
    String bootstrapServer;

    @Mixin
    KafkaConfigOption kafkaConfig;

    @Option(names = "--namespace", description = "Topic prefix (default: streamrl on the in-process broker,"
            + " streamrl-demo-<time> on an existing cluster so that old data is never mixed in).")
    String namespace;

    @Option(names = "--out", defaultValue = "runs/demo", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    PricingDemo.Options pricing;

    @Override
    public Integer call() throws InterruptedException {
        EnvSpec envSpec = Envs.spec(env);
        if (bootstrapServer != null) {
            // Before the output folder and the log file exist: a typo must not leave a run behind.
            KafkaSettings.checkBootstrapServers(bootstrapServer);
        } else if (kafkaConfig.file != null) {
            throw new IllegalArgumentException("--kafka-config is for a cluster given with --bootstrap-server; the"
                    + " in-process broker needs none");
        }
        KafkaClientConfig clientConfig = kafkaConfig.load();
        if (envSpec.id().equals(PricingEnv.ID)) {
            return pricingDemo(clientConfig);
        }
        boolean a2c = agent.isA2c();
        Record config;
        String algorithm;
        Pipeline.Settings settings;
        if (a2c) {
            if (maxPolicyLag != null) {
                throw new IllegalArgumentException("--max-policy-lag paces DDPG/TD3 actors; A2C's are paced by"
                        + " --rollouts-per-version");
            }
            A2cConfig a2cConfig = agent.a2cConfig();
            if (!agent.overrides.containsKey("num-envs")) {
                a2cConfig = a2cConfig.with(Map.of("num-envs", Long.toString(actors * envsPerActor
                        * Math.max(1, rolloutsPerVersion))));
            }
            config = a2cConfig;
            algorithm = a2cConfig.algorithmName();
            settings = Pipeline.Settings.onPolicy(env, Pipeline.OnPolicy.of(a2cConfig, staleness.policy(),
                    envsPerActor, rolloutsPerVersion), seed, actors, maxSteps,
                    publishEvery == null ? 1 : publishEvery, evalEvery == null ? 50 : evalEvery,
                    agent.backendName());
        } else {
            DdpgConfig ddpg = agent.config();
            config = ddpg;
            algorithm = ddpg.algorithmName();
            settings = Pipeline.Settings.inStep(env, ddpg, seed, actors, maxSteps,
                    publishEvery == null ? 100 : publishEvery, evalEvery == null ? 1000 : evalEvery,
                    agent.backendName());
            if (maxPolicyLag != null) {
                Pacing pacing = ((Pipeline.OffPolicy) settings.algorithm()).pacing();
                // The user's cap; each version still pays for the replay ratio's share.
                settings = settings.withPacing(new Pacing(maxPolicyLag, pacing.warmupSteps(),
                        Math.min(maxPolicyLag, pacing.stepsPerVersion())));
            }
        }
        settings = settings.withActorPrefix("demo-actor");
        PrintWriter console = spec.commandLine().getOut();
        Clock clock = Clock.systemUTC();
        // Closed in reverse: the broker first, then the log file (the broker's shutdown logs too).
        try (RunOutput output = new RunOutput(out);
             LogToFile logFile = LogToFile.open(output.dir().resolve(LogToFile.FILE_NAME));
             KafkaTarget target = openKafka(console, logFile, clientConfig, clock)) {
            String ns = namespace != null ? namespace
                    : target.inProcess() ? Topics.DEFAULT_NAMESPACE : "streamrl-demo-" + clock.millis() / 1000;
            KafkaSettings kafka = target.settings(ns);
            log.info("demo: {} with {} on Kafka {} (namespace {}), {} actors, budget {} steps; {}", envSpec.id(),
                    algorithm, target.bootstrapServers(), ns, actors, maxSteps, RecordOptions.toLogLine(config));
            ProgressLine progress = new ProgressLine(console, System.console() != null);
            Pipeline.Outcome outcome = new Pipeline(kafka, settings, clock).run(output::append, p -> progress.show(
                    String.format(Locale.ROOT, "steps %,7d/%,d | %,6.0f transitions/s | %,6.0f updates/s | policy v%d |"
                                    + " last eval %s | %.1f s", p.envSteps(), maxSteps, p.transitionsPerSecond(),
                            p.updatesPerSecond(), p.policyVersion(), Double.isNaN(p.lastEvalReturn()) ? "-"
                                    : String.format(Locale.ROOT, "%.1f", p.lastEvalReturn()), p.wallSeconds())),
                    Duration.ofSeconds(1));
            progress.end();
            TrainResult result = new TrainResult(envSpec.id(), algorithm, seed, agent.backendName(),
                    outcome.solved(), outcome.envStepsToSolve(), outcome.wallSecondsToSolve(), outcome.wallSeconds(),
                    outcome.envSteps(), outcome.learner().updates(), outcome.finalEvalMeanReturn(), outcome.curve(),
                    outcome.learner().updateFailures());
            Map<String, Object> summary = TrainCommand.summary(result, config);
            summary.put("transitions_received", outcome.learner().transitionsReceived());
            summary.put("transitions_acknowledged", outcome.transitionsAcknowledged());
            summary.put("policy_versions_published", outcome.learner().policiesPublished());
            if (a2c) {
                summary.put("staleness", staleness.policy().toLogLine());
                summary.put("rollouts_discarded", outcome.learner().rolloutsDiscarded());
                summary.put("rollouts_corrected", outcome.learner().rolloutsCorrected());
            }
            summary.put("actors", actors);
            summary.put("bootstrap_server", target.description());
            summary.put("namespace", ns);
            output.writeSummary(summary);
            output.writePlot(envSpec.id() + " " + algorithm + " through Kafka, " + actors + " actors",
                    outcome.curve(), envSpec.solvedThreshold());
            if (outcome.learnerFailed()) {
                console.printf("learner failed: %s%n", outcome.learnerResult().reason());
            }
            console.printf("%s %s: %s; %,d environment steps, %,d transitions received, %,d updates, %,d policies"
                            + " published, final eval %.1f, %.1f s. Output: %s%n", envSpec.id(), algorithm,
                    outcome.solved() ? "SOLVED at " + String.format(Locale.ROOT, "%,d", outcome.envStepsToSolve())
                            + " steps (" + String.format(Locale.ROOT, "%.1f", outcome.wallSecondsToSolve()) + " s)"
                            : "not solved within the budget",
                    outcome.envSteps(), outcome.learner().transitionsReceived(), outcome.learner().updates(),
                    outcome.learner().policiesPublished(), outcome.finalEvalMeanReturn(), outcome.wallSeconds(),
                    output.dir());
            console.flush();
            return outcome.solved() ? 0 : 1;
        }
    }

    /** Pricing-v0 runs the production loop through HTTP instead of simulation actors. */
    private int pricingDemo(KafkaClientConfig clientConfig) throws InterruptedException {
        PricingLoop.Settings settings = PricingDemo.settings(pricing, agent.config(), seed,
                publishEvery == null ? 100 : publishEvery, out);
        PrintWriter console = spec.commandLine().getOut();
        Clock clock = Clock.systemUTC();
        try (LogToFile logFile = LogToFile.open(RunOutput.prepare(out).resolve(LogToFile.FILE_NAME));
             KafkaTarget target = openKafka(console, logFile, clientConfig, clock)) {
            String ns = namespace != null ? namespace
                    : target.inProcess() ? Topics.DEFAULT_NAMESPACE : "streamrl-pricing-" + clock.millis() / 1000;
            log.info("demo: Pricing-v0 through HTTP on Kafka {} (namespace {})", target.bootstrapServers(), ns);
            return PricingDemo.run(settings, target.settings(ns), target.description(), out, console,
                    new ProgressLine(console, System.console() != null), clock);
        }
    }

    private KafkaTarget openKafka(PrintWriter console, LogToFile logFile, KafkaClientConfig clientConfig,
                                  Clock clock) {
        console.printf("log: %s (the screen shows warnings and errors only)%n", logFile.file());
        if (bootstrapServer == null) {
            console.println("starting an in-process Kafka broker ...");
        }
        console.flush();
        return KafkaTarget.open(bootstrapServer, clientConfig, clock);
    }
}
