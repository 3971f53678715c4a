package io.streamrl.core.noise;

import io.streamrl.core.config.Check;
import java.util.SplittableRandom;

/**
 * How a behaviour policy explores: the noise process and its per-episode schedule. One record
 * shared by the learner's hyperparameters ({@code DdpgConfig}) and the simulation actor's
 * settings, flattened into their keys ({@code noise}, {@code noise-sigma}, ...) by
 * {@code RecordOptions}.
 *
 * @param noise the noise process
 * @param noiseSigma scale in episode 0, in normalised action units ([-1, 1])
 * @param noiseSigmaMin floor of the decayed scale
 * @param noiseDecay per-episode decay factor of the scale
 * @param ouTheta mean reversion of the Ornstein–Uhlenbeck process (unused for Gaussian noise)
 */
public record ExplorationConfig(NoiseType noise, double noiseSigma, double noiseSigmaMin, double noiseDecay,
                                double ouTheta) {

    public static final double DEFAULT_OU_THETA = 0.15;

    public ExplorationConfig {
        if (noise == null) {
            throw Check.invalid("noise", null, "{gaussian, ou}");
        }
        new NoiseSchedule(noiseSigma, noiseSigmaMin, noiseDecay);
        Check.inOpenClosed("ou-theta", ouTheta, 0.0, 1.0);
    }

    /** Gaussian noise of a constant scale, as TD3 and CleanRL explore. */
    public static ExplorationConfig gaussian(double sigma) {
        return new ExplorationConfig(NoiseType.GAUSSIAN, sigma, sigma, 1.0, DEFAULT_OU_THETA);
    }

    public NoiseSchedule schedule() {
        return new NoiseSchedule(noiseSigma, noiseSigmaMin, noiseDecay);
    }

    /** A fresh noise process of this kind for actions of {@code dim} entries, drawing from {@code random}. */
    public ExplorationNoise newNoise(int dim, SplittableRandom random) {
        return noise == NoiseType.OU
                ? new OrnsteinUhlenbeckNoise(dim, ouTheta, schedule(), random)
                : new GaussianNoise(dim, schedule(), random);
    }
}
