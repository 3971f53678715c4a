package io.streamrl.core.replay;

import java.util.SplittableRandom;

/**
 * A fixed-capacity ring of transitions stored as preallocated float32 columns. Once full, each
 * new transition overwrites the oldest. Sampling is uniform with replacement (as in DQN, DDPG
 * and Stable-Baselines3), from a generator the caller owns so that runs are reproducible.
 *
 * <p>Every transition is validated on the way in: a NaN or infinite value never reaches a
 * gradient step from here.
 */
public final class ReplayBuffer {

    private final int capacity;
    private final int observationDim;
    private final int actionDim;
    private final float[] observations;
    private final float[] actions;
    private final float[] rewards;
    private final float[] nextObservations;
    private final float[] terminated;
    private int next;
    private int size;
    private long added;

    public ReplayBuffer(int capacity, int observationDim, int actionDim) {
        if (capacity < 1) {
            throw new IllegalArgumentException("buffer-capacity must be >= 1, got " + capacity);
        }
        if (observationDim < 1 || actionDim < 1) {
            throw new IllegalArgumentException("dimensions must be >= 1, got observation " + observationDim
                    + ", action " + actionDim);
        }
        this.capacity = capacity;
        this.observationDim = observationDim;
        this.actionDim = actionDim;
        observations = new float[Math.multiplyExact(capacity, observationDim)];
        actions = new float[Math.multiplyExact(capacity, actionDim)];
        rewards = new float[capacity];
        nextObservations = new float[Math.multiplyExact(capacity, observationDim)];
        terminated = new float[capacity];
    }

    /**
     * Stores one transition (copied). Actions are in the normalised range the agent uses.
     *
     * @throws IllegalArgumentException naming the field when a length is wrong or a value is
     *     NaN or infinite; the buffer is unchanged then
     */
    public void add(float[] observation, float[] action, double reward, float[] nextObservation, boolean isTerminal) {
        requireFinite("observation", observation, observationDim);
        requireFinite("action", action, actionDim);
        requireFinite("next observation", nextObservation, observationDim);
        if (!Double.isFinite(reward)) {
            throw new IllegalArgumentException("reward must be finite, got " + reward);
        }
        System.arraycopy(observation, 0, observations, next * observationDim, observationDim);
        System.arraycopy(action, 0, actions, next * actionDim, actionDim);
        rewards[next] = (float) reward;
        System.arraycopy(nextObservation, 0, nextObservations, next * observationDim, observationDim);
        terminated[next] = isTerminal ? 1f : 0f;
        next = next + 1 == capacity ? 0 : next + 1;
        if (size < capacity) {
            size++;
        }
        added++;
    }

    /** Fills {@code batch} with {@code batch.size()} transitions drawn uniformly with replacement. */
    public void sample(Batch batch, SplittableRandom random) {
        if (size == 0) {
            throw new IllegalStateException("cannot sample from an empty replay buffer");
        }
        if (batch.observationDim() != observationDim || batch.actionDim() != actionDim) {
            throw new IllegalArgumentException("batch dimensions " + batch.observationDim() + "/" + batch.actionDim()
                    + " do not match the buffer's " + observationDim + "/" + actionDim);
        }
        for (int b = 0; b < batch.size(); b++) {
            int i = random.nextInt(size);
            System.arraycopy(observations, i * observationDim, batch.observations, b * observationDim, observationDim);
            System.arraycopy(actions, i * actionDim, batch.actions, b * actionDim, actionDim);
            batch.rewards[b] = rewards[i];
            System.arraycopy(nextObservations, i * observationDim, batch.nextObservations, b * observationDim,
                    observationDim);
            batch.terminated[b] = terminated[i];
        }
    }

    public int capacity() {
        return capacity;
    }

    /** Transitions currently held (at most {@link #capacity()}). */
    public int size() {
        return size;
    }

    /** Share of the capacity in use, 0..1. */
    public double fill() {
        return (double) size / capacity;
    }

    /** Transitions ever added, including overwritten ones. */
    public long totalAdded() {
        return added;
    }

    public int observationDim() {
        return observationDim;
    }

    public int actionDim() {
        return actionDim;
    }

    private static void requireFinite(String what, float[] values, int expectedLength) {
        if (values.length != expectedLength) {
            throw new IllegalArgumentException(what + " must have " + expectedLength + " values, got " + values.length);
        }
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new IllegalArgumentException(what + "[" + i + "] must be finite, got " + values[i]);
            }
        }
    }
}
