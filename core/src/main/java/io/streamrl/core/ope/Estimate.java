package io.streamrl.core.ope;

import java.util.Objects;

/**
 * One estimator's estimate of the candidate's expected reward per decision.
 *
 * @param estimator which one
 * @param value the estimate
 * @param low lower end of the confidence interval
 * @param high upper end
 * @param standardError the standard error the interval is built from (cluster-robust over the
 *     report's units)
 */
public record Estimate(Estimator estimator, double value, double low, double high, double standardError) {

    public enum Estimator {
        /** Importance sampling, {@code mean(w r)}. */
        IS,
        /** Weighted (self-normalised) importance sampling, {@code sum(w r) / sum(w)}. */
        WIS,
        /** Doubly robust, {@code mean(E_pi Q(s, .) + w (r - Q(s, a)))}. */
        DR
    }

    public Estimate {
        Objects.requireNonNull(estimator, "estimator");
    }

    /** Whether {@code x} lies in the interval. */
    public boolean covers(double x) {
        return low <= x && x <= high;
    }
}
