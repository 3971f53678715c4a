package io.streamrl.core.env;

import java.util.random.RandomGenerator;

/**
 * Exact Poisson variates, for any mean.
 *
 * <ul>
 *   <li>mean below 10: inversion by sequential search (L. Devroye, <i>Non-Uniform Random
 *       Variate Generation</i>, Springer 1986, section X.3.3), one uniform per variate and
 *       about {@code mean} multiplications;</li>
 *   <li>mean 10 and above: PTRS, transformed rejection with squeeze (W. Hörmann, "The
 *       transformed rejection method for generating Poisson random variables", <i>Insurance:
 *       Mathematics and Economics</i> 12 (1993) 39–45), constant expected time, the method
 *       NumPy also uses for large means.</li>
 * </ul>
 *
 * <p>Both are exact: their output follows the Poisson law up to floating-point rounding, unlike
 * a normal approximation. {@link StrictMath} keeps seeded draws identical on every JVM.
 */
final class PoissonSampler {

    /** Hörmann's PTRS constants are fitted for means from 10 on. */
    static final double PTRS_MIN_MEAN = 10.0;

    private static final double HALF_LOG_TWO_PI = 0.5 * StrictMath.log(2 * Math.PI);
    private static final int EXACT_FACTORIALS = 21;
    private static final double[] LOG_FACTORIAL = exactLogFactorials();

    private PoissonSampler() {
    }

    /**
     * One Poisson variate.
     *
     * @param mean the Poisson mean, finite and {@code >= 0}
     */
    static long sample(double mean, RandomGenerator random) {
        if (!(mean >= 0 && mean < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("Poisson mean must be finite and >= 0, got " + mean);
        }
        if (mean == 0) {
            return 0;
        }
        return mean < PTRS_MIN_MEAN ? inversion(mean, random) : ptrs(mean, random);
    }

    private static long inversion(double mean, RandomGenerator random) {
        draw:
        while (true) {
            double u = random.nextDouble();
            long k = 0;
            double pmf = StrictMath.exp(-mean);
            double cdf = pmf;
            while (u > cdf) {
                k++;
                pmf *= mean / k;
                double next = cdf + pmf;
                if (next == cdf) {
                    // The rounded CDF stopped short of u (u within a few ulps of 1): redraw
                    // rather than loop forever. This discards an event of probability ~1e-16.
                    continue draw;
                }
                cdf = next;
            }
            return k;
        }
    }

    private static long ptrs(double mean, RandomGenerator random) {
        double sqrtMean = Math.sqrt(mean);
        double logMean = StrictMath.log(mean);
        double b = 0.931 + 2.53 * sqrtMean;
        double a = -0.059 + 0.02483 * b;
        double invAlpha = 1.1239 + 1.1328 / (b - 3.4);
        double vr = 0.9277 - 3.6224 / (b - 2);
        while (true) {
            double u = random.nextDouble() - 0.5;
            double v = random.nextDouble();
            double us = 0.5 - Math.abs(u);
            // us == 0 gives an infinite argument; the cast saturates and k < 0 rejects it
            long k = (long) Math.floor((2 * a / us + b) * u + mean + 0.43);
            if (us >= 0.07 && v <= vr) {
                return k;
            }
            if (k < 0 || (us < 0.013 && v > us)) {
                continue;
            }
            double lhs = StrictMath.log(v) + StrictMath.log(invAlpha) - StrictMath.log(a / (us * us) + b);
            if (lhs <= -mean + k * logMean - logFactorial(k)) {
                return k;
            }
        }
    }

    /** {@code log(k!)}: exact table below 21, Stirling's series for {@code log Gamma(k + 1)} above. */
    static double logFactorial(long k) {
        if (k < 0) {
            throw new IllegalArgumentException("factorial of a negative number: " + k);
        }
        if (k < EXACT_FACTORIALS) {
            return LOG_FACTORIAL[(int) k];
        }
        double x = k + 1.0;
        double r = 1.0 / x;
        double r2 = r * r;
        // For x >= 22 the first omitted term, 1/(1188 x^9), is below 1e-15.
        double series = r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 * (1.0 / 1680))));
        return (x - 0.5) * StrictMath.log(x) - x + HALF_LOG_TWO_PI + series;
    }

    private static double[] exactLogFactorials() {
        double[] table = new double[EXACT_FACTORIALS];
        long factorial = 1;
        for (int k = 1; k < EXACT_FACTORIALS; k++) {
            factorial *= k; // 20! < 2^63
            table[k] = StrictMath.log(factorial);
        }
        return table;
    }
}
