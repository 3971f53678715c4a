package io.streamrl.pipeline.pricing;

import io.streamrl.core.env.PricingEnv;
import io.streamrl.core.env.PricingStep;
import io.streamrl.core.env.StepResult;
import java.util.SplittableRandom;

/**
 * One simulated shop: its own market (a {@link PricingEnv} that runs episode after episode)
 * and its own generator of reward lags and losses.
 *
 * <p>Not thread-safe: the caller touches a shop from one thread at a time (one day's callback,
 * the days separated by a latch).
 */
final class Shop {

    /** The price before any decision arrived: mid-range, the price a shop would start from. */
    static final double START_PRICE = 10.0;

    /** When and whether one day's profit is reported. */
    record RewardPlan(boolean lost, long lagMillis) {
    }

    private final String entity;
    private final PricingEnv env;
    private final SplittableRandom delivery;
    private float[] observation;
    private double lastPrice = START_PRICE;

    /**
     * @param market the generator of the shop's market, owned by it from now on
     * @param delivery the generator of reward lags and losses, owned by it from now on; apart
     *     from {@code market} so that how rewards travel never changes what the market does
     */
    Shop(String entity, SplittableRandom market, SplittableRandom delivery) {
        this.entity = entity;
        this.env = new PricingEnv(market);
        this.delivery = delivery;
        this.observation = env.reset();
    }

    String entity() {
        return entity;
    }

    /** The features of the day about to be priced. */
    float[] observation() {
        return observation.clone();
    }

    /** The price charged on the last day ({@link #START_PRICE} before the first). */
    double lastPrice() {
        return lastPrice;
    }

    /**
     * Charges {@code price} for today (the market clips it to [1, 20]) and moves on to tomorrow;
     * after the 365th day of an episode (the environment truncates) a new one begins.
     */
    PricingStep charge(double price) {
        StepResult r = env.step(new double[] {price});
        PricingStep step = env.lastStep();
        lastPrice = step.price();
        observation = r.done() ? env.reset() : r.observation();
        return step;
    }

    /**
     * Whether today's profit is lost and after how long it is reported otherwise. Both are drawn
     * every day, whatever became of the decision, so that one failed request does not shift the
     * lags and losses of every later day.
     */
    RewardPlan planReward(double lostShare, long maxLagMillis) {
        boolean lost = delivery.nextDouble() < lostShare;
        long lag = delivery.nextLong(maxLagMillis + 1);
        return new RewardPlan(lost, lag);
    }
}
