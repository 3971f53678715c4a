package io.streamrl.core.env;

/**
 * The economics of one {@link PricingEnv} step: what was charged and sold, and what the
 * closed-form optimal price would have earned on the same day. Expected values use the demand
 * rate {@code lambda} rather than the sampled units, so regret measures the pricing decision
 * and not the demand noise. Over an episode, {@code sum(expectedReward) /
 * sum(optimalExpectedReward)} is the share of optimal profit earned.
 *
 * @param day 0-based day of the episode the price was charged on
 * @param price the price charged, in [1, 20]
 * @param competitorPrice the competitor's price that day
 * @param demandLevel the demand level {@code m} that day
 * @param demandRate the Poisson mean {@code lambda} of units at {@code price}
 * @param units the units sold (the Poisson draw)
 * @param reward the reward returned by the step, {@code (price - 4) * units / 100}
 * @param expectedReward {@code (price - 4) * demandRate / 100}
 * @param optimalPrice {@code 4 + competitorPrice / 2}, clipped to [1, 20]
 * @param optimalExpectedReward the expected reward at {@code optimalPrice} that day
 */
public record PricingStep(int day, double price, double competitorPrice, double demandLevel,
                          double demandRate, long units, double reward, double expectedReward,
                          double optimalPrice, double optimalExpectedReward) {

    /** Expected reward lost to the optimal price on this day; {@code >= 0}. */
    public double regret() {
        return optimalExpectedReward - expectedReward;
    }
}
