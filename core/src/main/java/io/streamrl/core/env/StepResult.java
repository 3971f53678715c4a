package io.streamrl.core.env;

/**
 * One step's outcome. {@code terminated} means the MDP reached a terminal state (do not
 * bootstrap); {@code truncated} means the time limit cut the episode (bootstrap from
 * {@code observation}). Both may be true on the same step.
 */
public record StepResult(float[] observation, double reward, boolean terminated, boolean truncated) {

    public boolean done() {
        return terminated || truncated;
    }
}
