package io.streamrl.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PercentilesTest {

    @Test
    void nearestRankOfOneToHundred() {
        double[] values = new double[100];
        for (int i = 0; i < values.length; i++) {
            values[values.length - 1 - i] = i + 1; // reversed: the class must sort
        }
        Percentiles p = new Percentiles(values);
        assertThat(p.median()).isEqualTo(50);
        assertThat(p.at(90)).isEqualTo(90);
        assertThat(p.at(99)).isEqualTo(99);
        assertThat(p.at(100)).isEqualTo(100);
        assertThat(p.max()).isEqualTo(100);
        assertThat(p.mean()).isEqualTo(50.5);
    }

    @Test
    void aSingleValueIsEveryPercentile() {
        Percentiles p = new Percentiles(new double[] {7});
        assertThat(p.at(1)).isEqualTo(7);
        assertThat(p.at(99)).isEqualTo(7);
    }

    @Test
    void refusesAnEmptySampleAndPercentilesOutsideTheRange() {
        assertThatThrownBy(() -> new Percentiles(new double[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Percentiles(new double[] {1}).at(0)).hasMessageContaining("(0, 100]");
    }
}
