package io.streamrl.pipeline.pricing;

/**
 * Pricing-v0's expected economics from an observation alone, in closed form from the
 * environment's documentation ({@code lambda = 100 m (1 + 0.2 sin(2 pi d / 7)) exp(-2 p / c)},
 * reward {@code (p - 4) units / 100}, observation {@code [log m, c / 10, sin, cos]}), written
 * apart from {@code PricingEnv} so that the tests check the shops' figures against an
 * independent computation.
 */
final class Market {

    private Market() {
    }

    static double competitorPrice(float[] state) {
        return state[1] * 10.0;
    }

    static double optimalPrice(float[] state) {
        return 4 + competitorPrice(state) / 2;
    }

    static double expectedReward(double price, float[] state) {
        double m = Math.exp(state[0]);
        double c = competitorPrice(state);
        double lambda = 100 * m * (1 + 0.2 * state[2]) * Math.exp(-2 * price / c);
        return (price - 4) * lambda / 100;
    }

    static double optimalExpectedReward(float[] state) {
        return expectedReward(optimalPrice(state), state);
    }

    /** The weekday {@code t mod 7} the state encodes as {@code sin, cos} of {@code 2 pi d / 7}. */
    static int weekday(float[] state) {
        double turns = Math.atan2(state[2], state[3]) / (2 * Math.PI);
        return (int) Math.floorMod(Math.round(turns * 7), 7L);
    }
}
