package io.streamrl.core.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Statistical checks of the Poisson sampler on both sides of the inversion/PTRS switch at 10.
 * Bounds are 5 standard errors (mean, variance) and the chi-square quantile at 1 - 1e-6, so a
 * correct sampler fails a check with probability about 1e-6, while a wrong law (a normal
 * approximation, a shifted or over-dispersed sampler) is far outside them at this sample size.
 */
class PoissonSamplerTest {

    private static final int SAMPLES = 200_000;
    /** Upper 1e-6 quantile of the standard normal. */
    private static final double Z = 4.753;

    @ParameterizedTest
    @ValueSource(doubles = {0.3, 2.5, 9.99, 10.0, 37.5, 250.0})
    void meanVarianceAndShapeMatchThePoissonLaw(double mean) {
        SplittableRandom random = new SplittableRandom(Double.doubleToLongBits(mean));
        long[] draws = new long[SAMPLES];
        double sum = 0;
        for (int i = 0; i < SAMPLES; i++) {
            draws[i] = PoissonSampler.sample(mean, random);
            assertThat(draws[i]).isNotNegative();
            sum += draws[i];
        }
        double sampleMean = sum / SAMPLES;
        double squares = 0;
        for (long d : draws) {
            squares += (d - sampleMean) * (d - sampleMean);
        }
        double sampleVariance = squares / (SAMPLES - 1);

        // Poisson: variance = mean; Var(sample variance) ≈ (mu4 - sigma^4) / n = (mean + 2 mean²) / n
        assertThat(sampleMean).isCloseTo(mean, within(5 * Math.sqrt(mean / SAMPLES)));
        assertThat(sampleVariance).isCloseTo(mean, within(5 * Math.sqrt((mean + 2 * mean * mean) / SAMPLES)));
        assertChiSquareFits(draws, mean);
    }

    /**
     * Pearson's test against the Poisson pmf, computed here by the recurrence
     * {@code p(k) = p(k-1) mean / k}, with bins merged until each expects at least 5 draws.
     */
    private static void assertChiSquareFits(long[] draws, double mean) {
        int maxK = (int) (mean + 20 * Math.sqrt(mean) + 20);
        long[] counts = new long[maxK + 1];
        for (long d : draws) {
            counts[(int) Math.min(d, maxK)]++;
        }
        List<double[]> bins = new ArrayList<>(); // {observed, expected}
        double pmf = Math.exp(-mean);
        double observed = 0;
        double expected = 0;
        double used = 0;
        for (int k = 0; k < maxK; k++) {
            observed += counts[k];
            expected += SAMPLES * pmf;
            if (expected >= 5) {
                bins.add(new double[] {observed, expected});
                used += expected;
                observed = 0;
                expected = 0;
            }
            pmf *= mean / (k + 1);
        }
        // the rest of the support, counted by what is left of the total
        double[] tail = {observed + counts[maxK], SAMPLES - used};
        if (tail[1] >= 5) {
            bins.add(tail);
        } else {
            double[] last = bins.get(bins.size() - 1);
            last[0] += tail[0];
            last[1] += tail[1];
        }
        double chiSquare = 0;
        for (double[] bin : bins) {
            chiSquare += (bin[0] - bin[1]) * (bin[0] - bin[1]) / bin[1];
        }
        int df = bins.size() - 1;
        // Wilson–Hilferty approximation of the chi-square quantile
        double h = 2.0 / (9 * df);
        double critical = df * Math.pow(1 - h + Z * Math.sqrt(h), 3);
        assertThat(chiSquare).as("chi-square with %d degrees of freedom, mean %s", df, mean).isLessThan(critical);
    }

    @Test
    void zeroMeanGivesZero() {
        assertThat(PoissonSampler.sample(0.0, new SplittableRandom(1))).isZero();
    }

    @Test
    void invalidMeansAreRefused() {
        for (double bad : new double[] {-1e-9, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> PoissonSampler.sample(bad, new SplittableRandom(1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("finite and >= 0")
                    .hasMessageContaining(String.valueOf(bad));
        }
    }

    @Test
    void logFactorialMatchesASumOfLogarithms() {
        double sum = 0;
        for (int k = 0; k <= 2000; k++) {
            if (k > 0) {
                sum += Math.log(k);
            }
            assertThat(PoissonSampler.logFactorial(k)).as("log %d!", k)
                    .isCloseTo(sum, within(1e-12 * Math.max(1, sum)));
        }
    }
}
