package io.streamrl.core.agent;

import io.streamrl.core.compute.Activation;
import io.streamrl.core.config.Check;
import io.streamrl.core.config.RecordOptions;
import java.util.List;
import java.util.Map;

/**
 * Every hyperparameter of synchronous advantage actor-critic (A2C) in one flat record,
 * validated on construction; the kebab-case keys ({@code n-steps}) are what the command line
 * and logs use.
 *
 * <p>The preset {@link #a2c()} is Stable-Baselines3's {@code A2C} with its {@code MlpPolicy}
 * (SB3 2.x defaults): 8 environments stepped in lock-step, 5 steps each per update, plain
 * n-step returns, no entropy bonus, RMSprop 7e-4 with SB3's {@code alpha=0.99, eps=1e-5},
 * separate 64-64 tanh networks for policy and value function. Those settings solve CartPole-v1
 * in 10k-50k environment steps.
 *
 * @param numEnvs environments stepped in lock-step, one batched forward pass for all
 * @param nSteps steps per environment in one rollout; an update learns from
 *     {@code numEnvs * nSteps} transitions
 * @param gamma discount factor
 * @param gaeLambda the lambda of GAE (Schulman et al. 2016); 1.0 gives plain n-step returns
 * @param entCoef weight of the entropy bonus in the loss
 * @param vfCoef weight of the value loss in the loss
 * @param maxGradNorm the global L2 norm the gradient of all parameters together is clipped to
 *     ({@code Infinity}: no clipping)
 * @param lr RMSprop learning rate
 * @param rmsAlpha RMSprop smoothing constant (PyTorch's {@code alpha})
 * @param rmsEps RMSprop epsilon, added outside the square root as PyTorch does
 * @param hidden hidden layer widths of the policy and of the value network (separate networks)
 * @param activation hidden activation of both networks
 * @param orthoInit SB3's {@code ortho_init}: orthogonal weights with gains sqrt(2) (hidden), 0.01
 *     (policy output) and 1 (value output), zero biases; false: PyTorch's default {@code nn.Linear}
 *     initialisation, as the PyTorch peer in {@code shared/peer} has it
 * @param targetTau 0: bootstrap from the value network itself (SB3, Mnih et al.); above 0: keep
 *     the lecture's target value network, bootstrap from it and move it by
 *     {@code theta' <- tau theta + (1 - tau) theta'} after every update
 * @param logStdInit initial log standard deviation of a Gaussian policy (normalised action units)
 * @param normalizeAdvantage standardise the advantages of each rollout (SB3's A2C: off)
 * @param rewardScale rewards are multiplied by this before learning (returns, values and
 *     advantages are in scaled units; evaluation reports the environment's own returns). A
 *     stand-in for SB3's running reward normalisation: a value loss in the hundreds would take
 *     the whole clipped gradient norm and leave the policy almost none
 */
public record A2cConfig(
        int numEnvs,
        int nSteps,
        double gamma,
        double gaeLambda,
        double entCoef,
        double vfCoef,
        double maxGradNorm,
        double lr,
        double rmsAlpha,
        double rmsEps,
        List<Integer> hidden,
        Activation activation,
        boolean orthoInit,
        double targetTau,
        double logStdInit,
        boolean normalizeAdvantage,
        double rewardScale) {

    public static final String ALGORITHM = "a2c";

    public A2cConfig {
        Check.inClosed("num-envs", numEnvs, 1, 1024);
        Check.inClosed("n-steps", nSteps, 1, 100_000);
        Check.inClosed("gamma", gamma, 0, 1);
        Check.inClosed("gae-lambda", gaeLambda, 0, 1);
        Check.inClosed("ent-coef", entCoef, 0, 100);
        Check.inClosed("vf-coef", vfCoef, 0, 100);
        Check.inOpenClosed("max-grad-norm", maxGradNorm, 0, Double.POSITIVE_INFINITY);
        Check.inOpenClosed("lr", lr, 0, 1);
        Check.inClosedOpen("rms-alpha", rmsAlpha, 0, 1);
        Check.inOpenClosed("rms-eps", rmsEps, 0, 1);
        hidden = checkLayers("hidden", hidden);
        if (activation == null) {
            throw Check.invalidShape("activation", null, "one of identity, relu, tanh");
        }
        Check.inClosed("target-tau", targetTau, 0, 1);
        Check.inClosed("log-std-init", logStdInit, -20, 2);
        Check.inOpenClosed("reward-scale", rewardScale, 0, 1e6);
    }

    /**
     * Stable-Baselines3's A2C defaults ({@code A2C("MlpPolicy", env, n_envs=8)}): n_steps 5,
     * gamma 0.99, gae_lambda 1.0, ent_coef 0.0, vf_coef 0.5, max_grad_norm 0.5, RMSprop lr 7e-4
     * (alpha 0.99, eps 1e-5), 64-64 tanh, orthogonal initialisation, log_std_init 0.0,
     * normalize_advantage False; no target value network.
     */
    public static A2cConfig a2c() {
        return new A2cConfig(8, 5, 0.99, 1.0, 0.0, 0.5, 0.5, 7e-4, 0.99, 1e-5, List.of(64, 64), Activation.TANH,
                true, 0.0, 0.0, false, 1.0);
    }

    /** The preset for an algorithm name; only {@value #ALGORITHM}. */
    public static A2cConfig preset(String algorithm) {
        if (algorithm == null || !algorithm.trim().equalsIgnoreCase(ALGORITHM)) {
            throw new IllegalArgumentException("unknown algorithm '" + algorithm + "', valid: " + ALGORITHM);
        }
        return a2c();
    }

    /** This configuration with some keys overridden (see {@link RecordOptions#with}). */
    public A2cConfig with(Map<String, String> overrides) {
        return RecordOptions.with(this, overrides);
    }

    public String algorithmName() {
        return ALGORITHM;
    }

    /** Transitions per update: {@code numEnvs * nSteps}. */
    public int rolloutSize() {
        return numEnvs * nSteps;
    }

    /** {@code key=value ...} for the start-up log. */
    public String toLogLine() {
        return RecordOptions.toLogLine(this);
    }

    private static List<Integer> checkLayers(String key, List<Integer> layers) {
        if (layers == null || layers.isEmpty() || layers.size() > 8) {
            throw Check.invalidShape(key, layers, "1 to 8 comma-separated layer widths");
        }
        for (Integer w : layers) {
            if (w == null || w < 1 || w > 8192) {
                throw Check.invalidShape(key, layers, "layer widths each in [1, 8192]");
            }
        }
        return List.copyOf(layers);
    }
}
