package io.streamrl.core.env;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Pricing-v0: set one product's daily price for a year against a drifting demand level and a
 * competitor's price; streamrl's production-like environment.
 *
 * <p>Each day {@code t = 0 .. 364}:
 * <ul>
 *   <li>the action is the price {@code p} itself, in [1, 20] (raw values are clipped). A
 *       learner's normalised action {@code a} in [-1, 1] maps onto it affinely,
 *       {@code p = 1 + (a + 1) / 2 * 19} ({@link #priceFor}), which is what the engine's action
 *       scaling does with these bounds; so a decision API answers in prices;</li>
 *   <li>units sold ~ Poisson({@code lambda}) with
 *       {@code lambda = 100 m (1 + 0.2 sin(2 pi (t mod 7) / 7)) exp(-2 p / c)};</li>
 *   <li>reward {@code (p - 4) units / 100} (unit cost 4; the scale keeps returns O(1) per
 *       day);</li>
 *   <li>then the demand level follows the log-AR(1) {@code log m' = 0.9 log m + N(0, 0.1²)}, the
 *       competitor price the log random walk {@code c' = clip(c exp(N(0, 0.05²)), 5, 15)}, and
 *       the day advances. The episode is truncated after 365 steps and never terminates.</li>
 * </ul>
 *
 * <p>Expected profit {@code (p - 4) lambda} is maximised at {@code p* = 4 + c / 2}, which does
 * not depend on {@code m} or the weekday; {@link #lastStep()} reports it with the expected
 * reward of both prices so a trainer can report regret and the share of optimal profit.
 *
 * <p>Start: {@code log m} is drawn from the AR(1)'s stationary law {@code N(0, 0.1² / (1 -
 * 0.9²))} (standard deviation 0.229), so the demand process is stationary from day 0 and early
 * days are not systematically different from late ones; {@code c ~ U[8, 12)}; day 0.
 *
 * <p>Observation (float32, 4 entries), the features of the day about to be priced:
 * {@code [log m, c / 10, sin(2 pi d / 7), cos(2 pi d / 7)]} with {@code d = t mod 7}. All are
 * O(1) so an unnormalised network sees them on a common scale: {@code log m} is the AR(1)
 * variable itself (Gaussian, sd 0.23, and demand is linear in it on the log scale), {@code c / 10}
 * lies in [0.5, 1.5] and the optimal action is affine in it, and the sin/cos pair encodes the
 * weekday without a jump from Sunday to Monday. The observation determines the Markov state
 * apart from the day count, which only the time limit uses.
 *
 * <p>Random draws per step, in order: the units, the demand noise, the competitor noise.
 */
public final class PricingEnv implements Env {

    public static final String ID = "Pricing-v0";

    public static final double MIN_PRICE = 1.0;
    public static final double MAX_PRICE = 20.0;
    public static final double UNIT_COST = 4.0;
    public static final double MIN_COMPETITOR_PRICE = 5.0;
    public static final double MAX_COMPETITOR_PRICE = 15.0;
    public static final int EPISODE_DAYS = 365;

    private static final double BASE_DEMAND = 100.0;
    private static final double WEEKLY_AMPLITUDE = 0.2;
    private static final double PRICE_SENSITIVITY = 2.0;
    private static final double REWARD_SCALE = 100.0;
    private static final double DEMAND_PERSISTENCE = 0.9;
    private static final double DEMAND_NOISE = 0.1;
    private static final double STATIONARY_LOG_DEMAND_SD =
            DEMAND_NOISE / Math.sqrt(1 - DEMAND_PERSISTENCE * DEMAND_PERSISTENCE);
    private static final double COMPETITOR_VOLATILITY = 0.05;
    private static final double START_COMPETITOR_LOW = 8.0;
    private static final double START_COMPETITOR_HIGH = 12.0;
    private static final int WEEK = 7;

    /**
     * No reward threshold: progress is measured as the share of optimal profit. A contextual
     * bandit: demand level, competitor price and weekday move the same whatever the price.
     */
    static final EnvSpec SPEC = new EnvSpec(ID, 4,
            new ActionSpace.Box(new double[] {MIN_PRICE}, new double[] {MAX_PRICE}), EPISODE_DAYS, Double.NaN, true);

    private final SplittableRandom random;
    private final EpisodeClock clock = new EpisodeClock(ID, SPEC.maxEpisodeSteps());
    private double demandLevel;
    private double competitorPrice;
    private int day;
    private PricingStep lastStep;

    /** @param random the generator of start states, sales and market moves; the environment becomes its only user */
    public PricingEnv(SplittableRandom random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    @Override
    public EnvSpec spec() {
        return SPEC;
    }

    @Override
    public float[] reset() {
        demandLevel = StrictMath.exp(STATIONARY_LOG_DEMAND_SD * random.nextGaussian());
        competitorPrice = random.nextDouble(START_COMPETITOR_LOW, START_COMPETITOR_HIGH);
        day = 0;
        lastStep = null;
        clock.start();
        return observation();
    }

    @Override
    public StepResult step(double[] action) {
        clock.requireRunning();
        double a = Checks.boxScalar(SPEC, action);
        double m = demandLevel;
        double c = competitorPrice;

        // 1. the price: the (clipped) action
        double price = clip(a, MIN_PRICE, MAX_PRICE);
        // 2. expected demand at that price today
        double lambda = demandRate(price, m, c, day);
        // 3. units sold
        long units = PoissonSampler.sample(lambda, random);
        // 4. reward: margin times units, scaled
        double reward = (price - UNIT_COST) * units / REWARD_SCALE;
        // 5. what the optimal price would have earned in expectation today
        double bestPrice = optimalPrice(c);
        double expectedReward = (price - UNIT_COST) * lambda / REWARD_SCALE;
        double bestExpectedReward = (bestPrice - UNIT_COST) * demandRate(bestPrice, m, c, day) / REWARD_SCALE;
        lastStep = new PricingStep(day, price, c, m, lambda, units, reward, expectedReward,
                bestPrice, bestExpectedReward);
        // 6. the market moves on to tomorrow
        demandLevel = StrictMath.exp(DEMAND_PERSISTENCE * StrictMath.log(m) + DEMAND_NOISE * random.nextGaussian());
        competitorPrice = clip(c * StrictMath.exp(COMPETITOR_VOLATILITY * random.nextGaussian()),
                MIN_COMPETITOR_PRICE, MAX_COMPETITOR_PRICE);
        day++;

        boolean truncated = clock.advance(false);
        return new StepResult(observation(), reward, false, truncated);
    }

    /** {@code [demand level m, competitor price c, day t]}. */
    @Override
    public double[] state() {
        return new double[] {demandLevel, competitorPrice, day};
    }

    /**
     * @param state {@code [m, c, t]}: {@code m > 0}, {@code c} in [5, 15], {@code t} a whole
     *     number {@code >= 0}
     */
    @Override
    public void setState(double[] state) {
        double[] s = Checks.finiteState(ID, state, "demand_level", "competitor_price", "day");
        if (!(s[0] > 0)) {
            throw new IllegalArgumentException(ID + ": state demand_level must be > 0, got " + s[0]);
        }
        if (!(s[1] >= MIN_COMPETITOR_PRICE && s[1] <= MAX_COMPETITOR_PRICE)) {
            throw new IllegalArgumentException(ID + ": state competitor_price must be in ["
                    + MIN_COMPETITOR_PRICE + ", " + MAX_COMPETITOR_PRICE + "], got " + s[1]);
        }
        if (!(s[2] >= 0 && s[2] <= Integer.MAX_VALUE && s[2] == Math.rint(s[2]))) {
            throw new IllegalArgumentException(ID + ": state day must be a whole number >= 0, got " + s[2]);
        }
        demandLevel = s[0];
        competitorPrice = s[1];
        day = (int) s[2];
    }

    /** {@code [log m, c / 10, sin(2 pi d / 7), cos(2 pi d / 7)]}, {@code d = t mod 7}; see the class comment. */
    @Override
    public float[] observation() {
        double weekAngle = weekAngle(day);
        return new float[] {
            (float) StrictMath.log(demandLevel),
            (float) (competitorPrice / 10.0),
            (float) StrictMath.sin(weekAngle),
            (float) StrictMath.cos(weekAngle),
        };
    }

    /**
     * The economics of the step just taken in this episode.
     *
     * @throws IllegalStateException when no step was taken since the last {@link #reset()}
     */
    public PricingStep lastStep() {
        if (lastStep == null) {
            throw new IllegalStateException(ID + ": lastStep() needs a step since reset(); call step() first");
        }
        return lastStep;
    }

    /**
     * The price a normalised action sets: {@code a} clipped to [-1, 1], mapped affinely onto
     * [1, 20] (DESIGN.md's formula; the engine's {@code ActionScaling} computes the same).
     */
    public static double priceFor(double action) {
        double a = clip(action, -1.0, 1.0);
        return MIN_PRICE + (a + 1) / 2 * (MAX_PRICE - MIN_PRICE);
    }

    /**
     * The price maximising expected profit {@code (p - 4) exp(-2 p / c)}: setting the derivative
     * {@code exp(-2p/c) (1 - 2 (p - 4) / c)} to zero gives {@code 4 + c / 2}; the profit is
     * unimodal, so clipping to [1, 20] gives the constrained optimum.
     */
    public static double optimalPrice(double competitorPrice) {
        return clip(UNIT_COST + competitorPrice / 2, MIN_PRICE, MAX_PRICE);
    }

    private static double demandRate(double price, double m, double c, int day) {
        double weekly = 1 + WEEKLY_AMPLITUDE * StrictMath.sin(weekAngle(day));
        return BASE_DEMAND * m * weekly * StrictMath.exp(-PRICE_SENSITIVITY * price / c);
    }

    private static double weekAngle(int day) {
        return 2 * Math.PI * (day % WEEK) / WEEK;
    }

    private static double clip(double x, double low, double high) {
        return Math.min(Math.max(x, low), high);
    }
}
