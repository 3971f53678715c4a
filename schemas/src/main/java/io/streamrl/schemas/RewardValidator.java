package io.streamrl.schemas;

import io.streamrl.schemas.avro.Reward;
import java.util.List;

/**
 * Rules a {@link Reward} must meet before it is published or joined with its decision. Whether
 * a decision with that id exists, and whether the entity is the one the id names, is the
 * joiner's call: the id's format belongs to the serve API, not to this schema.
 */
public final class RewardValidator implements RecordValidator<Reward> {

    @Override
    public List<String> validate(Reward r) {
        Problems problems = new Problems();
        problems.requireText("decision_id", r.getDecisionId());
        problems.requireText("entity", r.getEntity());
        problems.requireFinite("reward", r.getReward());
        problems.requireText("instance_id", r.getInstanceId());
        problems.requirePresent("event_time", r.getEventTime());
        if (r.getRewardId() != null) {
            problems.requireText("reward_id", r.getRewardId());
        }
        return problems.list();
    }
}
