package io.streamrl.core.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Independent {@code N(0, sigma_k^2)} per step and dimension, drawn from the given generator. */
class GaussianNoiseTest {

    @Test
    void sameSeedGivesTheSameSequenceAndAnotherSeedAnotherOne() {
        NoiseSchedule schedule = new NoiseSchedule(0.5, 0.1, 0.9);
        GaussianNoise a = new GaussianNoise(3, schedule, new SplittableRandom(42));
        GaussianNoise b = new GaussianNoise(3, schedule, new SplittableRandom(42));
        GaussianNoise c = new GaussianNoise(3, schedule, new SplittableRandom(43));
        assertThat(Stats.samplesDifferingFromTheTwin(a, b, c, 5, 200))
                .as("seed 43 gives a different sequence than seed 42").isEqualTo(1000);
    }

    @Test
    void samplesAreTheGeneratorsGaussiansScaledByTheEpisodesSigma() {
        // sigma_0 = 0.4, sigma_1 = 0.2, sigma_k = 0.05 from k = 3 on (0.4 / 8 = 0.05)
        NoiseSchedule schedule = new NoiseSchedule(0.4, 0.05, 0.5);
        GaussianNoise noise = new GaussianNoise(2, schedule, new SplittableRandom(9));
        SplittableRandom twin = new SplittableRandom(9);

        // before any reset the process uses episode 0's scale
        assertThat(noise.sigma()).isEqualTo(0.4);
        assertScaledDraws(noise, twin, 0.4, 10);

        noise.reset(1);
        assertThat(noise.sigma()).isCloseTo(0.2, within(1e-15));
        assertScaledDraws(noise, twin, 0.2, 10);

        noise.reset(3);
        assertThat(noise.sigma()).isCloseTo(0.05, within(1e-15));
        assertScaledDraws(noise, twin, 0.05, 10);

        noise.reset(50);
        assertThat(noise.sigma()).isEqualTo(0.05);

        // going back to episode 0 restores its scale: the scale is a function of the episode only
        noise.reset(0);
        assertThat(noise.sigma()).isEqualTo(0.4);
    }

    private static void assertScaledDraws(GaussianNoise noise, SplittableRandom twin, double sigma, int steps) {
        for (int t = 0; t < steps; t++) {
            float[] x = noise.sample();
            assertThat(x).hasSize(2);
            for (float v : x) {
                assertThat(v).isCloseTo((float) (sigma * twin.nextGaussian()), within(1e-7f));
            }
        }
    }

    @Test
    void sampleMomentsMatchZeroMeanAndSigma() {
        double sigma = 0.3;
        int n = 100_000;
        int dim = 2;
        GaussianNoise noise = new GaussianNoise(dim, NoiseSchedule.constant(sigma), new SplittableRandom(2024));
        double[][] x = new double[dim][n];
        for (int t = 0; t < n; t++) {
            float[] s = noise.sample();
            for (int d = 0; d < dim; d++) {
                x[d][t] = s[d];
            }
        }
        // Tolerances are 5 standard errors of each estimator for n iid N(0, sigma^2) draws:
        //   mean: sigma / sqrt(n) = 9.5e-4       -> 4.7e-3
        //   std:  sigma / sqrt(2n) = 6.7e-4      -> 3.4e-3
        //   P(|x| < sigma) = 0.6827, sqrt(p(1-p)/n) = 1.5e-3 -> 7.4e-3 (a uniform with the same
        //     variance would give 0.577, a Laplace 0.757)
        //   correlation (between dimensions, or lag 1 in time): 1/sqrt(n) = 3.2e-3 -> 1.6e-2
        for (int d = 0; d < dim; d++) {
            assertThat(Stats.mean(x[d])).as("mean, dim %d", d).isCloseTo(0.0, within(5 * sigma / Math.sqrt(n)));
            assertThat(Math.sqrt(Stats.variance(x[d]))).as("std, dim %d", d).isCloseTo(sigma, within(5 * sigma / Math.sqrt(2.0 * n)));
            double inside = 0;
            for (double v : x[d]) {
                inside += Math.abs(v) < sigma ? 1 : 0;
            }
            double p = 0.682689492;
            assertThat(inside / n).as("P(|x| < sigma), dim %d", d)
                    .isCloseTo(p, within(5 * Math.sqrt(p * (1 - p) / n)));
            assertThat(Stats.lagCorrelation(x[d], 1)).as("lag-1 autocorrelation, dim %d", d)
                    .isCloseTo(0.0, within(5 / Math.sqrt(n)));
        }
        assertThat(Stats.correlation(x[0], x[1])).as("correlation between dimensions")
                .isCloseTo(0.0, within(5 / Math.sqrt(n)));
    }

    @Test
    void zeroScaleGivesZeroNoise() {
        GaussianNoise noise = new GaussianNoise(3, new NoiseSchedule(0.0, 0.0, 1.0), new SplittableRandom(1));
        for (int t = 0; t < 100; t++) {
            for (float v : noise.sample()) {
                // 0 * g is -0.0 for negative g: compare magnitudes
                assertThat(Math.abs(v)).isEqualTo(0f);
            }
        }
    }

    @Test
    void everySampleIsAFreshArray() {
        GaussianNoise noise = new GaussianNoise(2, NoiseSchedule.constant(1.0), new SplittableRandom(3));
        float[] first = noise.sample();
        float[] copy = first.clone();
        float[] second = noise.sample();
        assertThat(second).isNotSameAs(first);
        second[0] = 1234f;
        assertThat(first).isEqualTo(copy);
    }

    @Test
    void dimensionBelowOneIsRejected() {
        assertThatThrownBy(() -> new GaussianNoise(0, NoiseSchedule.constant(0.1), new SplittableRandom(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("noise dimension must be >= 1, got 0");
    }
}
