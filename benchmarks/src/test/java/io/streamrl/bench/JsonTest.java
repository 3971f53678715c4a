package io.streamrl.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void roundKeepsAFixedNumberOfDecimals() {
        assertThat(Json.round(42.3456, 2)).isEqualTo(42.35);
        assertThat(Json.round(0.004, 2)).isEqualTo(0.0);
        assertThat(Json.round(Double.NaN, 2)).isNull();
    }

    @Test
    void significantKeepsSmallRatesVisible() {
        assertThat(Json.significant(0.0123456, 3)).isEqualTo(0.0123);
        assertThat(Json.significant(51.2345, 3)).isEqualTo(51.2);
        assertThat(Json.significant(12345.0, 3)).isEqualTo(12300.0);
        assertThat(Json.significant(Double.POSITIVE_INFINITY, 3)).isNull();
    }
}
