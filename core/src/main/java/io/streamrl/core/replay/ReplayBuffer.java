package io.streamrl.core.replay;

import io.streamrl.core.policy.ObservationNormalizer;
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

    /**
     * Stores the first {@code count} transitions of {@code batch} (copied), in order, as
     * {@code count} calls of {@link #add} would: a learner's ingest hands over whole polls this
     * way, at a few column copies per poll instead of five per transition.
     *
     * @throws IllegalArgumentException naming the row and field when a value is NaN or
     *     infinite, or when the dimensions or {@code count} do not fit; the buffer is unchanged then
     */
    public void addAll(Batch batch, int count) {
        if (batch.observationDim() != observationDim || batch.actionDim() != actionDim) {
            throw new IllegalArgumentException("batch dimensions " + batch.observationDim() + "/" + batch.actionDim()
                    + " do not match the buffer's " + observationDim + "/" + actionDim);
        }
        if (count < 0 || count > batch.size()) {
            throw new IllegalArgumentException("count must be in [0, " + batch.size() + "], got " + count);
        }
        requireFiniteRows("observation", batch.observations, count, observationDim);
        requireFiniteRows("action", batch.actions, count, actionDim);
        requireFiniteRows("reward", batch.rewards, count, 1);
        requireFiniteRows("next observation", batch.nextObservations, count, observationDim);
        for (int row = 0; row < count; row++) {
            if (batch.terminated[row] != 0f && batch.terminated[row] != 1f) {
                throw new IllegalArgumentException("terminated of row " + row + " must be 0 or 1, got "
                        + batch.terminated[row]);
            }
        }
        // Only the newest `capacity` rows can survive: skip the older ones, but move the write
        // position past them as adding them would have.
        int skipped = Math.max(0, count - capacity);
        next = (int) ((next + (long) skipped) % capacity);
        for (int from = skipped; from < count; ) {
            int rows = Math.min(count - from, capacity - next); // up to the end of the ring, then wrap
            System.arraycopy(batch.observations, from * observationDim, observations, next * observationDim,
                    rows * observationDim);
            System.arraycopy(batch.actions, from * actionDim, actions, next * actionDim, rows * actionDim);
            System.arraycopy(batch.rewards, from, rewards, next, rows);
            System.arraycopy(batch.nextObservations, from * observationDim, nextObservations, next * observationDim,
                    rows * observationDim);
            System.arraycopy(batch.terminated, from, terminated, next, rows);
            from += rows;
            next = next + rows == capacity ? 0 : next + rows;
        }
        size = (int) Math.min(capacity, size + (long) count);
        added += count;
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

    /**
     * Per-dimension mean and standard deviation (population, as NumPy's {@code std}) of the
     * stored observations {@code s} (not {@code s'}), summed in double.
     *
     * @param mean one entry per observation dimension
     * @param std one entry per observation dimension
     */
    public record ObservationMoments(double[] mean, double[] std) {
        public ObservationMoments {
            mean = mean.clone();
            std = std.clone();
        }

        @Override
        public double[] mean() {
            return mean.clone();
        }

        @Override
        public double[] std() {
            return std.clone();
        }
    }

    /**
     * The moments of the observations held now.
     *
     * @throws IllegalStateException when the buffer is empty
     */
    public ObservationMoments observationMoments() {
        if (size == 0) {
            throw new IllegalStateException("the buffer is empty: there are no observations to take moments of");
        }
        double[] mean = new double[observationDim];
        for (int i = 0; i < size * observationDim; i++) {
            mean[i % observationDim] += observations[i];
        }
        for (int d = 0; d < observationDim; d++) {
            mean[d] /= size;
        }
        // Two passes: the one-pass sum of squares loses the variance of values far from zero.
        double[] std = new double[observationDim];
        for (int i = 0; i < size * observationDim; i++) {
            double deviation = observations[i] - mean[i % observationDim];
            std[i % observationDim] += deviation * deviation;
        }
        for (int d = 0; d < observationDim; d++) {
            std[d] = Math.sqrt(std[d] / size);
        }
        return new ObservationMoments(mean, std);
    }

    /**
     * Maps every stored observation and next observation through {@code normalizer}, in place:
     * for a normalisation that is fixed only once the data is in (TD3+BC's standardisation).
     *
     * @throws IllegalArgumentException when a mapped value would not be finite; the buffer is unchanged then
     */
    public void normalizeObservations(ObservationNormalizer normalizer) {
        if (normalizer.dim() != observationDim) {
            throw new IllegalArgumentException("normaliser has " + normalizer.dim() + " entries, observations have "
                    + observationDim);
        }
        float[] row = new float[observationDim];
        float[] mapped = new float[observationDim];
        for (float[] column : new float[][] {observations, nextObservations}) {
            for (int r = 0; r < size; r++) {
                System.arraycopy(column, r * observationDim, row, 0, observationDim);
                normalizer.apply(row, mapped, 0);
                requireFinite(column == observations ? "normalised observation" : "normalised next observation",
                        mapped, observationDim);
            }
        }
        for (float[] column : new float[][] {observations, nextObservations}) {
            for (int r = 0; r < size; r++) {
                System.arraycopy(column, r * observationDim, row, 0, observationDim);
                normalizer.apply(row, column, r * observationDim);
            }
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

    private static void requireFiniteRows(String what, float[] column, int rows, int width) {
        for (int i = 0; i < rows * width; i++) {
            if (!Float.isFinite(column[i])) {
                throw new IllegalArgumentException(what + " of row " + i / width + " must be finite, got "
                        + column[i] + " (at index " + i % width + ")");
            }
        }
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
