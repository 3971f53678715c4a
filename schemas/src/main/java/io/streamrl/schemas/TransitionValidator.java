package io.streamrl.schemas;

import io.streamrl.schemas.avro.Transition;
import java.util.List;

/** Rules a {@link Transition} must meet before a learner may train on it. */
public final class TransitionValidator implements RecordValidator<Transition> {

    @Override
    public List<String> validate(Transition t) {
        Problems problems = new Problems();
        problems.requireText("actor_id", t.getActorId());
        problems.requireText("env_id", t.getEnvId());
        problems.requireAtLeast("episode", t.getEpisode(), 0);
        problems.requireAtLeast("step", t.getStep(), 1);
        int observation = problems.requireFiniteVector("observation", t.getObservation(), false);
        int action = problems.requireFiniteVector("action", t.getAction(), false);
        problems.requireFinite("reward", t.getReward());
        int next = problems.requireFiniteVector("next_observation", t.getNextObservation(), false);
        if (observation >= 0 && next >= 0 && observation != next) {
            problems.add("next_observation has " + next + " values but observation has " + observation
                    + "; allowed: the same length");
        }
        problems.requireAtLeast("policy_version", t.getPolicyVersion(), -1);
        int noise = problems.requireFiniteVector("exploration_noise", t.getExplorationNoise(), true);
        if (noise > 0 && action >= 0 && noise != action) {
            problems.add("exploration_noise has " + noise + " values but action has " + action
                    + "; allowed: empty or the same length as action");
        }
        problems.requirePresent("event_time", t.getEventTime());
        if (t.getDecisionId() != null) {
            problems.requireText("decision_id", t.getDecisionId());
        }
        return problems.list();
    }
}
