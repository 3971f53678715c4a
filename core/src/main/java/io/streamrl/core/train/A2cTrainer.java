package io.streamrl.core.train;

import io.streamrl.core.agent.A2c;
import io.streamrl.core.agent.A2cConfig;
import io.streamrl.core.compute.ComputeBackend;
import io.streamrl.core.env.ActionSpace;
import io.streamrl.core.env.Env;
import io.streamrl.core.env.EnvSpec;
import io.streamrl.core.env.StepResult;
import io.streamrl.core.nn.NonFiniteUpdateException;
import io.streamrl.core.policy.ObservationNormalizer;
import io.streamrl.core.policy.PolicyHead;
import io.streamrl.core.rollout.RolloutCollector;
import io.streamrl.core.rollout.RolloutSink;
import io.streamrl.core.rollout.SegmentBuilder;
import io.streamrl.core.rollout.SegmentLearner;
import io.streamrl.core.rollout.StalenessPolicy;
import io.streamrl.core.rollout.StochasticPolicy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains A2C on a simulated environment in one thread, without Kafka, as A2C is meant to run:
 * {@code num-envs} copies of the environment stepped in lock-step (one batched forward pass
 * chooses all their actions), {@code n-steps} steps each, then one update from those
 * {@code num-envs * n-steps} transitions. The greedy policy is evaluated every
 * {@code evalEvery} environment steps (summed over all environments, checked after each
 * update) on a separately seeded environment; curve points and the result are those of
 * {@link LocalTrainer}, so {@code curve.csv} and {@code summary.json} have the same columns
 * and keys for every algorithm.
 *
 * <p>A2C learns on-policy from the rollout it just collected, so there is no replay buffer
 * and no {@code Explorer}: the policy's own distribution explores. The environments are
 * stepped by the {@link RolloutCollector} and learned from by the {@link SegmentLearner}, the
 * same two pieces the Kafka actor and learner use, so local and distributed A2C are one
 * algorithm. The run takes whole
 * rollouts, so it may end up to {@code num-envs * n-steps - 1} steps beyond {@code steps}.
 *
 * <p>Every random stream (environments, evaluation environment, networks, action sampling) is
 * split from the one seed in a fixed order, and nothing depends on time, so the same seed and
 * backend give the same learning curve.
 */
public final class A2cTrainer {

    private static final Logger log = LoggerFactory.getLogger(A2cTrainer.class);
    /** Refused updates in a row that end the run, as {@code max-consecutive-trips} ends DDPG's. */
    private static final int MAX_CONSECUTIVE_REFUSALS = 10;

    private final TrainConfig run;
    private final A2cConfig config;
    private final Function<SplittableRandom, Env> envFactory;
    private final ObservationNormalizer normalizer;
    private final ComputeBackend backend;
    private final Clock clock;

    public A2cTrainer(TrainConfig run, A2cConfig config, Function<SplittableRandom, Env> envFactory,
                      ObservationNormalizer normalizer, ComputeBackend backend, Clock clock) {
        this.run = run;
        this.config = config;
        this.envFactory = envFactory;
        this.normalizer = normalizer;
        this.backend = backend;
        this.clock = clock;
    }

