package io.streamrl.core.env;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Pendulum-v1: swing a frictionless pendulum up and hold it upright with a bounded torque.
 *
 * <p>A reimplementation of Farama Gymnasium {@code gymnasium/envs/classic_control/pendulum.py}
 * at commit {@code 3f0476a8cc224dcce2167cc4b6971ae0f04d5cfc}, with {@code gymnasium.make}'s
 * 200-step time limit, written from the project's {@code ENVS.md} and checked against its golden
 * vectors. State {@code [theta, theta_dot]} ({@code theta = 0} upright, never wrapped);
 * observation {@code [cos theta, sin theta, theta_dot]} as float32; action a torque in
 * {@code [-2, 2]} (raw values are clipped). The episode never terminates, it is only truncated.
 *
 * <p>{@link StrictMath} is used for sin/cos so that a seeded run gives the same trajectory on
 * every JVM and CPU; it stays within one ulp of the glibc values the golden vectors hold.
 */
public final class PendulumEnv implements Env {

    public static final String ID = "Pendulum-v1";

    private static final double G = 10.0;
    private static final double M = 1.0;
    private static final double L = 1.0;
    private static final double DT = 0.05;
    private static final double MAX_SPEED = 8.0;
    private static final double MAX_TORQUE = 2.0;
    /** Gravity term of the angular acceleration, {@code 3g / 2l}. */
    private static final double K1 = (3 * G) / (2 * L);
    /** Torque term of the angular acceleration, {@code 3 / ml²}. */
    private static final double K2 = 3.0 / (M * L * L);

    /**
     * Gymnasium registers no reward threshold for Pendulum; streamrl counts it solved when the
     * mean return of 10 evaluation episodes is at least -200.
     */
    static final EnvSpec SPEC = new EnvSpec(ID, 3,
            new ActionSpace.Box(new double[] {-MAX_TORQUE}, new double[] {MAX_TORQUE}), 200, -200.0);

    private final SplittableRandom random;
    private final EpisodeClock clock = new EpisodeClock(ID, SPEC.maxEpisodeSteps());
    private double theta;
    private double thetaDot;

    /** @param random the generator of reset states; the environment becomes its only user */
    public PendulumEnv(SplittableRandom random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    @Override
    public EnvSpec spec() {
        return SPEC;
    }

    /** Starts from {@code theta ~ U[-pi, pi)}, {@code theta_dot ~ U[-1, 1)}. */
    @Override
    public float[] reset() {
        theta = random.nextDouble(-Math.PI, Math.PI);
        thetaDot = random.nextDouble(-1.0, 1.0);
        clock.start();
        return observation();
    }

    @Override
    public StepResult step(double[] action) {
        clock.requireRunning();
        double a = Checks.boxScalar(SPEC, action);
        double th = theta;
        double thdot = thetaDot;

        // 1. clip the torque
        double u = Math.min(Math.max(a, -MAX_TORQUE), MAX_TORQUE);
        // 2. wrapped angle, for the cost only
        double w = wrapAngle(th);
        // 3. cost from the old state and the clipped torque
        double cost = (w * w + 0.1 * (thdot * thdot)) + 0.001 * (u * u);
        // 4. angular velocity update
        double newThdot = thdot + (K1 * StrictMath.sin(th) + K2 * u) * DT;
        // 5. speed limit
        newThdot = Math.min(Math.max(newThdot, -MAX_SPEED), MAX_SPEED);
        // 6. semi-implicit Euler: the new velocity moves the angle
        double newTh = th + newThdot * DT;
        // 7. store; the observation comes from the new state
        theta = newTh;
        thetaDot = newThdot;

        boolean truncated = clock.advance(false);
        return new StepResult(observation(), -cost, false, truncated);
    }

    /** {@code [theta, theta_dot]}. */
    @Override
    public double[] state() {
        return new double[] {theta, thetaDot};
    }

    @Override
    public void setState(double[] state) {
        double[] s = Checks.finiteState(ID, state, "theta", "theta_dot");
        theta = s[0];
        thetaDot = s[1];
    }

    @Override
    public float[] observation() {
        return new float[] {(float) StrictMath.cos(theta), (float) StrictMath.sin(theta), (float) thetaDot};
    }

    /**
     * Python's {@code ((x + pi) % (2 pi)) - pi}. Python's {@code %} takes the sign of the divisor
     * (Java's takes the dividend's), and an exact zero remainder is {@code +0.0}.
     */
    static double wrapAngle(double x) {
        double period = 2 * Math.PI;
        double r = (x + Math.PI) % period;
        if (r < 0) {
            r += period;
        } else if (r == 0) {
            r = 0.0;
        }
        return r - Math.PI;
    }
}
