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
 * @param bcAlpha TD3+BC's alpha (Fujimoto and Gu 2021, "A Minimalist Approach to Offline
 *     Reinforcement Learning", eq. 3): the actor minimises {@code -lambda Q(s, pi(s)) + (pi(s) - a)^2}
 *     with {@code lambda = alpha / mean|Q|}, a behaviour-cloning term that keeps the policy near
 *     the actions of the data; 0 turns it off (plain DDPG/TD3), 2.5 is the paper's value
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
        double bcAlpha,
        ExplorationConfig exploration,
        GuardConfig guard) {

    public static final List<String> ALGORITHMS = List.of("ddpg", "td3", "td3+bc");

    /** TD3+BC's alpha in Fujimoto and Gu (2021), section 5: the value used on every D4RL task. */
    public static final double TD3_BC_ALPHA = 2.5;

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
        Check.inClosed("bc-alpha", bcAlpha, 0, 1_000);
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
                1.0, 0.0, 2, false, 0.0, 0.5, 0.0, ExplorationConfig.gaussian(0.1),
                GuardConfig.defaults());
    }

    /** TD3 (Fujimoto et al. 2018): twin critics, target policy smoothing 0.2 clipped at 0.5, delay 2. */
    public static DdpgConfig td3() {
        return new DdpgConfig(List.of(64, 64), List.of(64, 64), 1e-3, 1e-3, 0.99, 0.005, 128, 1_000_000, 1_000,
                1.0, 0.0, 2, true, 0.2, 0.5, 0.0, ExplorationConfig.gaussian(0.1),
                GuardConfig.defaults());
    }

    /**
     * TD3+BC (Fujimoto and Gu 2021): TD3 with the behaviour-cloning term in the actor's loss,
     * {@code bc-alpha} 2.5; the default of offline learning ({@code learner --offline}).
     */
    public static DdpgConfig td3Bc() {
        return td3().with(Map.of("bc-alpha", Double.toString(TD3_BC_ALPHA)));
    }

    /** The preset for an algorithm name ({@code ddpg}, {@code td3} or {@code td3+bc}). */
    public static DdpgConfig preset(String algorithm) {
        return switch (algorithm == null ? "" : algorithm.trim().toLowerCase(Locale.ROOT)) {
            case "ddpg" -> ddpg();
            case "td3" -> td3();
            case "td3+bc" -> td3Bc();
            default -> throw new IllegalArgumentException("unknown algorithm '" + algorithm + "', valid: "
                    + String.join(", ", ALGORITHMS));
        };
    }

    /** This configuration with some keys overridden (see {@link RecordOptions#with}). */
    public DdpgConfig with(Map<String, String> overrides) {
        return RecordOptions.with(this, overrides);
    }

    /**
     * {@code td3} when the twin critics are on, else {@code ddpg}; with a behaviour-cloning term
     * ({@code bc-alpha > 0}) {@code +bc} follows: {@code td3+bc} (or {@code ddpg+bc}).
     */
    public String algorithmName() {
        return (twinCritics ? "td3" : "ddpg") + (bcAlpha > 0 ? "+bc" : "");
    }

    /** Whether the actor's loss has TD3+BC's behaviour-cloning term ({@code bc-alpha > 0}). */
    public boolean behaviourCloning() {
        return bcAlpha > 0;
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
