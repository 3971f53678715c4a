package io.streamrl.core.train;

import java.util.List;

/**
 * Outcome of a training run; {@code envStepsToSolve} is null when the run never solved the task.
 */
public record TrainResult(String env, String algo, long seed, String backend, boolean solved, Long envStepsToSolve,
                          Double wallSecondsToSolve, double wallSeconds, long envSteps, long updates,
                          double finalEvalMeanReturn, List<CurvePoint> curve) {

    public TrainResult {
        curve = List.copyOf(curve);
    }
}
