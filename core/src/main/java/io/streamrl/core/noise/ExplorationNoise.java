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

    /**
     * Adds noise to {@code action} and clips each entry to [-1, 1].
     *
     * @return the noise that was added, before clipping (what a transition records)
     */
    default float[] perturb(float[] action) {
        float[] noise = sample();
        if (noise.length != action.length) {
            throw new IllegalArgumentException("action must have " + noise.length + " values, got " + action.length);
        }
        for (int i = 0; i < action.length; i++) {
            action[i] = Math.max(-1f, Math.min(1f, action[i] + noise[i]));
        }
        return noise;
    }
}
