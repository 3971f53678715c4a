package io.streamrl.core.env;

/**
 * An episodic environment with Gymnasium's step contract.
 *
 * <p>Observations are float32 (as Gymnasium reports them); actions and internal state are
 * doubles so that the classic-control dynamics match the reference to the last bit. An
 * environment is not thread-safe: one actor owns one instance.
 */
public interface Env {

    /** What the environment looks like from outside: dimensions, bounds, time limit. */
    EnvSpec spec();

    /**
     * Starts a new episode from a random state drawn from the environment's own generator and
     * zeroes the step counter of the time limit.
     *
     * @return the observation of the start state
     */
    float[] reset();

    /**
     * Advances one step. For a {@link ActionSpace.Box} the action has {@code spec().actionDim()}
     * entries (raw values; the environment clips as Gymnasium does); for a
     * {@link ActionSpace.Discrete} it has one entry holding the integral action index.
     *
     * <p>{@code truncated} is set on the step whose 1-based index since {@link #reset()} reaches
     * {@code spec().maxEpisodeSteps()}; it may coincide with {@code terminated}. After either,
     * the episode has ended.
     *
     * @throws IllegalArgumentException when the action is null, has the wrong length, is NaN or
     *     infinite, or names a discrete action that does not exist
     * @throws IllegalStateException when called before {@link #reset()} or after the episode ended
     */
    StepResult step(double[] action);

    /** A copy of the internal state (e.g. {@code [theta, theta_dot]} for Pendulum). */
    double[] state();

    /**
     * Replaces the internal state, as the golden-vector protocol does with
     * {@code env.unwrapped.state = ...}. Does not touch the episode step counter, and does not
     * start or revive an episode: {@link #step(double[])} still needs a running one.
     *
     * @throws IllegalArgumentException when the state has the wrong length or a value that is
     *     not finite (or outside the environment's documented range)
     */
    void setState(double[] state);

    /** The observation the environment reports for its current state. */
    float[] observation();
}
