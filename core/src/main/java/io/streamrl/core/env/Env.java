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

    /** Starts a new episode from a random state drawn from the environment's own generator. */
    float[] reset();

    /**
     * Advances one step. For a {@link ActionSpace.Box} the action has {@code spec().actionDim()}
     * entries (raw values; the environment clips as Gymnasium does); for a
     * {@link ActionSpace.Discrete} it has one entry holding the integral action index.
     *
     * @throws IllegalArgumentException when the action has the wrong length, is NaN, or names
     *     a discrete action that does not exist
     * @throws IllegalStateException when called before {@link #reset()} or after the episode ended
     */
    StepResult step(double[] action);

    /** A copy of the internal state (e.g. {@code [theta, theta_dot]} for Pendulum). */
    double[] state();

    /**
     * Replaces the internal state, as the golden-vector protocol does with
     * {@code env.unwrapped.state = ...}. Does not touch the episode step counter.
     */
    void setState(double[] state);

    /** The observation the environment reports for its current state. */
    float[] observation();
}
