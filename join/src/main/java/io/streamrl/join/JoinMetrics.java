package io.streamrl.join;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The join's health, shared by every stream thread's processors: transitions by outcome,
 * rewards by what became of them, and how long rewards took to come. Exposed on {@code /metrics}
 * of {@code streamrl join} and {@code streamrl serve} as {@code join_*}.
 */
public final class JoinMetrics {

    final Counter joined;
    final Counter defaulted;
    final Counter dropped;
    final Counter rewardsTaken;
    final Counter rewardsEarly;
    final Counter rewardsLate;
    final Counter rewardsOrphaned;
    final Counter rewardsRepeated;
    final Counter rewardsIgnored;
    final Counter decisionsRepeated;
    final Counter deadLettered;
    final Timer rewardWait;

    public JoinMetrics(MeterRegistry registry) {
        joined = Counter.builder("join.transitions").tag("outcome", "joined")
                .description("transitions sent, by whether a reward came or the default was used").register(registry);
        defaulted = Counter.builder("join.transitions").tag("outcome", "defaulted")
                .description("transitions sent, by whether a reward came or the default was used").register(registry);
        dropped = Counter.builder("join.decisions.dropped")
                .description("decisions whose wait ended without a reward, dropped (default-reward none)")
                .register(registry);
        rewardsTaken = rewards(registry, "joined");
        rewardsEarly = rewards(registry, "early");
        rewardsLate = rewards(registry, "late");
        rewardsOrphaned = rewards(registry, "orphaned");
        rewardsRepeated = rewards(registry, "repeated");
        rewardsIgnored = rewards(registry, "ignored");
        decisionsRepeated = Counter.builder("join.decisions.repeated")
                .description("decisions seen again under an id already joined, ignored").register(registry);
        deadLettered = Counter.builder("join.dead.letters")
                .description("decisions or rewards that could not be decoded or were invalid").register(registry);
        rewardWait = Timer.builder("join.reward.wait")
                .description("time from a decision to its first reward (serve's clock at both ends)")
                .publishPercentiles(0.5, 0.9, 0.99)
                .distributionStatisticExpiry(Duration.ofMinutes(5))
                .register(registry);
    }

    private static Counter rewards(MeterRegistry registry, String result) {
        return Counter.builder("join.rewards").tag("result", result)
                .description("rewards by what became of them: joined (taken), early (before their decision, waiting),"
                        + " late (after the wait, to late-rewards), orphaned (no decision came, to late-rewards),"
                        + " repeated (counted once), ignored (after the first, with combine first)")
                .register(registry);
    }
}
