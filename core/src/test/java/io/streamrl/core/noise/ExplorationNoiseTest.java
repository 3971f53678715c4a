package io.streamrl.core.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link ExplorationNoise#perturb}: adds the next sample and clips to [-1, 1]. */
class ExplorationNoiseTest {

    @Test
    void perturbAddsTheNextSampleAndClipsToTheNormalisedBox() {
        // sigma 1 on actions spread over [-1, 1]: a good share of the sums leave the box
        ExplorationNoise noise = new GaussianNoise(3, NoiseSchedule.constant(1.0), new SplittableRandom(8));
        ExplorationNoise twin = new GaussianNoise(3, NoiseSchedule.constant(1.0), new SplittableRandom(8));
        SplittableRandom actions = new SplittableRandom(99);
        int clipped = 0;
        int inside = 0;
        for (int t = 0; t < 2_000; t++) {
            float[] action = new float[3];
            for (int i = 0; i < 3; i++) {
                action[i] = (float) actions.nextDouble(-1.0, 1.0);
            }
            float[] original = action.clone();
            float[] expectedNoise = twin.sample();
            noise.perturb(action);
            for (int i = 0; i < 3; i++) {
                double sum = (double) original[i] + expectedNoise[i];
                assertThat(action[i]).isBetween(-1f, 1f);
                if (sum > 1) {
                    assertThat(action[i]).isEqualTo(1f);
                    clipped++;
                } else if (sum < -1) {
                    assertThat(action[i]).isEqualTo(-1f);
                    clipped++;
                } else {
                    assertThat((double) action[i]).isCloseTo(sum, within(1e-6));
                    inside++;
                }
            }
        }
        // both branches were exercised (with sigma 1 roughly 40 % of the sums leave [-1, 1])
        assertThat(clipped).isGreaterThan(1_000);
        assertThat(inside).isGreaterThan(1_000);
    }

    @Test
    void actionsStayInTheBoxForOuTooWhenItsStateLeavesIt() {
        // OU with a large scale: the state itself leaves [-1, 1]; only the action is clipped
        ExplorationNoise noise = new OrnsteinUhlenbeckNoise(1, 0.15, NoiseSchedule.constant(2.0),
                new SplittableRandom(4));
        ExplorationNoise twin = new OrnsteinUhlenbeckNoise(1, 0.15, NoiseSchedule.constant(2.0),
                new SplittableRandom(4));
        float largest = 0;
        for (int t = 0; t < 500; t++) {
            float[] action = {0.5f};
            float[] n = twin.sample();
            noise.perturb(action);
            largest = Math.max(largest, Math.abs(n[0]));
            assertThat(action[0]).isBetween(-1f, 1f);
            if (Math.abs(0.5f + n[0]) > 1) {
                assertThat(action[0]).isEqualTo(Math.signum(0.5f + n[0]));
            }
        }
        assertThat(largest).as("some noise lies outside [-1, 1]").isGreaterThan(1f);
    }

    @Test
    void actionOfTheWrongLengthIsRejectedBeforeAnyNoiseIsDrawn() {
        for (boolean ou : new boolean[] {false, true}) {
            ExplorationNoise noise = ou
                    ? new OrnsteinUhlenbeckNoise(2, 0.15, NoiseSchedule.constant(0.1), new SplittableRandom(1))
                    : new GaussianNoise(2, NoiseSchedule.constant(0.1), new SplittableRandom(1));
            ExplorationNoise twin = ou
                    ? new OrnsteinUhlenbeckNoise(2, 0.15, NoiseSchedule.constant(0.1), new SplittableRandom(1))
                    : new GaussianNoise(2, NoiseSchedule.constant(0.1), new SplittableRandom(1));
            float[] action = {0.1f, 0.2f, 0.3f};
            assertThatThrownBy(() -> noise.perturb(action))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("action must have 2 values, got 3");
            assertThat(action).containsExactly(0.1f, 0.2f, 0.3f);
            // The refused call drew nothing: the process is where its twin is.
            assertThat(noise.sample()).containsExactly(twin.sample());
        }
    }
}
