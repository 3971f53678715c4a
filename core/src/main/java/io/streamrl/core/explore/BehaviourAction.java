package io.streamrl.core.explore;

/**
 * What a {@link BehaviourPolicy} chose for one state.
 *
 * @param normalized the behaviour action in [-1, 1], as the replay buffer stores it
 * @param environment the same action in the environment's units
 * @param policyEnvironment the deterministic policy's own (clipped) action in the environment's
 *     units; null for a uniform warm-up action, which no policy made
 * @param logDensity log-density of {@code normalized} under the behaviour distribution that drew
 *     it, with respect to the normalised action (see {@code ExplorationNoise.perturb}); for a
 *     uniform action {@code -d ln 2}; NaN for a noise scale of 0
 */
public record BehaviourAction(float[] normalized, double[] environment, double[] policyEnvironment,
                              double logDensity) {

    /** Whether a policy chose the action (false for a uniform warm-up action). */
    public boolean fromPolicy() {
        return policyEnvironment != null;
    }

    /**
     * The exploration noise in environment units, {@code environment - policyEnvironment} per
     * entry (after clipping), as a transition records it; empty for a uniform action.
     */
    public float[] explorationNoise() {
        if (policyEnvironment == null) {
            return new float[0];
        }
        float[] noise = new float[environment.length];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) (environment[i] - policyEnvironment[i]);
        }
        return noise;
    }
}
