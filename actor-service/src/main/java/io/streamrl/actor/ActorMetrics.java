package io.streamrl.actor;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.function.ToDoubleFunction;

/**
 * Registers an actor's counters as Micrometer meters named {@code actor.*} and tagged with the
 * actor id. The meters read the actor's own exact counters when scraped, so the exported numbers
 * and the actor's {@code stats()} never disagree. For a rollout actor the {@code actor.transitions.*}
 * meters count rollout segments.
 */
public final class ActorMetrics {

    public static final String ACTOR_TAG = "actor";

    private ActorMetrics() {
    }

    static void bind(MeterRegistry registry, ActorLoop actor) {
        Tags tags = Tags.of(ACTOR_TAG, actor.actorId());
        counter(registry, tags, actor, "actor.env.steps", "environment steps taken", ActorStats::envSteps);
        counter(registry, tags, actor, "actor.transitions.sent", "transitions handed to the producer",
                ActorStats::transitionsSent);
        counter(registry, tags, actor, "actor.transitions.acked", "transitions acknowledged by the broker",
                ActorStats::transitionsAcked);
        counter(registry, tags, actor, "actor.transitions.failed", "transitions that could not be published",
                ActorStats::transitionsFailed);
        counter(registry, tags, actor, "actor.episodes", "episodes finished", ActorStats::episodes);
        counter(registry, tags, actor, "actor.episodes.failed", "episode summaries that could not be published",
                ActorStats::episodeSummariesFailed);
        gauge(registry, tags, actor, "actor.episode.return", "return of the last finished episode",
                ActorStats::lastEpisodeReturn);
        gauge(registry, tags, actor, "actor.policy.version", "policy version in use, -1 while acting randomly",
                ActorStats::policyVersion);
        counter(registry, tags, actor, "actor.policy.swaps", "policy snapshots accepted", ActorStats::policySwaps);
        counter(registry, tags, actor, "actor.policy.rejected", "policy snapshots refused",
                ActorStats::policyRejected);
        counter(registry, tags, actor, "actor.policy.wait.timeouts", "waits for a newer policy that timed out",
                ActorStats::policyWaitTimeouts);
    }

    private static void counter(MeterRegistry registry, Tags tags, ActorLoop actor, String name,
                                String description, ToDoubleFunction<ActorStats> value) {
        FunctionCounter.builder(name, actor, a -> value.applyAsDouble(a.stats()))
                .description(description)
                .tags(tags)
                .register(registry);
    }

    private static void gauge(MeterRegistry registry, Tags tags, ActorLoop actor, String name,
                              String description, ToDoubleFunction<ActorStats> value) {
        Gauge.builder(name, actor, a -> value.applyAsDouble(a.stats()))
                .description(description)
                .tags(tags)
                .register(registry);
    }
}
