package io.streamrl.pipeline.pricing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a run of {@link PricingShops} did.
 *
 * @param config what was run
 * @param startedAt when the first day began, by the run's clock
 * @param elapsedMillis from the first day's start until the run returned (rewards included), by the run's clock
 * @param stoppedEarly whether {@link PricingShops#stop()} ended it before the last day
 * @param days every simulated day run, in order
 * @param modes answered decisions by the mode the serve reported ({@code learned}, {@code holdout},
 *     {@code fallback}, {@code shadow}; {@code unknown} when an answer did not say)
 * @param decisionFailures failed decisions by kind
 * @param rewardsOk rewards the serve accepted (2xx)
 * @param rewardFailures rewards that failed, by kind
 * @param rewardsUnsent rewards scheduled but without an answer when the run ended
 */
public record ShopsResult(ShopsConfig config, Instant startedAt, long elapsedMillis, boolean stoppedEarly,
                          List<PricingDay> days, Map<String, Long> modes, Failures decisionFailures, long rewardsOk,
                          Failures rewardFailures, long rewardsUnsent) {

    public ShopsResult {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(startedAt, "startedAt");
        days = List.copyOf(days);
        modes = Map.copyOf(modes);
        Objects.requireNonNull(decisionFailures, "decisionFailures");
        Objects.requireNonNull(rewardFailures, "rewardFailures");
    }

    @Override
    public Map<String, Long> modes() {
        return new TreeMap<>(modes);
    }

    public long decisionsOk() {
        return days.stream().mapToLong(PricingDay::decisionsOk).sum();
    }

    public long decisionsFailed() {
        return days.stream().mapToLong(PricingDay::decisionsFailed).sum();
    }

    public long rewardsScheduled() {
        return days.stream().mapToLong(PricingDay::rewardsScheduled).sum();
    }

    public long rewardsLost() {
        return days.stream().mapToLong(PricingDay::rewardsLost).sum();
    }

    /** The learned shops over the whole run. */
    public PricingDay.Group learned() {
        return days.stream().map(PricingDay::learned).reduce(PricingDay.Group.EMPTY, PricingDay.Group::plus);
    }

    /** The holdout shops over the whole run. */
    public PricingDay.Group holdout() {
        return days.stream().map(PricingDay::holdout).reduce(PricingDay.Group.EMPTY, PricingDay.Group::plus);
    }

    /** The other shop-days (fallback, shadow, failed decisions) over the whole run. */
    public PricingDay.Group other() {
        return days.stream().map(PricingDay::other).reduce(PricingDay.Group.EMPTY, PricingDay.Group::plus);
    }

    /** The learned and holdout shares over the last {@code k} days ({@link PricingShares#overLast}). */
    public PricingShares sharesOverLast(int k) {
        return PricingShares.overLast(days, k);
    }

    /** A few lines for a person. */
    public List<String> summary() {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "shops %s: %,d shops, %,d of %,d days%s in %.1f s", config.url(),
                config.shops(), days.size(), config.days(), stoppedEarly ? " (stopped early)" : "",
                elapsedMillis / 1000.0));
        lines.add(String.format(Locale.ROOT, "share of optimal profit: learned %s (%,d shop-days), holdout %s"
                        + " (%,d shop-days), other %,d shop-days", PricingDay.percent(learned().share()),
                learned().shops(), PricingDay.percent(holdout().share()), holdout().shops(), other().shops()));
        lines.add(String.format(Locale.ROOT, "decisions: %,d ok, %,d failed: %s; modes %s", decisionsOk(),
                decisionsFailed(), decisionFailures.describe(), modes()));
        lines.add(String.format(Locale.ROOT, "rewards: %,d scheduled, %,d lost on purpose, %,d accepted, %,d unsent,"
                + " failed: %s", rewardsScheduled(), rewardsLost(), rewardsOk, rewardsUnsent,
                rewardFailures.describe()));
        return lines;
    }
}
