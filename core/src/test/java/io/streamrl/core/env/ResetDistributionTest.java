package io.streamrl.core.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Start states follow ENVS.md (Gymnasium's reset ranges) and DESIGN.md (Pricing). Besides the
 * range, each variable must spread over it: with 4,000 uniform draws the smallest and largest
 * land within 1% of the ends except with probability 2 * 0.99^4000 ≈ 7e-18, so a reset that
 * ignores the generator or uses a narrower range fails.
 */
class ResetDistributionTest {

    private static final int RESETS = 4000;

    @Test
    void pendulumStartsUniformInAngleAndSpeed() {
        double[][] starts = starts("pendulum");
        assertUniform(starts, 0, -Math.PI, Math.PI);
        assertUniform(starts, 1, -1.0, 1.0);
    }

    @Test
    void mountainCarStartsAtRestInTheValley() {
        double[][] starts = starts("mountaincar");
        assertUniform(starts, 0, -0.6, -0.4);
        for (double[] s : starts) {
            assertThat(s[1]).isEqualTo(0.0);
        }
    }

    @Test
    void cartPoleStartsNearUpright() {
        double[][] starts = starts("cartpole");
        for (int i = 0; i < 4; i++) {
            assertUniform(starts, i, -0.05, 0.05);
        }
    }

    @Test
    void pricingStartsInTheStationaryDemandLawOnDayZero() {
        double[][] starts = starts("pricing");
        assertUniform(starts, 1, 8.0, 12.0);
        double sum = 0;
        double sumSquares = 0;
        for (double[] s : starts) {
            assertThat(s[0]).isPositive();
            assertThat(s[2]).isEqualTo(0.0);
            double logM = Math.log(s[0]);
            sum += logM;
            sumSquares += logM * logM;
        }
        // log m ~ N(0, 0.1² / (1 - 0.9²)); mean and variance within 5 standard errors
        double variance = 0.01 / (1 - 0.81);
        double mean = sum / RESETS;
        double sampleVariance = (sumSquares - RESETS * mean * mean) / (RESETS - 1);
        assertThat(mean).isCloseTo(0.0, within(5 * Math.sqrt(variance / RESETS)));
        assertThat(sampleVariance).isCloseTo(variance, within(5 * variance * Math.sqrt(2.0 / (RESETS - 1))));
    }

    @Test
    void resetReturnsTheObservationOfTheStartState() {
        for (String name : new String[] {"pendulum", "mountaincar", "cartpole", "pricing"}) {
            Env env = Envs.make(name, new SplittableRandom(3));
            float[] observation = env.reset();
            assertThat(observation).as(name).containsExactly(env.observation());
            assertThat(observation).as(name).hasSize(env.spec().observationDim());
        }
    }

    private static double[][] starts(String name) {
        Env env = Envs.make(name, new SplittableRandom(2024));
        double[][] starts = new double[RESETS][];
        for (int i = 0; i < RESETS; i++) {
            env.reset();
            starts[i] = env.state();
        }
        return starts;
    }

    /** Every value in {@code [low, high)} and both ends approached within 1% of the width. */
    private static void assertUniform(double[][] starts, int index, double low, double high) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double[] s : starts) {
            assertThat(s[index]).as("state[%d]", index).isGreaterThanOrEqualTo(low).isLessThan(high);
            min = Math.min(min, s[index]);
            max = Math.max(max, s[index]);
        }
        double slack = 0.01 * (high - low);
        assertThat(min).as("smallest state[%d]", index).isLessThan(low + slack);
        assertThat(max).as("largest state[%d]", index).isGreaterThan(high - slack);
    }
}
