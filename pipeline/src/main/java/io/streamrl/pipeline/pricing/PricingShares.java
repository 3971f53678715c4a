package io.streamrl.pipeline.pricing;

import io.streamrl.core.config.Check;
import java.util.List;
import java.util.Objects;

/**
 * The share of optimal profit over a window of days, for learned and for holdout shops:
 * {@code sum(expected) / sum(optimal)} over the window, so that a busy day weighs more than a
 * quiet one (an average of daily shares would not). The learned share late in a run, next to
 * the holdout share over the same days, is the demo's headline figure.
 *
 * @param days days in the window (fewer than asked when the run had fewer)
 * @param learned share of the learned shops; NaN when none priced in the window
 * @param holdout share of the holdout shops; NaN when none priced in the window
 */
public record PricingShares(int days, double learned, double holdout) {

    /**
     * The shares over the last {@code k} days of {@code days} (all of them when there are fewer).
     *
     * @throws IllegalArgumentException naming {@code k} when it is below 1
     */
    public static PricingShares overLast(List<PricingDay> days, int k) {
        Objects.requireNonNull(days, "days");
        Check.inClosed("k", k, 1, Integer.MAX_VALUE);
        List<PricingDay> window = days.subList(Math.max(0, days.size() - k), days.size());
        PricingDay.Group learned = PricingDay.Group.EMPTY;
        PricingDay.Group holdout = PricingDay.Group.EMPTY;
        for (PricingDay d : window) {
            learned = learned.plus(d.learned());
            holdout = holdout.plus(d.holdout());
        }
        return new PricingShares(window.size(), learned.share(), holdout.share());
    }
}
