package io.streamrl.core.noise;

import org.apache.commons.math3.special.Erf;

/**
 * Additive exploration noise for continuous actions in the normalised range [-1, 1]. A
 * process is reset at the start of every episode, which also applies the episode's scale from
 * its {@link NoiseSchedule}.
 *
 * <p>Every process here draws its next sample from a normal distribution with scale
 * {@link #sigma()} around {@link #nextMean()}, which is what makes the behaviour density of a
 * perturbed action computable (needed to evaluate logged decisions off-policy).
 */
public interface ExplorationNoise {

    /** Starts episode {@code episode} (0-based). */
    void reset(long episode);

    /** The next noise vector (a fresh array). */
    float[] sample();

    /** The scale in use for the current episode. */
    double sigma();

    /** Length of every sample. */
    int dimension();

    /**
     * The mean of the next {@link #sample()}, given the samples so far: 0 for independent noise,
     * {@code (1 - theta) x} for an Ornstein–Uhlenbeck process at {@code x}. A fresh array.
     */
    double[] nextMean();

    /**
     * Adds the next sample to {@code action} and clips each entry to [-1, 1]. The noise a
     * transition records is the difference this makes (after clipping), which the caller has.
     *
     * @return the log-density of the resulting action given the action passed in: the sum over
     *     entries of the normal log-density, where an entry was clipped the log of the normal
     *     tail mass beyond the bound instead (clipping puts that mass on the bound); NaN when the
     *     scale is 0 (the action is then a point mass, with no density)
     * @throws IllegalArgumentException for an action of the wrong length, before any noise is drawn
     */
    default double perturb(float[] action) {
        if (action.length != dimension()) {
            throw new IllegalArgumentException("action must have " + dimension() + " values, got " + action.length);
        }
        double[] mean = nextMean();
        double sigma = sigma();
        float[] noise = sample();
        double logDensity = 0;
        for (int i = 0; i < action.length; i++) {
            float perturbed = Math.max(-1f, Math.min(1f, action[i] + noise[i]));
            logDensity += clippedNormalLogDensity(perturbed, action[i] + mean[i], sigma);
            action[i] = perturbed;
        }
        return logDensity;
    }

    /**
     * Log-density of {@code x} under {@code clip(N(mu, sigma^2), -1, 1)}: a normal density inside
     * the bounds, the log of the tail mass at a bound. NaN when {@code sigma} is 0.
     */
    static double clippedNormalLogDensity(double x, double mu, double sigma) {
        if (sigma == 0) {
            return Double.NaN;
        }
        if (x >= 1) {
            return Math.log(0.5 * Erf.erfc((1 - mu) / (sigma * Math.sqrt(2))));
        }
        if (x <= -1) {
            return Math.log(0.5 * Erf.erfc((mu + 1) / (sigma * Math.sqrt(2))));
        }
        double z = (x - mu) / sigma;
        return -0.5 * z * z - Math.log(sigma) - 0.5 * Math.log(2 * Math.PI);
    }
}
