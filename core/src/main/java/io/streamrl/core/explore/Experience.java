package io.streamrl.core.explore;

/**
 * One environment step as an {@link Explorer} took it: {@code (s, a, r, s')} with the flags and
 * where in the run it happened. Observations are the environment's own (not normalised).
 *
 * @param episode 0-based episode of the explorer
 * @param step 1-based step within the episode
 * @param observation the state acted on
 * @param action what was done and how it was chosen
 * @param reward the reward of the step
 * @param nextObservation the state after the step
 * @param terminated the episode ended in a terminal state (no bootstrap)
 * @param truncated the time limit ended the episode (bootstrap)
 * @param policyVersion version of the policy that acted; -1 for a uniform warm-up action
 * @param episodeReturn the episode's return up to and including this step
 */
public record Experience(long episode, int step, float[] observation, BehaviourAction action, double reward,
                         float[] nextObservation, boolean terminated, boolean truncated, long policyVersion,
                         double episodeReturn) {

    /** Whether the episode ended with this step. */
    public boolean done() {
        return terminated || truncated;
    }
}
