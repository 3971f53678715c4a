package io.streamrl.schemas;

import io.streamrl.schemas.avro.EpisodeSummary;
import java.util.List;

/** Rules an {@link EpisodeSummary} must meet to enter a learning curve. */
public final class EpisodeSummaryValidator implements RecordValidator<EpisodeSummary> {

    @Override
    public List<String> validate(EpisodeSummary e) {
        Problems problems = new Problems();
        problems.requireText("actor_id", e.getActorId());
        problems.requireText("env_id", e.getEnvId());
        problems.requireAtLeast("episode", e.getEpisode(), 0);
        problems.requireFinite("episode_return", e.getEpisodeReturn());
        problems.requireAtLeast("length", e.getLength(), 1);
        problems.requireAtLeast("policy_version", e.getPolicyVersion(), -1);
        problems.requirePresent("event_time", e.getEventTime());
        return problems.list();
    }
}
