package io.streamrl.core.replay;

/**
 * Transitions in row-major float32 columns, laid out as the replay buffer stores them: a
 * minibatch that {@link ReplayBuffer#sample} fills (reused across samples), or transitions on
 * their way in through {@link ReplayBuffer#addAll}.
 * {@code terminated} holds 1 where the transition ended in a terminal state (no bootstrap) and
 * 0 otherwise, including time-limit truncations.
 */
public final class Batch {

    private final int size;
    private final int observationDim;
    private final int actionDim;
    final float[] observations;
    final float[] actions;
    final float[] rewards;
    final float[] nextObservations;
    final float[] terminated;

    public Batch(int size, int observationDim, int actionDim) {
        if (size < 1 || observationDim < 1 || actionDim < 1) {
            throw new IllegalArgumentException("batch size and dimensions must be >= 1, got " + size + ", "
                    + observationDim + ", " + actionDim);
        }
        this.size = size;
        this.observationDim = observationDim;
        this.actionDim = actionDim;
        observations = new float[size * observationDim];
        actions = new float[size * actionDim];
        rewards = new float[size];
        nextObservations = new float[size * observationDim];
        terminated = new float[size];
    }

    public int size() {
        return size;
    }

    public int observationDim() {
        return observationDim;
    }

    public int actionDim() {
        return actionDim;
    }

    /** {@code size x observationDim}, row-major; the live array, do not keep it. */
    public float[] observations() {
        return observations;
    }

    /** {@code size x actionDim}, row-major, in the normalised action range [-1, 1]. */
    public float[] actions() {
        return actions;
    }

    public float[] rewards() {
        return rewards;
    }

    public float[] nextObservations() {
        return nextObservations;
    }

    public float[] terminated() {
        return terminated;
    }
}
