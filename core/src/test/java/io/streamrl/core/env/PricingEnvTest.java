package io.streamrl.core.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamrl.core.policy.ActionScaling;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Pricing-v0 against the model in DESIGN.md, with the formulas restated here independently. */
class PricingEnvTest {

    /** DESIGN.md: lambda = 100 m (1 + 0.2 sin(2 pi t / 7)) exp(-2 p / c). */
    private static double lambda(double price, double m, double c, int day) {
        return 100 * m * (1 + 0.2 * Math.sin(2 * Math.PI * day / 7)) * Math.exp(-2 * price / c);
    }

    /** Expected reward (p - 4) lambda / 100. */
    private static double expectedReward(double price, double m, double c, int day) {
        return (price - 4) * lambda(price, m, c, day) / 100;
    }

    private static PricingEnv started(long seed) {
        PricingEnv env = new PricingEnv(new SplittableRandom(seed));
        env.reset();
        return env;
    }

    @ParameterizedTest
    @CsvSource({"-1, 1", "1, 20", "0, 10.5", "0.5, 15.25", "-0.5, 5.75", "-3, 1", "7, 20"})
    void actionMapsAffinelyOntoOneToTwentyAndIsClipped(double action, double price) {
        assertThat(PricingEnv.priceFor(action)).isCloseTo(price, within(1e-12));
        if (Math.abs(action) <= 1) {
            // The engine's scaling onto the env's bounds is the same map.
            assertThat(ActionScaling.toEnvironment(new float[] {(float) action}, new double[] {1}, new double[] {20})[0])
                    .isCloseTo(price, within(1e-12));
        }
        PricingEnv env = started(1);
        env.step(new double[] {PricingEnv.priceFor(action)});
        assertThat(env.lastStep().price()).isCloseTo(price, within(1e-12));
    }

    @ParameterizedTest
    @ValueSource(doubles = {5.0, 7.3, 10.0, 12.9, 15.0})
    void optimalPriceMaximisesExpectedProfit(double c) {
        double m = 1.3;
        int day = 2;
        PricingEnv env = started(2);
        env.setState(new double[] {m, c, day});
        env.step(new double[] {PricingEnv.priceFor(0.0)});
        PricingStep step = env.lastStep();

        assertThat(step.optimalPrice()).isCloseTo(4 + c / 2, within(1e-12));
        assertThat(PricingEnv.optimalPrice(c)).isEqualTo(step.optimalPrice());
        assertThat(step.optimalExpectedReward())
                .isCloseTo(expectedReward(4 + c / 2, m, c, day), within(1e-12));

        // no price on a 1e-4 grid over [1, 20] does better, and the grid's best is next to p*
        double bestGridPrice = Double.NaN;
        double bestGridReward = Double.NEGATIVE_INFINITY;
        for (int i = 0; i <= 190_000; i++) {
            double p = 1 + i * 1e-4;
            double r = expectedReward(p, m, c, day);
            if (r > bestGridReward) {
                bestGridReward = r;
                bestGridPrice = p;
            }
        }
        assertThat(step.optimalExpectedReward()).isGreaterThanOrEqualTo(bestGridReward - 1e-12);
        assertThat(bestGridPrice).isCloseTo(step.optimalPrice(), within(1e-4));

        // first-order condition: the central difference vanishes, the curvature is negative
        double p = step.optimalPrice();
        double h = 1e-4;
        double slope = (expectedReward(p + h, m, c, day) - expectedReward(p - h, m, c, day)) / (2 * h);
        double curvature = (expectedReward(p + h, m, c, day) - 2 * expectedReward(p, m, c, day)
                + expectedReward(p - h, m, c, day)) / (h * h);
        assertThat(slope).isCloseTo(0.0, within(1e-7));
        assertThat(curvature).isNegative();
    }

