package io.streamrl.core.train;

/**
 * One row of a learning curve ({@code curve.csv}): an evaluation of the deterministic policy.
 *
 * @param envSteps environment steps taken for training so far
 * @param wallSeconds seconds since training started
 * @param updates gradient updates so far
 * @param evalMeanReturn mean return of the evaluation episodes
 * @param evalStdReturn their standard deviation
 */
public record CurvePoint(long envSteps, double wallSeconds, long updates, double evalMeanReturn, double evalStdReturn) {

    public static final String CSV_HEADER = "env_steps,wall_s,updates,eval_mean_return,eval_std_return";

    public String toCsvRow() {
        return envSteps + "," + String.format(java.util.Locale.ROOT, "%.3f", wallSeconds) + "," + updates + ","
                + evalMeanReturn + "," + evalStdReturn;
    }
}
