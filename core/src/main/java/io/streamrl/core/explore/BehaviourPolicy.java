package io.streamrl.core.explore;

import io.streamrl.core.env.ActionSpace;
import io.streamrl.core.noise.ExplorationConfig;
import io.streamrl.core.noise.ExplorationNoise;
import io.streamrl.core.policy.ActionScaling;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The policy-plus-noise step on its own, without an environment: a state in, the behaviour
 * action and its density out. The {@link Explorer} uses it to step simulators; a front end that
 * answers decisions for a live system can use it directly.
 *
 * <p>With a policy: the policy's action clipped to [-1, 1], plus noise, clipped again, mapped to
 * the environment's bounds. Without one (warm-up, or before an actor has received a policy):
 * uniform in [-1, 1] per entry. Not thread-safe: the noise process has per-episode state.
 */
public final class BehaviourPolicy {

    private final ExplorationNoise noise;
    private final SplittableRandom uniformRandom;
    private final double[] low;
    private final double[] high;
    private final double uniformLogDensity;

    /**
     * @param noise the noise process, which owns its generator
     * @param uniformRandom the generator of uniform warm-up actions
     * @param actions the environment's continuous action space
     */
    public BehaviourPolicy(ExplorationNoise noise, SplittableRandom uniformRandom, ActionSpace.Box actions) {
        this.noise = Objects.requireNonNull(noise, "noise");
        this.uniformRandom = Objects.requireNonNull(uniformRandom, "uniformRandom");
        this.low = actions.low();
        this.high = actions.high();
        if (noise.dimension() != low.length) {
            throw new IllegalArgumentException("noise of " + noise.dimension() + " entries for actions of "
                    + low.length);
        }
        this.uniformLogDensity = -low.length * Math.log(2);
    }

    /** As configured: the noise process of {@code exploration} drawing from {@code noiseRandom}. */
    public static BehaviourPolicy of(ExplorationConfig exploration, SplittableRandom noiseRandom,
                                     SplittableRandom uniformRandom, ActionSpace.Box actions) {
        return new BehaviourPolicy(exploration.newNoise(actions.dim(), noiseRandom), uniformRandom, actions);
    }

    /** Starts episode {@code episode}: a fresh noise process at that episode's scale. */
    public void startEpisode(long episode) {
        noise.reset(episode);
    }

    /** The policy's action for {@code observation} plus exploration noise. */
    public BehaviourAction act(DeterministicPolicy policy, float[] observation) {
        // A copy: the policy may hand out an array it keeps.
        float[] deterministic = policy.act(observation).clone();
        for (int i = 0; i < deterministic.length; i++) {
            deterministic[i] = Math.max(-1f, Math.min(1f, deterministic[i]));
        }
        float[] behaviour = deterministic.clone();
        double logDensity = noise.perturb(behaviour);
        return new BehaviourAction(behaviour, ActionScaling.toEnvironment(behaviour, low, high),
                ActionScaling.toEnvironment(deterministic, low, high), logDensity);
    }

    /** A uniform random action, as taken before any policy is worth following. */
    public BehaviourAction uniform() {
        float[] action = new float[low.length];
        for (int i = 0; i < action.length; i++) {
            action[i] = (float) uniformRandom.nextDouble(-1.0, 1.0);
        }
        return new BehaviourAction(action, ActionScaling.toEnvironment(action, low, high), null, uniformLogDensity);
    }

    /** The noise scale of the current episode. */
    public double sigma() {
        return noise.sigma();
    }
}
