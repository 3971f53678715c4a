package io.streamrl.schemas;

import io.streamrl.schemas.avro.RolloutSegment;
import java.util.List;

/**
 * Rules a {@link RolloutSegment} must meet before a learner may train on it: every length
 * agrees with the step count (the number of rewards) and the dimensions, every number is
 * finite, and there is one truncation observation per truncated step.
 */
public final class RolloutSegmentValidator implements RecordValidator<RolloutSegment> {

    /** Most steps a segment may hold (the rollouts topic's record limit allows fewer for most environments). */
    public static final int MAX_STEPS = 100_000;

    @Override
    public List<String> validate(RolloutSegment s) {
        Problems problems = new Problems();
        problems.requireText("actor_id", s.getActorId());
        problems.requireText("env_id", s.getEnvId());
        problems.requireAtLeast("sequence", s.getSequence(), 0);
        problems.requireAtLeast("policy_version", s.getPolicyVersion(), 0);
        problems.requireAtLeast("observation_dim", s.getObservationDim(), 1);
        problems.requireAtLeast("action_dim", s.getActionDim(), 1);
        problems.requirePresent("event_time", s.getEventTime());
        int steps = problems.requireFiniteNumbers("rewards", s.getRewards(), false);
        if (steps > MAX_STEPS) {
            problems.add("rewards has " + steps + " values; allowed: 1 to " + MAX_STEPS + " steps");
        }
        int obsDim = Math.max(0, s.getObservationDim());
        int actDim = Math.max(0, s.getActionDim());
        requireLength(problems, "observations", problems.requireFiniteNumbers("observations", s.getObservations(),
                false), steps, (long) steps * obsDim, "steps x observation_dim");
        requireLength(problems, "actions", problems.requireFiniteNumbers("actions", s.getActions(), false), steps,
                (long) steps * actDim, "steps x action_dim");
        requireLength(problems, "behaviour_log_probs", problems.requireFiniteNumbers("behaviour_log_probs",
                s.getBehaviourLogProbs(), false), steps, steps, "one per step");
        requireLength(problems, "bootstrap_observation", problems.requireFiniteNumbers("bootstrap_observation",
                s.getBootstrapObservation(), false), steps, obsDim, "observation_dim");
        int truncations = 0;
        if (s.getTerminated() == null || s.getTerminated().size() != steps) {
            problems.add("terminated has " + size(s.getTerminated()) + " flags; allowed: one per step (" + steps + ")");
        }
        if (s.getTruncated() == null || s.getTruncated().size() != steps) {
            problems.add("truncated has " + size(s.getTruncated()) + " flags; allowed: one per step (" + steps + ")");
        } else {
            for (Boolean t : s.getTruncated()) {
                truncations += Boolean.TRUE.equals(t) ? 1 : 0;
            }
        }
        requireLength(problems, "truncation_observations", problems.requireFiniteNumbers("truncation_observations",
                s.getTruncationObservations(), true), steps, (long) truncations * obsDim,
                "observation_dim per truncated step");
        return problems.list();
    }

    private static void requireLength(Problems problems, String field, int length, int steps, long expected,
                                      String rule) {
        if (length >= 0 && steps >= 0 && length != expected) {
            problems.add(field + " has " + length + " values; allowed: " + expected + " (" + rule + ")");
        }
    }

    private static int size(List<?> list) {
        return list == null ? 0 : list.size();
    }
}
