package io.streamrl.core.noise;

/** Sample statistics, and sequence comparison, for the noise tests. */
final class Stats {

    private Stats() {
    }

    /**
     * Draws {@code steps} samples per episode for {@code episodes} episodes from three processes
     * reset alike, asserts that {@code twin} repeats {@code noise} exactly, and returns how many
     * of {@code other}'s samples differ from {@code noise}'s.
     */
    static int samplesDifferingFromTheTwin(ExplorationNoise noise, ExplorationNoise twin, ExplorationNoise other,
                                           int episodes, int steps) {
        int different = 0;
        for (long episode = 0; episode < episodes; episode++) {
            noise.reset(episode);
            twin.reset(episode);
            other.reset(episode);
            for (int t = 0; t < steps; t++) {
                float[] x = noise.sample();
                org.assertj.core.api.Assertions.assertThat(twin.sample()).isEqualTo(x);
                different += java.util.Arrays.equals(other.sample(), x) ? 0 : 1;
            }
        }
        return different;
    }

    static double mean(double[] x) {
        double sum = 0;
        for (double v : x) {
            sum += v;
        }
        return sum / x.length;
    }

    /** Population variance (divides by n): the bias is 1/n, far below the tests' tolerances. */
    static double variance(double[] x) {
        double m = mean(x);
        double sum = 0;
        for (double v : x) {
            sum += (v - m) * (v - m);
        }
        return sum / x.length;
    }

    /** Pearson correlation of two equally long series. */
    static double correlation(double[] x, double[] y) {
        double mx = mean(x);
        double my = mean(y);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    /** Sample autocorrelation at {@code lag}: the standard estimator with the overall mean and variance. */
    static double lagCorrelation(double[] x, int lag) {
        double m = mean(x);
        double num = 0;
        double den = 0;
        for (int i = 0; i < x.length; i++) {
            den += (x[i] - m) * (x[i] - m);
            if (i + lag < x.length) {
                num += (x[i] - m) * (x[i + lag] - m);
            }
        }
        return num / den;
    }
}
