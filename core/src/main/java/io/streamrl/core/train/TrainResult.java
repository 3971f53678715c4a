package io.streamrl.core.train;

import java.util.List;

/**
 * Outcome of a training run; {@code envStepsToSolve} is null when the run never solved the task.
 * {@code guardTrips} counts updates refused and rolled back ({@code GuardedUpdates}); a healthy
 * run has none.
 */
public record TrainResult(String env, String algo, long seed, String backend, boolean solved, Long envStepsToSolve,
                          Double wallSecondsToSolve, double wallSeconds, long envSteps, long updates,
                          double finalEvalMeanReturn, List<CurvePoint> curve, long guardTrips) {

    public TrainResult {
        curve = List.copyOf(curve);
    }
}