    @Test
    void stepReportsTheExpectedRewardOfTheChargedPriceAndTheRegret() {
        double m = 0.8;
        double c = 11.0;
        int day = 5;
        PricingEnv env = started(3);
        env.setState(new double[] {m, c, day});
        StepResult result = env.step(new double[] {PricingEnv.priceFor(0.6)});
        PricingStep step = env.lastStep();
        double price = 1 + (0.6 + 1) / 2 * 19;

        assertThat(step.day()).isEqualTo(day);
        assertThat(step.competitorPrice()).isEqualTo(c);
        assertThat(step.demandLevel()).isEqualTo(m);
        assertThat(step.demandRate()).isCloseTo(lambda(price, m, c, day), within(1e-12));
        assertThat(step.expectedReward()).isCloseTo(expectedReward(price, m, c, day), within(1e-12));
        assertThat(step.reward()).isEqualTo(result.reward());
        assertThat(result.reward()).isCloseTo((price - 4) * step.units() / 100, within(1e-12));
        assertThat(step.regret()).isCloseTo(expectedReward(4 + c / 2, m, c, day) - expectedReward(price, m, c, day),
                within(1e-12));
        assertThat(step.regret()).isPositive();
    }

    /**
     * Units at a fixed state are Poisson(lambda): sample mean and variance within 5 standard
     * errors, {@code sqrt(lambda / n)} and {@code sqrt((lambda + 2 lambda²) / n)} (the variance of a
     * sample variance is {@code (mu4 - sigma^4) / n} with Poisson {@code mu4 = lambda + 3 lambda²}).
     * Actions -0.5 and 0.8 put lambda on both sides of the sampler's switch at 10.
     */
    @ParameterizedTest
    @ValueSource(doubles = {-0.5, 0.8})
    void unitsFollowPoissonWithTheModelsDemandRate(double action) {
        double m = 1.2;
        double c = 10.0;
        int day = 3;
        double lambda = lambda(PricingEnv.priceFor(action), m, c, day);
        int n = 40_000;
        PricingEnv env = new PricingEnv(new SplittableRandom(11));
        double sum = 0;
        double sumSquares = 0;
        for (int i = 0; i < n; i++) {
            if (i % PricingEnv.EPISODE_DAYS == 0) {
                env.reset();
            }
            env.setState(new double[] {m, c, day});
            env.step(new double[] {PricingEnv.priceFor(action)});
            PricingStep step = env.lastStep();
            assertThat(step.demandRate()).isCloseTo(lambda, within(1e-12 * lambda));
            sum += step.units();
            sumSquares += (double) step.units() * step.units();
        }
        double mean = sum / n;
        double variance = (sumSquares - n * mean * mean) / (n - 1);
        assertThat(mean).as("mean units, lambda %s", lambda).isCloseTo(lambda, within(5 * Math.sqrt(lambda / n)));
        assertThat(variance).as("variance of units, lambda %s", lambda)
                .isCloseTo(lambda, within(5 * Math.sqrt((lambda + 2 * lambda * lambda) / n)));
    }

    @Test
    void marketMovesByTheLogAr1AndTheClippedLogRandomWalk() {
        int n = 20_000;
        PricingEnv env = new PricingEnv(new SplittableRandom(12));
        double logM = 0.5;
        double sumLog = 0;
        double sumLogSquares = 0;
        double sumLogC = 0;
        double sumLogCSquares = 0;
        int atCeiling = 0;
        for (int i = 0; i < n; i++) {
            if (i % PricingEnv.EPISODE_DAYS == 0) {
                env.reset();
            }
            boolean nearCeiling = i % 2 == 1;
            env.setState(new double[] {Math.exp(logM), nearCeiling ? 15.0 : 10.0, 4});
            env.step(new double[] {PricingEnv.priceFor(0.0)});
            double[] next = env.state();
            assertThat(next[2]).isEqualTo(5.0);
            double y = Math.log(next[0]);
            sumLog += y;
            sumLogSquares += y * y;
            if (nearCeiling) {
                assertThat(next[1]).isLessThanOrEqualTo(15.0);
                atCeiling += next[1] == 15.0 ? 1 : 0;
            } else {
                double z = Math.log(next[1] / 10.0);
                sumLogC += z;
                sumLogCSquares += z * z;
            }
        }
        // log m' ~ N(0.9 * 0.5, 0.1²)
        double meanLog = sumLog / n;
        double sdLog = Math.sqrt((sumLogSquares - n * meanLog * meanLog) / (n - 1));
        assertThat(meanLog).isCloseTo(0.45, within(5 * 0.1 / Math.sqrt(n)));
        assertThat(sdLog).isCloseTo(0.1, within(5 * 0.1 / Math.sqrt(2.0 * n)));
        // log(c' / c) ~ N(0, 0.05²) away from the bounds
        int half = n / 2;
        double meanLogC = sumLogC / half;
        double sdLogC = Math.sqrt((sumLogCSquares - half * meanLogC * meanLogC) / (half - 1));
        assertThat(meanLogC).isCloseTo(0.0, within(5 * 0.05 / Math.sqrt(half)));
        assertThat(sdLogC).isCloseTo(0.05, within(5 * 0.05 / Math.sqrt(2.0 * half)));
        // from the ceiling, an upward move (probability 1/2) is clipped back to 15
        assertThat((double) atCeiling / half).isCloseTo(0.5, within(5 * 0.5 / Math.sqrt(half)));
    }

