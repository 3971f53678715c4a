package io.streamrl.core.train;

import io.streamrl.core.env.Env;
import io.streamrl.core.env.StepResult;
import java.util.function.Function;

/**
 * Mean and standard deviation (population, as NumPy's default) of the undiscounted returns of
 * {@code episodes} deterministic episodes.
 */
public record Evaluation(double meanReturn, double stdReturn, int episodes) {

    /** Runs {@code episodes} episodes of {@code policy} (observation to environment action) on {@code env}. */
    public static Evaluation run(Env env, Function<float[], double[]> policy, int episodes) {
        if (episodes < 1) {
            throw new IllegalArgumentException("eval-episodes must be >= 1, got " + episodes);
        }
        double[] returns = new double[episodes];
        for (int e = 0; e < episodes; e++) {
            float[] obs = env.reset();
            double total = 0;
            while (true) {
                StepResult r = env.step(policy.apply(obs));
                total += r.reward();
                if (r.done()) {
                    break;
                }
                obs = r.observation();
            }
            returns[e] = total;
        }
        double mean = 0;
        for (double r : returns) {
            mean += r;
        }
        mean /= episodes;
        double var = 0;
        for (double r : returns) {
            var += (r - mean) * (r - mean);
        }
        return new Evaluation(mean, Math.sqrt(var / episodes), episodes);
    }
}
