package io.streamrl.core.noise;

import io.streamrl.core.config.Check;

/**
 * Per-episode decay of the exploration scale, as in the DDPG lecture's loop ("reduce the noise
 * after every episode"): {@code sigma_k = max(sigmaMin, sigma0 * decay^k)} for episode
 * {@code k = 0, 1, ...}.
 */
public record NoiseSchedule(double sigma0, double sigmaMin, double decay) {

    public NoiseSchedule {
        Check.inClosed("noise-sigma", sigma0, 0.0, 10.0);
        Check.inClosed("noise-sigma-min", sigmaMin, 0.0, "noise-sigma", sigma0);
        Check.inOpenClosed("noise-decay", decay, 0.0, 1.0);
    }

    /** A constant scale. */
    public static NoiseSchedule constant(double sigma) {
        return new NoiseSchedule(sigma, sigma, 1.0);
    }

    public double sigma(long episode) {
        if (episode < 0) {
            throw new IllegalArgumentException("episode must be >= 0, got " + episode);
        }
        return Math.max(sigmaMin, sigma0 * Math.pow(decay, episode));
    }
}
