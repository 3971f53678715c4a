package io.streamrl.core.noise;

/**
 * Additive exploration noise for continuous actions in the normalised range [-1, 1]. A
 * process is reset at the start of every episode, which also applies the episode's scale from
 * its {@link NoiseSchedule}.
 */
public interface ExplorationNoise {

    /** Starts episode {@code episode} (0-based). */
    void reset(long episode);

    /** The next noise vector (a fresh array). */
    float[] sample();

    /** The scale in use for the current episode. */
    double sigma();

    /** Length of every sample. */
    int dimension();

    /**
     * Adds the next sample to {@code action} and clips each entry to [-1, 1]. The noise a
     * transition records is the difference this makes (after clipping), which the caller has.
     *
     * @throws IllegalArgumentException for an action of the wrong length, before any noise is drawn
     */
    default void perturb(float[] action) {
        if (action.length != dimension()) {
            throw new IllegalArgumentException("action must have " + dimension() + " values, got " + action.length);
        }
        float[] noise = sample();
        for (int i = 0; i < action.length; i++) {
            action[i] = Math.max(-1f, Math.min(1f, action[i] + noise[i]));
        }
    }
}
