package io.streamrl.core.noise;

import java.util.SplittableRandom;

/** Independent {@code N(0, sigma_k^2)} noise per step and dimension (as TD3 and CleanRL use). */
public final class GaussianNoise implements ExplorationNoise {

    private final int dim;
    private final NoiseSchedule schedule;
    private final SplittableRandom random;
    private double sigma;

    public GaussianNoise(int dim, NoiseSchedule schedule, SplittableRandom random) {
        if (dim < 1) {
            throw new IllegalArgumentException("noise dimension must be >= 1, got " + dim);
        }
        this.dim = dim;
        this.schedule = schedule;
        this.random = random;
        this.sigma = schedule.sigma(0);
    }

    @Override
    public void reset(long episode) {
        sigma = schedule.sigma(episode);
    }

    @Override
    public float[] sample() {
        float[] out = new float[dim];
        for (int i = 0; i < dim; i++) {
            out[i] = (float) (sigma * random.nextGaussian());
        }
        return out;
    }

    @Override
    public double[] nextMean() {
        return new double[dim];
    }

    @Override
    public int dimension() {
        return dim;
    }

    @Override
    public double sigma() {
        return sigma;
    }
}
