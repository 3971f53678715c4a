package io.streamrl.core.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PendulumEnvTest {

    @Test
    void wrapAngleIsPythonsFloorModulo() {
        // (x + pi) mod 2pi - pi with a non-negative remainder: the result lies in [-pi, pi)
        // and differs from x by a whole number of turns, for negative x too
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 10_000; i++) {
            double x = random.nextDouble(-60, 60);
            double w = PendulumEnv.wrapAngle(x);
            assertThat(w).as("wrap(%s)", x).isGreaterThanOrEqualTo(-Math.PI).isLessThan(Math.PI);
            double turns = (x - w) / (2 * Math.PI);
            assertThat(turns).as("turns for %s", x).isCloseTo(Math.rint(turns), within(1e-9));
        }
        assertThat(PendulumEnv.wrapAngle(-4.0)).isCloseTo(-4.0 + 2 * Math.PI, within(1e-15));
        assertThat(PendulumEnv.wrapAngle(-Math.PI)).isEqualTo(-Math.PI);
        assertThat(PendulumEnv.wrapAngle(Math.PI)).isEqualTo(-Math.PI);
    }

    @Test
    void costUsesTheWrappedAngleAndTheClippedTorque() {
        PendulumEnv env = new PendulumEnv(new SplittableRandom(1));
        env.reset();
        env.setState(new double[] {2 * Math.PI + 0.5, 1.0});
        // wrapped angle 0.5; torque 5 is clipped to 2: cost 0.25 + 0.1 + 0.004
        double reward = env.step(new double[] {5.0}).reward();
        assertThat(reward).isCloseTo(-(0.25 + 0.1 + 0.004), within(1e-12));
    }
}
