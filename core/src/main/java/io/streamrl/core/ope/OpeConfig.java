package io.streamrl.core.ope;

import io.streamrl.core.config.Check;
import java.util.Objects;

/**
 * How {@link OffPolicyEvaluator} estimates and when it refuses. Keys are named as the
 * {@code streamrl evaluate} options that set them.
 *
 * @param bandwidth {@code bandwidth}: standard deviation {@code h} of the Gaussian smoothing of
 *     the candidate's action, in normalised action units ([-1, 1] is 2 wide); in (0, 2]
 * @param minRows {@code min-rows}: fewest usable rows to estimate from
 * @param minEss {@code min-ess}: smallest effective sample size {@code (sum w)^2 / sum w^2} of
 *     the importance weights to estimate from
 * @param minUnits {@code min-units}: fewest independent units ({@link #unit}) to estimate from;
 *     an interval over fewer is not worth reporting
 * @param unit {@code unit}: what the intervals treat as independent
 * @param confidence {@code confidence}: coverage of the intervals, in [0.5, 0.999]
 * @param dropMissingDensity {@code drop-missing-density}: estimate from the rows that carry a
 *     behaviour density when some do not, instead of refusing
 * @param perDecision {@code per-decision}: estimate even when the environment's states depend on
 *     the actions, where the per-decision value is not the policy's value
 * @param criticDegree {@code critic-degree}: highest total degree of the polynomial features of
 *     the doubly robust estimator's critic, in [1, 4] (lowered automatically for many inputs)
 * @param criticRidge {@code critic-ridge}: ridge penalty per training row on the critic's
 *     weights (not its intercept), on standardised inputs; in (0, 1e6]
 * @param criticSamples {@code critic-samples}: actions drawn from the smoothed candidate per row
 *     to average the critic over, in [1, 10000]
 * @param seed {@code seed}: the critic's fold split and those draws
 */
public record OpeConfig(double bandwidth, int minRows, double minEss, int minUnits, IntervalUnit unit,
                        double confidence, boolean dropMissingDensity, boolean perDecision, int criticDegree,
                        double criticRidge, int criticSamples, long seed) {

    public static final double DEFAULT_BANDWIDTH = 0.1;
    public static final int DEFAULT_MIN_ROWS = 1_000;
    public static final double DEFAULT_MIN_ESS = 100;
    public static final int DEFAULT_MIN_UNITS = 10;
    public static final double DEFAULT_CONFIDENCE = 0.95;
    public static final int DEFAULT_CRITIC_DEGREE = 3;
    public static final double DEFAULT_CRITIC_RIDGE = 1e-3;
    public static final int DEFAULT_CRITIC_SAMPLES = 32;

    public OpeConfig {
        Check.inOpenClosed("bandwidth", bandwidth, 0.0, 2.0);
        Check.inClosed("min-rows", minRows, 1, Integer.MAX_VALUE);
        if (!(minEss >= 1) || Double.isInfinite(minEss)) {
            throw Check.invalid("min-ess", minEss, "[1, inf)");
        }
        Check.inClosed("min-units", minUnits, 2, Integer.MAX_VALUE);
        Objects.requireNonNull(unit, "unit");
        Check.inClosed("confidence", confidence, 0.5, 0.999);
        Check.inClosed("critic-degree", criticDegree, 1, 4);
        Check.inOpenClosed("critic-ridge", criticRidge, 0.0, 1e6);
        Check.inClosed("critic-samples", criticSamples, 1, 10_000);
    }

    /** The defaults: intervals over episodes, refusing rows without a density and stateful environments. */
    public static OpeConfig defaults() {
        return new OpeConfig(DEFAULT_BANDWIDTH, DEFAULT_MIN_ROWS, DEFAULT_MIN_ESS, DEFAULT_MIN_UNITS,
                IntervalUnit.EPISODE, DEFAULT_CONFIDENCE, false, false, DEFAULT_CRITIC_DEGREE, DEFAULT_CRITIC_RIDGE,
                DEFAULT_CRITIC_SAMPLES, 1L);
    }

    public OpeConfig withBandwidth(double h) {
        return new OpeConfig(h, minRows, minEss, minUnits, unit, confidence, dropMissingDensity, perDecision,
                criticDegree, criticRidge, criticSamples, seed);
    }

    public OpeConfig withLimits(int rows, double ess, int units) {
        return new OpeConfig(bandwidth, rows, ess, units, unit, confidence, dropMissingDensity, perDecision,
                criticDegree, criticRidge, criticSamples, seed);
    }

    public OpeConfig withUnit(IntervalUnit u) {
        return new OpeConfig(bandwidth, minRows, minEss, minUnits, u, confidence, dropMissingDensity, perDecision,
                criticDegree, criticRidge, criticSamples, seed);
    }

    public OpeConfig withCriticDegree(int degree) {
        return new OpeConfig(bandwidth, minRows, minEss, minUnits, unit, confidence, dropMissingDensity, perDecision,
                degree, criticRidge, criticSamples, seed);
    }

    public OpeConfig withDropMissingDensity(boolean drop) {
        return new OpeConfig(bandwidth, minRows, minEss, minUnits, unit, confidence, drop, perDecision, criticDegree,
                criticRidge, criticSamples, seed);
    }

    public OpeConfig withPerDecision(boolean allow) {
        return new OpeConfig(bandwidth, minRows, minEss, minUnits, unit, confidence, dropMissingDensity, allow,
                criticDegree, criticRidge, criticSamples, seed);
    }
}
