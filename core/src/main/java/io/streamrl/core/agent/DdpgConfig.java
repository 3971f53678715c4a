package io.streamrl.core.agent;

import io.streamrl.core.config.Check;
import io.streamrl.core.config.RecordOptions;
import io.streamrl.core.noise.ExplorationConfig;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every hyperparameter of DDPG and its TD3 options in one flat record, validated on
 * construction; the kebab-case keys ({@code actor-lr}) are what the command line and logs use.
 *
 * <p>The defaults solve Pendulum-v1 in about 10k environment steps with networks small enough
 * to train at thousands of updates per second on one core (see docs/benchmarks.md).
 *
 * @param actorHidden hidden layer widths of the actor
 * @param criticHidden hidden layer widths of each critic
 * @param actorLr Adam learning rate of the actor
 * @param criticLr Adam learning rate of the critic(s)
 * @param gamma discount factor
 * @param tau Polyak coefficient of the soft target updates
 * @param batchSize minibatch size per gradient step
 * @param bufferCapacity replay buffer capacity in transitions
 * @param learningStarts transitions collected (with uniform random actions) before training
 * @param replayRatio gradient updates per received transition once training runs
 * @param criticL2 L2 weight decay on the critic (Lillicrap et al. used 1e-2; 0 turns it off)
 * @param policyDelay critic updates per actor update and target update (TD3's d)
 * @param twinCritics TD3's clipped double-Q learning: two critics, the minimum is the target
 * @param targetNoise TD3's target policy smoothing: std of the noise on the target action
 *     (normalised units); 0 turns it off
 * @param targetNoiseClip clip of that noise
 * @param exploration how the behaviour policy explores (keys {@code noise}, {@code noise-sigma},
 *     {@code noise-sigma-min}, {@code noise-decay}, {@code ou-theta}); simulation actors that
 *     feed this learner use the same record
 * @param guard when an update is refused and rolled back, and when a policy is withheld (keys
 *     {@code divergence-window}, {@code divergence-factor}, {@code max-consecutive-trips},
 *     {@code eval-withhold-margin}); see {@link GuardedUpdates}
 */
public record DdpgConfig(
        List<Integer> actorHidden,
        List<Integer> criticHidden,
        double actorLr,
        double criticLr,
        double gamma,
        double tau,
        int batchSize,
        int bufferCapacity,
        int learningStarts,
        double replayRatio,
        double criticL2,
        int policyDelay,
        boolean twinCritics,
        double targetNoise,
        double targetNoiseClip,
        ExplorationConfig exploration,
        GuardConfig guard) {

    public static final List<String> ALGORITHMS = List.of("ddpg", "td3");

    public DdpgConfig {
        actorHidden = checkLayers("actor-hidden", actorHidden);
        criticHidden = checkLayers("critic-hidden", criticHidden);
        Check.inOpenClosed("actor-lr", actorLr, 0, 1);
        Check.inOpenClosed("critic-lr", criticLr, 0, 1);
        Check.inClosed("gamma", gamma, 0, 1);
        Check.inOpenClosed("tau", tau, 0, 1);
        Check.inClosed("batch-size", batchSize, 1, 65_536);
        Check.inClosed("buffer-capacity", bufferCapacity, 1, 100_000_000);
        Check.inClosed("learning-starts", learningStarts, 1, "buffer-capacity", bufferCapacity);
        Check.inClosed("batch-size", batchSize, 1, "buffer-capacity", bufferCapacity);
        Check.inOpenClosed("replay-ratio", replayRatio, 0, 1024);
        Check.inClosed("critic-l2", criticL2, 0, 1);
        Check.inClosed("policy-delay", policyDelay, 1, 1_000);
        Check.inClosed("target-noise", targetNoise, 0, 10);
        Check.inClosed("target-noise-clip", targetNoiseClip, 0, 10);
        if (exploration == null) {
            throw Check.invalid("exploration", null, "a noise type and schedule");
        }
        if (guard == null) {
            throw Check.invalid("guard", null, "divergence and withholding settings");
        }
    }

    /**
     * DDPG (Lillicrap et al. 2015) with the choices that make it quick on Pendulum: Gaussian
     * exploration, actor and targets updated every second critic step as in CleanRL.
     */
    public static DdpgConfig ddpg() {
        return new DdpgConfig(List.of(64, 64), List.of(64, 64), 1e-3, 1e-3, 0.99, 0.005, 128, 1_000_000, 1_000,
                1.0, 0.0, 2, false, 0.0, 0.5, ExplorationConfig.gaussian(0.1),
                GuardConfig.defaults());
    }

    /** TD3 (Fujimoto et al. 2018): twin critics, target policy smoothing 0.2 clipped at 0.5, delay 2. */
    public static DdpgConfig td3() {
        return new DdpgConfig(List.of(64, 64), List.of(64, 64), 1e-3, 1e-3, 0.99, 0.005, 128, 1_000_000, 1_000,
                1.0, 0.0, 2, true, 0.2, 0.5, ExplorationConfig.gaussian(0.1),
                GuardConfig.defaults());
    }

    /** The preset for an algorithm name ({@code ddpg} or {@code td3}). */
    public static DdpgConfig preset(String algorithm) {
        return switch (algorithm == null ? "" : algorithm.trim().toLowerCase(Locale.ROOT)) {
            case "ddpg" -> ddpg();
            case "td3" -> td3();
            default -> throw new IllegalArgumentException("unknown algorithm '" + algorithm + "', valid: "
                    + String.join(", ", ALGORITHMS));
        };
    }

    /** This configuration with some keys overridden (see {@link RecordOptions#with}). */
    public DdpgConfig with(Map<String, String> overrides) {
        return RecordOptions.with(this, overrides);
    }

    /** {@code td3} when the twin critics are on, else {@code ddpg}. */
    public String algorithmName() {
        return twinCritics ? "td3" : "ddpg";
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