    public TrainResult run(TrainListener listener) {
        SplittableRandom master = new SplittableRandom(run.seed());
        int numEnvs = config.numEnvs();
        List<Env> envs = new ArrayList<>(numEnvs);
        for (int i = 0; i < numEnvs; i++) {
            envs.add(envFactory.apply(master.split()));
        }
        Env evalEnv = envFactory.apply(master.split());
        EnvSpec spec = envs.get(0).spec();
        if (normalizer.dim() != spec.observationDim()) {
            throw new IllegalArgumentException("observation normaliser has " + normalizer.dim() + " entries, "
                    + spec.id() + " observations have " + spec.observationDim());
        }
        int obsDim = spec.observationDim();
        A2c agent = new A2c(config, obsDim, spec.actionSpace(), backend, master.split());
        SplittableRandom actionRandom = master.split();
        int actDim = agent.actionDim();
        boolean discrete = agent.head() == PolicyHead.CATEGORICAL;
        double[] low = discrete ? null : ((ActionSpace.Box) spec.actionSpace()).low();
        double[] high = discrete ? null : ((ActionSpace.Box) spec.actionSpace()).high();

        // The same path as segments from Kafka: the environments' rollouts cut into segments,
        // learned from whole by the segment learner (always on-policy here).
        SegmentLearner learner = new SegmentLearner(agent, normalizer, StalenessPolicy.defaults());
        long[] step = {0};
        long[] episodes = {0};
        SegmentBuilder segments = new SegmentBuilder("local", numEnvs, config.nSteps(), obsDim, actDim,
                segment -> learner.offer(segment, agent.updates()));
        RolloutCollector collector = new RolloutCollector(envs, config.nSteps(), new RolloutSink() {
            @Override
            public void step(int env, float[] observations, float[] actions, double logProb, StepResult result) {
                step[0]++;
                segments.step(env, observations, actions, logProb, result);
            }

            @Override
            public void episodeEnded(int env, double episodeReturn, int length, boolean terminated, long version) {
                listener.onEpisode(episodes[0]++, episodeReturn, step[0]);
            }

            @Override
            public void rolloutEnded(long policyVersion, float[] observations) {
                segments.rolloutEnded(policyVersion, observations);
            }
        });
        StochasticPolicy policy = agentPolicy(agent, numEnvs, obsDim);

        long start = clock.millis();
        List<CurvePoint> curve = new ArrayList<>();
        Long solvedAt = null;
        Double solvedWall = null;
        long nextEval = run.evalEvery();
        int refusedInARow = 0;
        long refusals = 0;
        while (step[0] < run.steps()) {
            try {
                collector.collect(policy, agent.updates(), actionRandom);
                refusedInARow = 0;
                if (log.isTraceEnabled()) {
                    log.trace("update {}: {}", agent.updates(), learner.lastStats());
                }
            } catch (NonFiniteUpdateException e) {
                refusals++;
                refusedInARow++;
                log.warn("update refused ({}): {}", e.quantity(), e.getMessage());
                if (refusedInARow >= MAX_CONSECUTIVE_REFUSALS) {
                    throw new IllegalStateException("A2C update refused " + refusedInARow + " times in a row ("
                            + e.getMessage() + "); training stopped. Lower lr or check the environment's rewards.", e);
                }
            }
            long now = step[0];
            if (now >= nextEval || now >= run.steps()) {
                while (nextEval <= now) {
                    nextEval += run.evalEvery();
                }
                Evaluation e = Evaluation.run(evalEnv,
                        o -> agent.greedyEnvironmentAction(normalizer.apply(o), low, high), run.evalEpisodes());
                double wall = (clock.millis() - start) / 1000.0;
                CurvePoint point = new CurvePoint(now, wall, agent.updates(), e.meanReturn(), e.stdReturn());
                curve.add(point);
                listener.onEvaluation(point);
                if (solvedAt == null && spec.isSolvedBy(e.meanReturn())) {
                    solvedAt = now;
                    solvedWall = wall;
                    if (run.stopWhenSolved()) {
                        break;
                    }
                }
            }
        }
        listener.onFinished(agent.snapshot(spec.id(), agent.updates(), clock.millis(), normalizer));
        double wall = (clock.millis() - start) / 1000.0;
        double finalReturn = curve.isEmpty() ? Double.NaN : curve.get(curve.size() - 1).evalMeanReturn();
        return new TrainResult(spec.id(), config.algorithmName(), run.seed(), backend.name(), solvedAt != null,
                solvedAt, solvedWall, wall, step[0], agent.updates(), finalReturn, curve, refusals);
    }

    /** The agent as the collector's policy: raw observations normalised, one batched draw. */
    private StochasticPolicy agentPolicy(A2c agent, int rows, int obsDim) {
        float[] normalized = new float[rows * obsDim];
        float[] row = new float[obsDim];
        return (observations, n, random, actionsOut, logProbsOut) -> {
            for (int i = 0; i < n; i++) {
                System.arraycopy(observations, i * obsDim, row, 0, obsDim);
                normalizer.apply(row, normalized, i * obsDim);
            }
            agent.sample(normalized, n, random, actionsOut, logProbsOut);
        };
    }
}
