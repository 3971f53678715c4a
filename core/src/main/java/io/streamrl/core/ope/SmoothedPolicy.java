package io.streamrl.core.ope;

import io.streamrl.core.config.Check;
import io.streamrl.core.env.ActionSpace;
import io.streamrl.core.explore.BehaviourPolicy;
import io.streamrl.core.explore.DeterministicPolicy;
import io.streamrl.core.noise.ExplorationNoise;
import io.streamrl.core.noise.GaussianNoise;
import io.streamrl.core.noise.NoiseSchedule;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A deterministic policy made stochastic for off-policy evaluation: its action (clipped to
 * [-1, 1]) plus Gaussian noise of standard deviation {@code bandwidth}, clipped to [-1, 1]. That
 * is exactly how a simulation actor or {@code serve} explores ({@link BehaviourPolicy} with
 * {@link GaussianNoise}), so the density here is the behaviour density's function,
 * {@link ExplorationNoise#clippedNormalLogDensity}, and {@link #behaviour} runs this very
 * policy in an environment. Kernel smoothing of a deterministic treatment rule after Kallus and
 * Zhou (AISTATS 2018): a deterministic action has no density against a continuous behaviour.
 *
 * @param policy the candidate: an observation in, an action in [-1, 1] out
 * @param bandwidth the noise's standard deviation in normalised action units, in (0, 2]
 */
public record SmoothedPolicy(DeterministicPolicy policy, double bandwidth) {

    public SmoothedPolicy {
        Objects.requireNonNull(policy, "policy");
        Check.inOpenClosed("bandwidth", bandwidth, 0.0, 2.0);
    }

    /** The centre of the smoothed action for {@code observation}: the policy's action clipped to [-1, 1]. */
    public float[] mean(float[] observation) {
        float[] mu = policy.act(observation).clone();
        for (int j = 0; j < mu.length; j++) {
            mu[j] = Math.max(-1f, Math.min(1f, mu[j]));
        }
        return mu;
    }

    /**
     * Log-density of the normalised {@code action} under this policy at a state whose
     * {@link #mean} is {@code mean}: the clipped normal's, entry by entry, with the tail mass at a
     * bound, as the behaviour density is defined.
     */
    public double logDensity(float[] mean, float[] action) {
        if (mean.length != action.length) {
            throw new IllegalArgumentException("the policy gives " + mean.length + " action values, the log holds "
                    + action.length);
        }
        double sum = 0;
        for (int j = 0; j < action.length; j++) {
            sum += ExplorationNoise.clippedNormalLogDensity(action[j], mean[j], bandwidth);
        }
        return sum;
    }

    /** The smoothing noise of {@code dim} entries drawing from {@code random}: add it with {@link ExplorationNoise#perturb}. */
    public ExplorationNoise noise(int dim, SplittableRandom random) {
        return new GaussianNoise(dim, NoiseSchedule.constant(bandwidth), random);
    }

    /**
     * This policy as a behaviour that acts in an environment with {@code actions}: what running the
     * smoothed candidate means, e.g. to measure its true value.
     */
    public BehaviourPolicy behaviour(SplittableRandom random, ActionSpace.Box actions) {
        return new BehaviourPolicy(noise(actions.dim(), random.split()), random.split(), actions);
    }
}
