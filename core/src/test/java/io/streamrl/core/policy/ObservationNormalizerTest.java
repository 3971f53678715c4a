package io.streamrl.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ObservationNormalizerTest {

    @Test
    void standardizingIsTd3BcsStateNormalisation() {
        // Fujimoto and Gu 2021, section 5: s' = (s - mu) / (sigma + 1e-3).
        ObservationNormalizer n = ObservationNormalizer.standardizing(new double[] {2, -10, 0}, new double[] {4, 0.5, 0},
                1e-3);
        float[] s = {6f, -9f, 0.003f};
        float[] expected = {(float) (4 / 4.001), (float) (1 / 0.501), 3f};
        float[] got = n.apply(s);
        for (int i = 0; i < s.length; i++) {
            assertThat(got[i]).isCloseTo(expected[i], within(1e-5f));
        }
        assertThat(n.shift()).containsExactly(2f, -10f, 0f);
        assertThatThrownBy(() -> ObservationNormalizer.standardizing(new double[] {0}, new double[] {-1}, 1e-3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-negative std");
        assertThatThrownBy(() -> ObservationNormalizer.standardizing(new double[] {0}, new double[] {1}, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("epsilon");
    }

    @Test
    void andThenIsTheTwoMapsInTurnAndExactAfterTheIdentity() {
        ObservationNormalizer first = new ObservationNormalizer(new float[] {1f, -2f}, new float[] {0.5f, 4f});
        ObservationNormalizer second = new ObservationNormalizer(new float[] {3f, 0.25f}, new float[] {2f, 0.125f});
        float[] x = {7f, -1.5f};
        float[] inTurn = second.apply(first.apply(x));
        float[] composed = first.andThen(second).apply(x);
        for (int i = 0; i < x.length; i++) {
            assertThat(composed[i]).isCloseTo(inTurn[i], within(1e-6f));
        }
        assertThat(ObservationNormalizer.identity(2).andThen(second)).isEqualTo(second);
        assertThatThrownBy(() -> first.andThen(ObservationNormalizer.identity(3)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
