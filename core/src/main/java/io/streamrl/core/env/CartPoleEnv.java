package io.streamrl.core.env;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * CartPole-v1: balance a pole on a cart by pushing the cart left or right.
 *
 * <p>A reimplementation of Farama Gymnasium {@code gymnasium/envs/classic_control/cartpole.py}
 * at commit {@code 3f0476a8cc224dcce2167cc4b6971ae0f04d5cfc} (Euler integrator, reward 1 per
 * step), with {@code gymnasium.make}'s 500-step time limit, written from the project's
 * {@code ENVS.md} and checked against its golden vectors. State and observation
 * {@code [x, x_dot, theta, theta_dot]}; action {@code 0} pushes left, {@code 1} pushes right.
 * {@link StrictMath} keeps seeded runs identical on every JVM.
 */
public final class CartPoleEnv implements Env {

    public static final String ID = "CartPole-v1";

    private static final double GRAVITY = 9.8;
    private static final double MASS_CART = 1.0;
    private static final double MASS_POLE = 0.1;
    private static final double TOTAL_MASS = MASS_POLE + MASS_CART;
    /** Half the pole's length. */
    private static final double LENGTH = 0.5;
    private static final double POLEMASS_LENGTH = MASS_POLE * LENGTH;
    private static final double FORCE_MAG = 10.0;
    private static final double TAU = 0.02;
    /** 12 degrees, evaluated in the reference's order. */
    private static final double THETA_THRESHOLD = 12 * 2 * Math.PI / 360;
    private static final double X_THRESHOLD = 2.4;

    /** Gymnasium's registered reward threshold. */
    static final EnvSpec SPEC = new EnvSpec(ID, 4, new ActionSpace.Discrete(2), 500, 475.0);

    private final SplittableRandom random;
    private final EpisodeClock clock = new EpisodeClock(ID, SPEC.maxEpisodeSteps());
    private double x;
    private double xDot;
    private double theta;
    private double thetaDot;

    /** @param random the generator of reset states; the environment becomes its only user */
    public CartPoleEnv(SplittableRandom random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    @Override
    public EnvSpec spec() {
        return SPEC;
    }

    /** Starts with each of the four state variables {@code ~ U[-0.05, 0.05)}. */
    @Override
    public float[] reset() {
        x = random.nextDouble(-0.05, 0.05);
        xDot = random.nextDouble(-0.05, 0.05);
        theta = random.nextDouble(-0.05, 0.05);
        thetaDot = random.nextDouble(-0.05, 0.05);
        clock.start();
        return observation();
    }

    /** @param action one entry, {@code 0.0} (push left) or {@code 1.0} (push right) */
    @Override
    public StepResult step(double[] action) {
        clock.requireRunning();
        int push = Checks.discrete(SPEC, action);

        double force = push == 1 ? FORCE_MAG : -FORCE_MAG;
        double c = StrictMath.cos(theta);
        double s = StrictMath.sin(theta);
        double temp = (force + (POLEMASS_LENGTH * (thetaDot * thetaDot)) * s) / TOTAL_MASS;
        double thetaAcc = (GRAVITY * s - c * temp)
                / (LENGTH * (4.0 / 3.0 - (MASS_POLE * (c * c)) / TOTAL_MASS));
        double xAcc = temp - ((POLEMASS_LENGTH * thetaAcc) * c) / TOTAL_MASS;

        // Euler: each position advances with the old velocity
        x = x + TAU * xDot;
        xDot = xDot + TAU * xAcc;
        theta = theta + TAU * thetaDot;
        thetaDot = thetaDot + TAU * thetaAcc;

        // strict inequalities: a value exactly on a limit does not terminate
        boolean terminated = x < -X_THRESHOLD || x > X_THRESHOLD
                || theta < -THETA_THRESHOLD || theta > THETA_THRESHOLD;

        boolean truncated = clock.advance(terminated);
        return new StepResult(observation(), 1.0, terminated, truncated);
    }

    /** {@code [x, x_dot, theta, theta_dot]}. */
    @Override
    public double[] state() {
        return new double[] {x, xDot, theta, thetaDot};
    }

    @Override
    public void setState(double[] state) {
        double[] s = Checks.finiteState(ID, state, "x", "x_dot", "theta", "theta_dot");
        x = s[0];
        xDot = s[1];
        theta = s[2];
        thetaDot = s[3];
    }

    @Override
    public float[] observation() {
        return new float[] {(float) x, (float) xDot, (float) theta, (float) thetaDot};
    }
}
