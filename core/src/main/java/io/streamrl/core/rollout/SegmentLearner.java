package io.streamrl.core.rollout;

import io.streamrl.core.agent.A2c;
import io.streamrl.core.agent.A2cConfig;
import io.streamrl.core.agent.A2cStats;
import io.streamrl.core.agent.Rollout;
import io.streamrl.core.policy.ObservationNormalizer;
import io.streamrl.core.policy.PolicyHead;
import java.util.Objects;

/**
 * Trains A2C on whole {@link Segment}s, wherever they come from: {@code num-envs} accepted
 * segments of {@code n-steps} steps make one {@link Rollout} and one update, segment {@code j}
 * standing where environment {@code j} stands in a local rollout. The local trainer feeds it
 * the segments of its own lock-stepped environments; the Kafka learner those of the rollouts
 * topic, which may come from older policies: the {@link StalenessPolicy} drops them or has
 * their targets corrected by V-trace.
 *
 * <p>Observations are normalised with the learner's normaliser and rewards multiplied by
 * {@code reward-scale}; a truncated step's reward gets {@code gamma V(final observation)}
 * added (a time limit is not a terminal state), with the agent's values at the time the segment
 * is offered. As the agent changes only when a rollout is complete, those are the values of the
 * update that learns from it.
 *
 * <p>Not thread-safe: the thread that owns the agent offers the segments.
 */
public final class SegmentLearner {

    /** What became of an offered segment. */
    public enum Outcome {
        /** Dropped by the staleness policy. */
        DISCARDED,
        /** Kept for the next update, which needs more segments. */
        QUEUED,
        /** Completed a rollout, and the agent took an update from it. */
        UPDATED
    }

    private final A2c agent;
    private final A2cConfig config;
    private final ObservationNormalizer normalizer;
    private final StalenessPolicy staleness;
    private final int actDim;
    private final int outDim;
    private final Rollout rollout;
    private final float[] obsScratch;
    private final float[] truncationScratch;
    private int filled;
    private long received;
    private long discarded;
    private long corrected;
    private A2cStats lastStats;

    public SegmentLearner(A2c agent, ObservationNormalizer normalizer, StalenessPolicy staleness) {
        this.agent = Objects.requireNonNull(agent, "agent");
        this.config = agent.config();
        this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
        this.staleness = Objects.requireNonNull(staleness, "staleness");
        if (normalizer.dim() != agent.observationDim()) {
            throw new IllegalArgumentException("observation normaliser has " + normalizer.dim() + " entries, the agent"
                    + " takes " + agent.observationDim());
        }
        actDim = agent.actionDim();
        outDim = agent.policy().sizes()[agent.policy().sizes().length - 1];
        rollout = new Rollout(config.numEnvs(), config.nSteps(), agent.observationDim(), actDim);
        obsScratch = new float[agent.observationDim()];
        truncationScratch = new float[agent.observationDim()];
    }

    /**
     * Why this learner cannot learn from {@code segment} (wrong length or shapes, an action
     * that is no index of the policy's), or null when it can; such a segment is a producer's
     * error, to be dead-lettered rather than {@link #offer offered}.
     */
    public String problem(Segment segment) {
        if (segment.steps() != config.nSteps()) {
            return "segment has " + segment.steps() + " steps, the learner's n-steps is " + config.nSteps();
        }
        if (segment.observationDim() != agent.observationDim() || segment.actionDim() != actDim) {
            return "segment has observations of " + segment.observationDim() + " and actions of "
                    + segment.actionDim() + " entries, the policy takes " + agent.observationDim() + " and "
                    + actDim;
        }
        if (agent.head() == PolicyHead.CATEGORICAL) {
            for (float a : segment.actions()) {
                if (!(a >= 0 && a < outDim) || a != Math.rint(a)) {
                    return "segment action " + a + " is not an index in [0, " + outDim + ")";
                }
            }
        }
        return null;
    }

    /**
     * Learns from a segment: drops it when the staleness policy says so, else puts it into the
     * rollout and, when that is complete, takes an update.
     *
     * @param currentVersion the newest policy version the actors can have (the last published)
     * @throws IllegalArgumentException when {@link #problem} is not null
     * @throws io.streamrl.core.nn.NonFiniteUpdateException when the update is refused; the
     *     segments of that rollout are spent, the agent unchanged
     */
    public Outcome offer(Segment segment, long currentVersion) {
        String problem = problem(segment);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        received++;
        long lag = currentVersion - segment.policyVersion();
        if (staleness.discards(lag)) {
            discarded++;
            return Outcome.DISCARDED;
        }
        boolean vtrace = staleness.mode() == StalenessPolicy.Mode.VTRACE;
        if (vtrace && lag > 0) {
            corrected++;
        }
        put(segment, filled);
        filled++;
        if (filled < config.numEnvs()) {
            return Outcome.QUEUED;
        }
        filled = 0;
        lastStats = vtrace ? agent.update(rollout, staleness.vtrace()) : agent.update(rollout);
        return Outcome.UPDATED;
    }

    /** Segments offered so far (not counting those with a {@link #problem}). */
    public long received() {
        return received;
    }

    /** Segments the staleness policy dropped. */
    public long discarded() {
        return discarded;
    }

    /** Segments from an older version that V-trace corrected. */
    public long corrected() {
        return corrected;
    }

    /** The statistics of the last update, or null before the first. */
    public A2cStats lastStats() {
        return lastStats;
    }

    public StalenessPolicy staleness() {
        return staleness;
    }

    private void put(Segment segment, int env) {
        float[] observations = segment.observations();
        float[] actions = segment.actions();
        float[] rewards = segment.rewards();
        boolean[] terminated = segment.terminated();
        boolean[] truncated = segment.truncated();
        float[] logProbs = segment.logProbs();
        float[] truncationObservations = segment.truncationObservations();
        int obsDim = agent.observationDim();
        int truncation = 0;
        for (int t = 0; t < segment.steps(); t++) {
            double reward = rewards[t] * config.rewardScale();
            if (truncated[t]) {
                if (!terminated[t]) {
                    System.arraycopy(truncationObservations, truncation * obsDim, truncationScratch, 0, obsDim);
                    normalizer.apply(truncationScratch, obsScratch, 0);
                    reward += config.gamma() * agent.bootstrapValues(obsScratch, 1)[0];
                }
                truncation++;
            }
            System.arraycopy(observations, t * obsDim, truncationScratch, 0, obsDim);
            normalizer.apply(truncationScratch, obsScratch, 0);
            rollout.putStep(t, env, obsScratch, actions, t, reward, terminated[t] || truncated[t], logProbs[t]);
        }
        normalizer.apply(segment.bootstrapObservation(), obsScratch, 0);
        rollout.putLastObservation(env, obsScratch);
    }
}