    @Test
    void observationIsLogDemandScaledCompetitorPriceAndWeekday() {
        PricingEnv env = started(4);
        env.setState(new double[] {1.5, 12.5, 9}); // day 9 is weekday 2
        float[] obs = env.observation();
        assertThat(obs).hasSize(4);
        assertThat(obs[0]).isCloseTo((float) Math.log(1.5), within(1e-6f));
        assertThat(obs[1]).isCloseTo(1.25f, within(1e-6f));
        assertThat(obs[2]).isCloseTo((float) Math.sin(2 * Math.PI * 2 / 7), within(1e-6f));
        assertThat(obs[3]).isCloseTo((float) Math.cos(2 * Math.PI * 2 / 7), within(1e-6f));
    }

    @Test
    void episodeLastsAYearAndIsTruncatedOnItsLastDay() {
        PricingEnv env = new PricingEnv(new SplittableRandom(5));
        SplittableRandom policy = new SplittableRandom(6);
        env.reset();
        for (int step = 1; step <= 365; step++) {
            StepResult result = env.step(new double[] {PricingEnv.priceFor(policy.nextDouble(-1, 1))});
            assertThat(result.terminated()).isFalse();
            assertThat(result.truncated()).as("truncated at step %d", step).isEqualTo(step == 365);
            assertThat(env.lastStep().day()).isEqualTo(step - 1);
            assertThat(env.lastStep().regret()).isGreaterThanOrEqualTo(0.0);
            double c = env.state()[1];
            assertThat(c).isBetween(5.0, 15.0);
            assertThat(result.observation()[1]).isEqualTo((float) (c / 10));
        }
        assertThat(env.state()[2]).isEqualTo(365.0);
        assertThatThrownBy(() -> env.step(new double[] {PricingEnv.priceFor(0.0)}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("truncated at step 365");
    }

    @Test
    void sameSeedSameYear() {
        PricingEnv a = started(9);
        PricingEnv b = started(9);
        for (int i = 0; i < 365; i++) {
            double action = Math.sin(i);
            StepResult ra = a.step(new double[] {PricingEnv.priceFor(action)});
            StepResult rb = b.step(new double[] {PricingEnv.priceFor(action)});
            assertThat(rb.reward()).isEqualTo(ra.reward());
            assertThat(rb.observation()).containsExactly(ra.observation());
        }
    }

    @Test
    void lastStepNeedsAStepInTheCurrentEpisode() {
        PricingEnv env = started(7);
        assertThatThrownBy(env::lastStep).isInstanceOf(IllegalStateException.class).hasMessageContaining("step()");
        env.step(new double[] {PricingEnv.priceFor(0.0)});
        assertThat(env.lastStep().day()).isZero();
        env.reset();
        assertThatThrownBy(env::lastStep).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void stateOutsideTheModelIsRefused() {
        PricingEnv env = started(8);
        assertThatThrownBy(() -> env.setState(new double[] {0.0, 10, 0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("demand_level must be > 0");
        assertThatThrownBy(() -> env.setState(new double[] {1.0, 4.9, 0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("competitor_price must be in [5.0, 15.0]");
        assertThatThrownBy(() -> env.setState(new double[] {1.0, 10, 1.5}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("day must be a whole number");
        assertThatThrownBy(() -> env.setState(new double[] {1.0, 10, -1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("day must be a whole number");
    }

    @ParameterizedTest
    @CsvSource({"0.5, 1", "25, 20", "7.25, 7.25"})
    void theActionIsThePriceClippedToOneToTwenty(double action, double price) {
        PricingEnv env = started(1);
        env.step(new double[] {action});
        assertThat(env.lastStep().price()).isEqualTo(price);
        assertThat(((ActionSpace.Box) env.spec().actionSpace()).low()).containsExactly(1.0);
        assertThat(((ActionSpace.Box) env.spec().actionSpace()).high()).containsExactly(20.0);
    }
}
