package io.streamrl.core.agent;

import io.streamrl.core.config.Check;

/**
 * When an update is refused and its weights rolled back ({@link GuardedUpdates}), and when the
 * learner withholds a policy whose evaluation collapsed. A group of {@link DdpgConfig},
 * flattened into its keys, so {@code --set divergence-factor=...} works wherever the other
 * hyperparameters do.
 *
 * @param divergenceWindow critic losses of accepted updates in the running median
 * @param divergenceFactor an update whose critic loss exceeds this many times the running
 *     median is refused; {@code Infinity} turns the test off (non-finite values are always refused)
 * @param maxConsecutiveTrips refusals in a row (no good checkpoint between them) after which
 *     training stops for good: the data or the learning rates are broken, not one batch
 * @param evalWithholdMargin the learner does not publish while its last evaluation's mean return
 *     is more than this below the best evaluation so far (return units; {@code Infinity} turns it
 *     off); only where the learner evaluates ({@code --eval-every})
 */
public record GuardConfig(int divergenceWindow, double divergenceFactor, int maxConsecutiveTrips,
                          double evalWithholdMargin) {

    public static final int DEFAULT_DIVERGENCE_WINDOW = 1_000;
    public static final double DEFAULT_DIVERGENCE_FACTOR = 1_000;
    public static final int DEFAULT_MAX_CONSECUTIVE_TRIPS = 10;
    public static final double DEFAULT_EVAL_WITHHOLD_MARGIN = 500;

    public GuardConfig {
        Check.inClosed("divergence-window", divergenceWindow, 10, 1_000_000);
        Check.inOpenClosed("divergence-factor", divergenceFactor, 1, Double.POSITIVE_INFINITY);
        Check.inClosed("max-consecutive-trips", maxConsecutiveTrips, 1, 1_000_000);
        Check.inClosed("eval-withhold-margin", evalWithholdMargin, 0, Double.POSITIVE_INFINITY);
    }

    public static GuardConfig defaults() {
        return new GuardConfig(DEFAULT_DIVERGENCE_WINDOW, DEFAULT_DIVERGENCE_FACTOR, DEFAULT_MAX_CONSECUTIVE_TRIPS,
                DEFAULT_EVAL_WITHHOLD_MARGIN);
    }
}
