package io.streamrl.bench;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * The reward join's own counters after a round, read from the registry its {@code JoinMetrics}
 * wrote to: what it did with the decisions and rewards, to show that the rate was earned by
 * joining them (nothing defaulted, late or dead-lettered) rather than by sending defaults.
 *
 * @param joined transitions sent with their reward
 * @param defaulted transitions sent with the default reward because none came within the wait
 * @param dropped decisions dropped without a reward (default reward none)
 * @param rewardsJoined rewards taken into a transition
 * @param rewardsEarly rewards that came before their decision (then taken when it came)
 * @param rewardsLate rewards after their decision settled or its wait, sent to late-rewards
 * @param rewardsOrphaned rewards whose decision never came
 * @param rewardsRepeated rewards seen twice, counted once
 * @param decisionsRepeated decisions seen twice, ignored
 * @param deadLettered decisions or rewards that did not decode or were invalid
 */
public record JoinCounts(long joined, long defaulted, long dropped, long rewardsJoined, long rewardsEarly,
                         long rewardsLate, long rewardsOrphaned, long rewardsRepeated, long decisionsRepeated,
                         long deadLettered) {

    public static JoinCounts of(MeterRegistry registry) {
        return new JoinCounts(
                count(registry, "join.transitions", "outcome", "joined"),
                count(registry, "join.transitions", "outcome", "defaulted"),
                count(registry, "join.decisions.dropped", null, null),
                count(registry, "join.rewards", "result", "joined"),
                count(registry, "join.rewards", "result", "early"),
                count(registry, "join.rewards", "result", "late"),
                count(registry, "join.rewards", "result", "orphaned"),
                count(registry, "join.rewards", "result", "repeated"),
                count(registry, "join.decisions.repeated", null, null),
                count(registry, "join.dead.letters", null, null));
    }

    /** Whether every transition had its reward and every reward found its decision once. */
    public boolean clean() {
        return defaulted == 0 && dropped == 0 && rewardsLate == 0 && rewardsOrphaned == 0 && rewardsRepeated == 0
                && decisionsRepeated == 0 && deadLettered == 0;
    }

    private static long count(MeterRegistry registry, String name, String tag, String value) {
        var search = registry.find(name);
        if (tag != null) {
            search = search.tag(tag, value);
        }
        var counter = search.counter();
        // The join registers every counter at start; a missing one means the metric was renamed.
        if (counter == null) {
            throw new IllegalStateException("the join registered no counter " + name
                    + (tag == null ? "" : "{" + tag + "=" + value + "}") + "; JoinMetrics and JoinCounts disagree");
        }
        return Math.round(counter.count());
    }
}
