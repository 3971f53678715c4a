package io.streamrl.core.env;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * MountainCarContinuous-v0: drive an underpowered car out of a valley to the flag at 0.45.
 *
 * <p>A reimplementation of Farama Gymnasium
 * {@code gymnasium/envs/classic_control/continuous_mountain_car.py} at commit
 * {@code 3f0476a8cc224dcce2167cc4b6971ae0f04d5cfc}, with {@code gymnasium.make}'s 999-step time
 * limit, written from the project's {@code ENVS.md} and checked against its golden vectors.
 * State and observation {@code [position, velocity]}; action a force in {@code [-1, 1]} (raw
 * values are clipped for the physics, but the cost uses the raw value).
 *
 * <p>The reference stores its state as float32 after every step while computing in double, and
 * that rounding decides some goal tests; this class does the same. Right after
 * {@link #reset()} or {@link #setState(double[])} the state is the unrounded double, as in the
 * reference. {@link StrictMath} keeps seeded runs identical on every JVM.
 */
public final class MountainCarContinuousEnv implements Env {

    public static final String ID = "MountainCarContinuous-v0";

    private static final double MIN_ACTION = -1.0;
    private static final double MAX_ACTION = 1.0;
    private static final double MIN_POSITION = -1.2;
    private static final double MAX_POSITION = 0.6;
    private static final double MAX_SPEED = 0.07;
    private static final double GOAL_POSITION = 0.45;
    private static final double GOAL_VELOCITY = 0.0;
    private static final double POWER = 0.0015;

    /** Gymnasium's registered reward threshold. */
    static final EnvSpec SPEC = new EnvSpec(ID, 2,
            new ActionSpace.Box(new double[] {MIN_ACTION}, new double[] {MAX_ACTION}), 999, 90.0);

    private final SplittableRandom random;
    private final EpisodeClock clock = new EpisodeClock(ID, SPEC.maxEpisodeSteps());
    private double position;
    private double velocity;

    /** @param random the generator of reset states; the environment becomes its only user */
    public MountainCarContinuousEnv(SplittableRandom random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    @Override
    public EnvSpec spec() {
        return SPEC;
    }

    /** Starts at rest at {@code position ~ U[-0.6, -0.4)}. */
    @Override
    public float[] reset() {
        position = random.nextDouble(-0.6, -0.4);
        velocity = 0.0;
        clock.start();
        return observation();
    }

    @Override
    public StepResult step(double[] action) {
        clock.requireRunning();
        double a = Checks.boxScalar(SPEC, action);

        // 1. current (float32-stored after the first step) state, widened to double
        double p = position;
        double v = velocity;
        // 2. clip the force
        double force = Math.min(Math.max(a, MIN_ACTION), MAX_ACTION);
        // 3. engine and gravity, bracket first
        v = v + (force * POWER - 0.0025 * StrictMath.cos(3 * p));
        // 4. speed limit
        if (v > MAX_SPEED) {
            v = MAX_SPEED;
        }
        if (v < -MAX_SPEED) {
            v = -MAX_SPEED;
        }
        // 5. move with the new velocity
        p = p + v;
        // 6. track limits
        if (p > MAX_POSITION) {
            p = MAX_POSITION;
        }
        if (p < MIN_POSITION) {
            p = MIN_POSITION;
        }
        // 7. inelastic left wall
        if (p == MIN_POSITION && v < 0) {
            v = 0.0;
        }
        // 8. goal test on the unrounded doubles
        boolean terminated = p >= GOAL_POSITION && v >= GOAL_VELOCITY;
        // 9. goal bonus minus the cost of the raw, unclipped action
        double reward = (terminated ? 100.0 : 0.0) - (a * a) * 0.1;
        // 10. store as float32; the observation is this state
        position = (float) p;
        velocity = (float) v;

        boolean truncated = clock.advance(terminated);
        return new StepResult(observation(), reward, terminated, truncated);
    }

    /** {@code [position, velocity]}. */
    @Override
    public double[] state() {
        return new double[] {position, velocity};
    }

    /** Stores the values unrounded, as assigning a float64 array to the reference's state does. */
    @Override
    public void setState(double[] state) {
        double[] s = Checks.finiteState(ID, state, "position", "velocity");
        position = s[0];
        velocity = s[1];
    }

    @Override
    public float[] observation() {
        return new float[] {(float) position, (float) velocity};
    }
}
