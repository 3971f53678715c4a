package io.streamrl.core.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrl.core.agent.A2c;
import io.streamrl.core.agent.A2cConfig;
import io.streamrl.core.agent.VTrace;
import io.streamrl.core.compute.ComputeBackend;
import io.streamrl.core.compute.ComputeBackends;
import io.streamrl.core.env.Env;
import io.streamrl.core.env.EnvSpec;
import io.streamrl.core.env.Envs;
import io.streamrl.core.policy.ObservationNormalizer;
import io.streamrl.core.policy.PolicySnapshot;
import io.streamrl.core.train.Evaluation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The learner side of asynchronous A2C without Kafka: three actors take turns collecting
 * rollouts from policy snapshots, as they would from the policy topic, and one of them always
 * acts with a policy {@value #LAG} versions older than the newest. With {@code discard}
 * (max-staleness 2) its segments are counted and dropped; with {@code vtrace} they are learned
 * from with corrected targets. Either way the learner solves CartPole-v1 (10-episode greedy mean
 * >= 475).
 */
class LaggingActorsLearningTest {

    private static final Logger log = LoggerFactory.getLogger(LaggingActorsLearningTest.class);
    static final int LAG = 6;
    private static final int ACTORS = 3;
    private static final int ENVS_PER_ACTOR = 4;
    private static final long BUDGET = 200_000;
    private static final long EVAL_EVERY = 5_000;

    record Run(boolean solved, long steps, long laggingSegments, long received, long discarded, long corrected,
               double lastEval) {
    }

    @ParameterizedTest
    @EnumSource(StalenessPolicy.Mode.class)
    void bothPoliciesLearnWithALaggingActor(StalenessPolicy.Mode mode) {
        Run run = run(new StalenessPolicy(mode, 2, VTrace.defaults()), 1);
        log.info("{} with one actor {} versions behind: {}", mode.label(), LAG, run);
        assertThat(run.solved()).as("solved within %d steps: %s", BUDGET, run).isTrue();
        assertThat(run.laggingSegments()).isPositive();
        if (mode == StalenessPolicy.Mode.DISCARD) {
            assertThat(run.discarded()).as("the lagging actor's segments are dropped").isGreaterThanOrEqualTo(
                    run.laggingSegments());
            assertThat(run.corrected()).isZero();
        } else {
            assertThat(run.discarded()).as("V-trace drops nothing").isZero();
            assertThat(run.corrected()).as("the lagging actor's segments are corrected").isGreaterThanOrEqualTo(
                    run.laggingSegments());
        }
    }

    static Run run(StalenessPolicy staleness, long seed) {
        EnvSpec spec = Envs.spec("cartpole");
        ObservationNormalizer normalizer = ObservationNormalizer.identity(spec.observationDim());
        A2cConfig config = A2cConfig.a2c();
        SplittableRandom master = new SplittableRandom(seed);
        try (ComputeBackend backend = ComputeBackends.create(ComputeBackends.SCALAR)) {
            A2c agent = new A2c(config, spec.observationDim(), spec.actionSpace(), backend, master.split());
            SegmentLearner learner = new SegmentLearner(agent, normalizer, staleness);
            Map<Long, PolicySnapshot> published = new HashMap<>();
            long[] current = {0};
            published.put(0L, agent.snapshot(spec.id(), 0, 0, normalizer));
            List<RolloutCollector> actors = new ArrayList<>();
            List<SplittableRandom> actionRandoms = new ArrayList<>();
            for (int k = 0; k < ACTORS; k++) {
                List<Env> envs = new ArrayList<>();
                for (int i = 0; i < ENVS_PER_ACTOR; i++) {
                    envs.add(Envs.make("cartpole", master.split()));
                }
                SegmentBuilder builder = new SegmentBuilder("actor-" + k, ENVS_PER_ACTOR, config.nSteps(),
                        spec.observationDim(), 1, segment -> {
                            if (learner.offer(segment, current[0]) == SegmentLearner.Outcome.UPDATED) {
                                // Publish every update, as the Kafka learner does by default for A2C.
                                current[0] = agent.updates();
                                published.put(current[0], agent.snapshot(spec.id(), current[0], 0, normalizer));
                                published.remove(current[0] - LAG - 1);
                            }
                        });
                actors.add(new RolloutCollector(envs, config.nSteps(), builder));
                actionRandoms.add(master.split());
            }
            Env evalEnv = Envs.make("cartpole", master.split());
            long steps = 0;
            long laggingSegments = 0;
            long nextEval = EVAL_EVERY;
            double lastEval = Double.NaN;
            while (steps < BUDGET) {
                for (int k = 0; k < ACTORS; k++) {
                    long version = k == 0 ? Math.max(0, current[0] - LAG) : current[0];
                    if (k == 0 && current[0] >= LAG) {
                        laggingSegments += ENVS_PER_ACTOR;
                    }
                    actors.get(k).collect(new SnapshotPolicy(published.get(version)), version, actionRandoms.get(k));
                    steps += (long) ENVS_PER_ACTOR * config.nSteps();
                }
                if (steps >= nextEval) {
                    nextEval += EVAL_EVERY;
                    PolicySnapshot policy = agent.snapshot(spec.id(), current[0], 0, normalizer);
                    lastEval = Evaluation.run(evalEnv, policy::act, 10).meanReturn();
                    if (spec.isSolvedBy(lastEval)) {
                        return new Run(true, steps, laggingSegments, learner.received(), learner.discarded(),
                                learner.corrected(), lastEval);
                    }
                }
            }
            return new Run(false, steps, laggingSegments, learner.received(), learner.discarded(),
                    learner.corrected(), lastEval);
        }
    }
}
