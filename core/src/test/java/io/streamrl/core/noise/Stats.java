package io.streamrl.core.noise;

/** Sample statistics for the noise tests. */
final class Stats {

    private Stats() {
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
