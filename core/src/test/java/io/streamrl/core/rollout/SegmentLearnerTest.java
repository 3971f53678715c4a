package io.streamrl.core.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import io.streamrl.core.agent.A2c;
import io.streamrl.core.agent.A2cConfig;
import io.streamrl.core.agent.A2cTestAccess;
import io.streamrl.core.agent.VTrace;
import io.streamrl.core.compute.ComputeBackend;
import io.streamrl.core.compute.ComputeBackends;
import io.streamrl.core.env.ActionSpace;
import io.streamrl.core.policy.ObservationNormalizer;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Segments into rollouts: shapes, the staleness policy's counts, and the truncation bootstrap. */
class SegmentLearnerTest {

    private static final A2cConfig CONFIG = A2cConfig.a2c().with(Map.of("num-envs", "2", "n-steps", "2",
            "hidden", "8", "gamma", "0.9", "reward-scale", "0.5"));

    private final ComputeBackend backend = ComputeBackends.create(ComputeBackends.SCALAR);
    private final A2c agent = new A2c(CONFIG, 2, new ActionSpace.Discrete(2), backend, new SplittableRandom(3));

    @AfterEach
    void release() {
        backend.close();
    }

    static Segment segment(long version, boolean[] truncated, float[] truncationObservations) {
        return new Segment("a", version, 2, 1, new float[] {0.1f, 0.2f, 0.3f, 0.4f}, new float[] {0, 1},
                new float[] {1, 2}, new boolean[2], truncated, new float[] {-0.7f, -0.7f}, truncationObservations,
                new float[] {0.5f, 0.6f});
    }

    static Segment segment(long version) {
        return segment(version, new boolean[2], new float[0]);
    }

    @Test
    void twoSegmentsMakeOneUpdate() {
        SegmentLearner learner = new SegmentLearner(agent, ObservationNormalizer.identity(2), StalenessPolicy.defaults());
        assertThat(learner.offer(segment(0), 0)).isEqualTo(SegmentLearner.Outcome.QUEUED);
        assertThat(agent.updates()).isZero();
        assertThat(learner.offer(segment(0), 0)).isEqualTo(SegmentLearner.Outcome.UPDATED);
        assertThat(agent.updates()).isEqualTo(1);
        assertThat(learner.lastStats()).isNotNull();
    }

    @Test
    void discardDropsSegmentsMoreThanMaxStalenessBehindAndCountsThem() {
        SegmentLearner learner = new SegmentLearner(agent, ObservationNormalizer.identity(2),
                new StalenessPolicy(StalenessPolicy.Mode.DISCARD, 2, VTrace.defaults()));
        assertThat(learner.offer(segment(7), 10)).isEqualTo(SegmentLearner.Outcome.DISCARDED);
        assertThat(learner.offer(segment(8), 10)).isEqualTo(SegmentLearner.Outcome.QUEUED);
        assertThat(learner.offer(segment(11), 10)).as("from a newer learner").isEqualTo(SegmentLearner.Outcome.DISCARDED);
        assertThat(learner.received()).isEqualTo(3);
        assertThat(learner.discarded()).isEqualTo(2);
        assertThat(learner.corrected()).isZero();
    }

    @Test
    void vtraceKeepsOldSegmentsAndCountsTheCorrectedOnes() {
        SegmentLearner learner = new SegmentLearner(agent, ObservationNormalizer.identity(2),
                new StalenessPolicy(StalenessPolicy.Mode.VTRACE, 2, VTrace.defaults()));
        assertThat(learner.offer(segment(1), 10)).isEqualTo(SegmentLearner.Outcome.QUEUED);
        assertThat(learner.offer(segment(10), 10)).isEqualTo(SegmentLearner.Outcome.UPDATED);
        assertThat(learner.discarded()).isZero();
        assertThat(learner.corrected()).isEqualTo(1);
    }

    @Test
    void aTruncatedStepBootstrapsFromTheValueOfItsFinalObservation() {
        SegmentLearner learner = new SegmentLearner(agent, ObservationNormalizer.identity(2), StalenessPolicy.defaults());
        float[] finalObservation = {2f, -1f};
        double expected = 2 * 0.5 + 0.9 * agent.bootstrapValues(finalObservation, 1)[0];
        // Truncated and not terminated at step 1: its reward carries gamma V(final observation).
        learner.offer(segment(0, new boolean[] {false, true}, finalObservation), 0);
        learner.offer(segment(0), 0);
        // Rollout row t * envs + env: step 1 of segment 0 is row 2; with a done step the return is the reward.
        assertThat(agent.updates()).isEqualTo(1);
        assertThat(lastReturn(learner, 2)).isCloseTo(expected, offset(1e-5));
    }

    @Test
    void segmentsOfTheWrongShapeAreNamedNotLearnedFrom() {
        SegmentLearner learner = new SegmentLearner(agent, ObservationNormalizer.identity(2), StalenessPolicy.defaults());
        Segment threeSteps = new Segment("a", 0, 2, 1, new float[6], new float[3], new float[3], new boolean[3],
                new boolean[3], new float[3], new float[0], new float[2]);
        assertThat(learner.problem(threeSteps)).contains("3 steps").contains("n-steps is 2");
        Segment badIndex = new Segment("a", 0, 2, 1, new float[4], new float[] {0, 2}, new float[2], new boolean[2],
                new boolean[2], new float[2], new float[0], new float[2]);
        assertThat(learner.problem(badIndex)).contains("not an index in [0, 2)");
        assertThatThrownBy(() -> learner.offer(badIndex, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(learner.received()).isZero();
    }

    /** The return the last update used for rollout row {@code row}, through the package's test hook. */
    private double lastReturn(SegmentLearner learner, int row) {
        return A2cTestAccess.lastReturns(agent)[row];
    }
}
