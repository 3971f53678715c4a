package io.streamrl.bench;

import java.util.Arrays;

/** Order statistics of a sample, nearest-rank (every reported value is one that was measured). */
final class Percentiles {

    private final double[] sorted;

    Percentiles(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values to take percentiles of");
        }
        this.sorted = values.clone();
        Arrays.sort(sorted);
    }

    /** The smallest value that at least {@code p} percent of the sample is at or below, p in (0, 100]. */
    double at(double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
        }
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }

    double median() {
        return at(50);
    }

    double max() {
        return sorted[sorted.length - 1];
    }

    double mean() {
        return Arrays.stream(sorted).average().orElseThrow();
    }
}
