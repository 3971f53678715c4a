package io.streamrl.pipeline.pricing;

import io.streamrl.core.config.Check;
import java.util.Locale;

/**
 * One simulated day of every shop, split by who priced it.
 *
 * <p>A shop-day belongs to {@code learned} when the serve answered with mode {@code learned},
 * to {@code holdout} when it answered {@code holdout}, and to {@code other} otherwise: mode
 * {@code fallback} or {@code shadow}, or a failed decision (the shop kept its previous price).
 * The serve decides holdout membership (a stable hash of the entity), so the shops cannot know
 * it in advance; classifying by the answer is also what keeps a kill switch or a pin that
 * falls back out of the learned figures.
 *
 * @param day 0-based index of the simulated day in the run (not the episode's day: episodes
 *     restart every 365 days)
 * @param learned shops priced by the learned policy
 * @param holdout shops priced by the holdout's fixed fallback
 * @param other the remaining shops (fallback, shadow, failed decisions)
 * @param decisionsOk decisions answered with a 2xx and a usable body
 * @param decisionsFailed decisions that failed (non-2xx, I/O, timeout, unusable body)
 * @param rewardsScheduled rewards for this day's decisions that were queued to be sent after their lag
 * @param rewardsLost rewards for this day's decisions dropped on purpose ({@link ShopsConfig#lostRewardShare()})
 */
public record PricingDay(int day, Group learned, Group holdout, Group other, long decisionsOk,
                         long decisionsFailed, long rewardsScheduled, long rewardsLost) {

    public PricingDay {
        Check.inClosed("day", day, 0, Integer.MAX_VALUE);
        if (learned == null || holdout == null || other == null) {
            throw new IllegalArgumentException("learned, holdout and other must be given");
        }
        Check.inClosed("decisions-ok", decisionsOk, 0, Long.MAX_VALUE);
        Check.inClosed("decisions-failed", decisionsFailed, 0, Long.MAX_VALUE);
        Check.inClosed("rewards-scheduled", rewardsScheduled, 0, Long.MAX_VALUE);
        Check.inClosed("rewards-lost", rewardsLost, 0, Long.MAX_VALUE);
    }

    /** Shops that priced this day, whoever priced them. */
    public long shops() {
        return learned.shops() + holdout.shops() + other.shops();
    }

    /** A progress line for a person. */
    public String describe() {
        return String.format(Locale.ROOT, "day %d: learned %s (%d shops), holdout %s (%d shops), other %d;"
                        + " decisions %d ok, %d failed; rewards %d scheduled, %d lost", day, percent(learned.share()),
                learned.shops(), percent(holdout.share()), holdout.shops(), other.shops(), decisionsOk,
                decisionsFailed, rewardsScheduled, rewardsLost);
    }

    static String percent(double share) {
        return Double.isNaN(share) ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * share);
    }

    /**
     * Expected profit of a group of shop-days, and what the closed-form optimal price would have
     * earned on the same days. Expected values (not the sampled sales) measure the pricing and
     * not the demand noise ({@link io.streamrl.core.env.PricingStep}).
     *
     * @param expectedReward sum of {@code PricingStep.expectedReward()}
     * @param optimalExpectedReward sum of {@code PricingStep.optimalExpectedReward()}
     * @param shops shop-days summed (on one day: shops)
     */
    public record Group(double expectedReward, double optimalExpectedReward, long shops) {

        public static final Group EMPTY = new Group(0, 0, 0);

        public Group {
            Check.inClosed("shops", shops, 0, Long.MAX_VALUE);
            if (!Double.isFinite(expectedReward) || !Double.isFinite(optimalExpectedReward)) {
                throw new IllegalArgumentException("expectedReward and optimalExpectedReward must be finite, got "
                        + expectedReward + " and " + optimalExpectedReward);
            }
        }

        /**
         * The share of optimal profit earned, {@code expectedReward / optimalExpectedReward}; NaN
         * when there was no shop-day (or, never in Pricing-v0, no optimal profit).
         */
        public double share() {
            return shops == 0 || optimalExpectedReward == 0 ? Double.NaN : expectedReward / optimalExpectedReward;
        }

        public Group plus(Group g) {
            return new Group(expectedReward + g.expectedReward, optimalExpectedReward + g.optimalExpectedReward,
                    Math.addExact(shops, g.shops));
        }
    }
}
