package io.streamrl.core.noise;

import io.streamrl.core.config.Check;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Temporally correlated noise from an Ornstein–Uhlenbeck process, as in DDPG (Lillicrap et al.
 * 2015, section 7: theta = 0.15, sigma = 0.2), discretised with unit time step:
 * {@code x <- x + theta * (mu - x) + sigma_k * N(0, 1)} with {@code mu = 0}. A new process
 * starts at {@code x = 0} in every episode, as in the paper's Algorithm 1.
 */
public final class OrnsteinUhlenbeckNoise implements ExplorationNoise {

    private final double theta;
    private final NoiseSchedule schedule;
    private final SplittableRandom random;
    private final double[] state;
    private double sigma;

    public OrnsteinUhlenbeckNoise(int dim, double theta, NoiseSchedule schedule, SplittableRandom random) {
        if (dim < 1) {
            throw new IllegalArgumentException("noise dimension must be >= 1, got " + dim);
        }
        this.theta = Check.inOpenClosed("ou-theta", theta, 0.0, 1.0);
        this.schedule = schedule;
        this.random = random;
        this.state = new double[dim];
        this.sigma = schedule.sigma(0);
    }

    @Override
    public void reset(long episode) {
        Arrays.fill(state, 0.0);
        sigma = schedule.sigma(episode);
    }

    @Override
    public float[] sample() {
        float[] out = new float[state.length];
        for (int i = 0; i < state.length; i++) {
            state[i] += -theta * state[i] + sigma * random.nextGaussian();
            out[i] = (float) state[i];
        }
        return out;
    }

    @Override
    public double[] nextMean() {
        double[] mean = new double[state.length];
        for (int i = 0; i < state.length; i++) {
            mean[i] = state[i] - theta * state[i];
        }
        return mean;
    }

    @Override
    public int dimension() {
        return state.length;
    }

    @Override
    public double sigma() {
        return sigma;
    }
}
