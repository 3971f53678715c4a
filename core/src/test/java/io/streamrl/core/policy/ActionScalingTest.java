package io.streamrl.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The affine map between [-1, 1] and a box {@code [low, high]}, and its clipped inverse. */
class ActionScalingTest {

    // Pendulum's torque box, an asymmetric box and one with a negative, narrow range
    private static final double[] LOW = {-2.0, 0.0, -3.5};
    private static final double[] HIGH = {2.0, 10.0, -3.0};

    @Test
    void toEnvironmentMapsCornersCentreAndQuartersAffinely() {
        // low + (a + 1) / 2 * (high - low); the inputs are exact binary fractions
        assertThat(ActionScaling.toEnvironment(new float[] {-1f, -1f, -1f}, LOW, HIGH))
                .containsExactly(-2.0, 0.0, -3.5);
        assertThat(ActionScaling.toEnvironment(new float[] {1f, 1f, 1f}, LOW, HIGH))
                .containsExactly(2.0, 10.0, -3.0);
        assertThat(ActionScaling.toEnvironment(new float[] {0f, 0f, 0f}, LOW, HIGH))
                .containsExactly(0.0, 5.0, -3.25);
        // a = 0.5 is 3/4 of the way from low to high; a = -0.5 is 1/4
        assertThat(ActionScaling.toEnvironment(new float[] {0.5f, -0.5f, 0.5f}, LOW, HIGH))
                .containsExactly(1.0, 2.5, -3.125);
    }

    @Test
    void toNormalizedMapsTheBoxOntoMinusOneToOne() {
        assertThat(ActionScaling.toNormalized(new float[] {-2f, 0f, -3.5f}, LOW, HIGH))
                .containsExactly(-1f, -1f, -1f);
        assertThat(ActionScaling.toNormalized(new float[] {2f, 10f, -3f}, LOW, HIGH))
                .containsExactly(1f, 1f, 1f);
        assertThat(ActionScaling.toNormalized(new float[] {0f, 5f, -3.25f}, LOW, HIGH))
                .containsExactly(0f, 0f, 0f);
        // 1 on [-2, 2] is 3/4 of the range: 0.5; 7.5 on [0, 10] likewise; -3.375 on [-3.5, -3] is 1/4: -0.5
        assertThat(ActionScaling.toNormalized(new float[] {1f, 7.5f, -3.375f}, LOW, HIGH))
                .containsExactly(0.5f, 0.5f, -0.5f);
    }

    @Test
    void toNormalizedClipsValuesOutsideTheBox() {
        // far outside, just outside, and infinitely outside on both sides
        assertThat(ActionScaling.toNormalized(new float[] {3f, 10.001f, -2.9f}, LOW, HIGH))
                .containsExactly(1f, 1f, 1f);
        assertThat(ActionScaling.toNormalized(new float[] {-100f, -0.001f, -3.6f}, LOW, HIGH))
                .containsExactly(-1f, -1f, -1f);
        assertThat(ActionScaling.toNormalized(
                new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE}, LOW, HIGH))
                .containsExactly(1f, -1f, 1f);
        // a clipped dimension does not disturb its neighbours
        assertThat(ActionScaling.toNormalized(new float[] {5f, 2.5f, -3.375f}, LOW, HIGH))
                .containsExactly(1f, -0.5f, -0.5f);
    }

    @Test
    void toEnvironmentIsTheDocumentedAffineMapAndDoesNotClip() {
        // clipping to [-1, 1] is the caller's job (ExplorationNoise.perturb, the tanh policy head)
        assertThat(ActionScaling.toEnvironment(new float[] {1.5f, -2f, 3f}, LOW, HIGH))
                .containsExactly(3.0, -5.0, -2.5);
    }

    @Test
    void normalisedToEnvironmentAndBackIsTheIdentity() {
        SplittableRandom random = new SplittableRandom(17);
        for (int t = 0; t < 10_000; t++) {
            float[] a = new float[3];
            for (int i = 0; i < 3; i++) {
                a[i] = (float) random.nextDouble(-1.0, 1.0);
            }
            double[] env = ActionScaling.toEnvironment(a, LOW, HIGH);
            for (int i = 0; i < 3; i++) {
                assertThat(env[i]).isBetween(LOW[i], HIGH[i]);
            }
            // the way back goes through float32 (what a transition carries): rounding env to float
            // costs ulp(max |bound|) / 2, which the inverse scales by 2 / (high - low); rounding the
            // result to float costs ulp(1) / 2. Tolerance: twice the sum.
            float[] env32 = new float[3];
            for (int i = 0; i < 3; i++) {
                env32[i] = (float) env[i];
            }
            float[] back = ActionScaling.toNormalized(env32, LOW, HIGH);
            for (int i = 0; i < 3; i++) {
                double widest = Math.max(Math.abs(LOW[i]), Math.abs(HIGH[i]));
                double tolerance = 2 * (Math.ulp((float) widest) / (HIGH[i] - LOW[i]) + Math.ulp(1f) / 2);
                int dim = i;
                assertThat((double) back[i]).as(() -> "dim " + dim + " of " + Arrays.toString(a))
                        .isCloseTo(a[i], within(tolerance));
            }
        }
    }

    @Test
    void environmentToNormalisedAndBackIsTheIdentityInsideTheBox() {
        SplittableRandom random = new SplittableRandom(18);
        for (int t = 0; t < 10_000; t++) {
            float[] action = new float[3];
            for (int i = 0; i < 3; i++) {
                action[i] = (float) random.nextDouble(LOW[i], HIGH[i]);
            }
            double[] back = ActionScaling.toEnvironment(ActionScaling.toNormalized(action, LOW, HIGH), LOW, HIGH);
            for (int i = 0; i < 3; i++) {
                // the float32 normalised value carries an error of at most ulp(1) / 2, scaled by (high - low) / 2
                double tolerance = Math.ulp(1f) * (HIGH[i] - LOW[i]) / 2;
                assertThat(back[i]).isCloseTo(action[i], within(tolerance));
            }
        }
    }

    @Test
    void environmentValuesOutsideTheBoxComeBackOnItsEdge() {
        double[] back = ActionScaling.toEnvironment(
                ActionScaling.toNormalized(new float[] {7f, -1f, -10f}, LOW, HIGH), LOW, HIGH);
        assertThat(back[0]).isEqualTo(2.0);
        assertThat(back[1]).isEqualTo(0.0);
        assertThat(back[2]).isEqualTo(-3.5);
    }

    @Test
    void boundsOfAnotherLengthAreRejected() {
        double[] shortLow = {-2.0, 0.0};
        assertThatThrownBy(() -> ActionScaling.toNormalized(new float[] {0f, 0f, 0f}, shortLow, HIGH))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("an action of 3 values needs bounds of the same length, got low 2 and high 3");
        assertThatThrownBy(() -> ActionScaling.toEnvironment(new float[] {0f, 0f}, LOW, HIGH))
                .hasMessage("an action of 2 values needs bounds of the same length, got low 3 and high 3");
    }
}
