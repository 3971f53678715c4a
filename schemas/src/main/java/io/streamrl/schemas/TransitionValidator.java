package io.streamrl.schemas;

import io.streamrl.schemas.avro.Transition;
import java.util.List;

/** Rules a {@link Transition} must meet before a learner may train on it. */
public final class TransitionValidator implements RecordValidator<Transition> {

    @Override
    public List<String> validate(Transition t) {
        return validate(TransitionFields.of(t));
    }

    /** The same rules on a transition decoded by {@link TransitionReader}. */
    public List<String> validate(TransitionView t) {
        Problems problems = new Problems();
        problems.requireText("actor_id", t.actorId());
        problems.requireText("env_id", t.envId());
        problems.requireAtLeast("episode", t.episode(), 0);
        problems.requireAtLeast("step", t.step(), 1);
        int observation = problems.requireFiniteVector("observation", t.observation(), false);
        int action = problems.requireFiniteVector("action", t.action(), false);
        problems.requireFinite("reward", t.reward());
        int next = problems.requireFiniteVector("next_observation", t.nextObservation(), false);
        if (observation >= 0 && next >= 0 && observation != next) {
            problems.add("next_observation has " + next + " values but observation has " + observation
                    + "; allowed: the same length");
        }
        problems.requireAtLeast("policy_version", t.policyVersion(), -1);
        int noise = problems.requireFiniteVector("exploration_noise", t.explorationNoise(), true);
        if (noise > 0 && action >= 0 && noise != action) {
            problems.add("exploration_noise has " + noise + " values but action has " + action
                    + "; allowed: empty or the same length as action");
        }
        if (t.eventTimeMillis() == Long.MIN_VALUE) {
            problems.add("event_time is missing; allowed: a timestamp");
        }
        if (t.decisionId() != null) {
            problems.requireText("decision_id", t.decisionId());
        }
        if (Double.isInfinite(t.logDensity())) {
            problems.add("log_density is " + t.logDensity() + "; allowed: a finite number, or null");
        }
        if (t.joinResult() != null) {
            problems.requireAtLeast("join.reward_count", t.joinRewardCount(), 0);
            problems.requireAtLeast("join.wait_ms", t.joinWaitMillis(), 0);
        }
        return problems.list();
    }

    /**
     * Returns {@code t} when valid.
     *
     * @throws RecordValidationException listing every problem otherwise
     */
    public <T extends TransitionView> T requireValid(T t) {
        List<String> problems = validate(t);
        if (!problems.isEmpty()) {
            throw new RecordValidationException(Transition.getClassSchema().getFullName(), problems);
        }
        return t;
    }
}
