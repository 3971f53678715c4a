package io.streamrl.pipeline.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ShopsConfigTest {

    private static final String URL = "http://127.0.0.1:8080";

    @Test
    void aGoodConfigKeepsItsValuesAndNamesItsShopsAndEndpoints() {
        ShopsConfig c = new ShopsConfig("http://127.0.0.1:8080//", 3, 365, 100, 2_000, 0.1, 5);

        assertThat(c.url()).isEqualTo(URL);
        assertThat(c.decisionsUri()).hasToString(URL + "/v1/decisions");
        assertThat(c.rewardsUri()).hasToString(URL + "/v1/rewards");
        assertThat(c.entityId(0)).isEqualTo("shop-0");
        assertThat(c.entityId(2)).isEqualTo("shop-2");
        assertThatThrownBy(() -> c.entityId(3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(c.connections()).isEqualTo(ShopsConfig.DEFAULT_CONNECTIONS);
        assertThat(c.timeoutMillis()).isEqualTo(ShopsConfig.DEFAULT_TIMEOUT_MILLIS);
        assertThat(c.withConnections(4).connections()).isEqualTo(4);
        assertThat(c.withTimeoutMillis(250).timeoutMillis()).isEqualTo(250);
        assertThat(new ShopsConfig("https://serve.example/base", 1, 1, 0, 0, 0.0, 1).url())
                .isEqualTo("https://serve.example/base");
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                bad("shops must be in [1, 100000], got 0", () -> new ShopsConfig(URL, 0, 10, 0, 0, 0.0, 1)),
                bad("shops must be in [1, 100000], got 100001", () -> new ShopsConfig(URL, 100_001, 10, 0, 0, 0.0, 1)),
                bad("days must be in [1, 1000000], got 0", () -> new ShopsConfig(URL, 1, 0, 0, 0, 0.0, 1)),
                bad("day-millis must be in [0, 86400000], got -1", () -> new ShopsConfig(URL, 1, 1, -1, 0, 0.0, 1)),
                bad("max-reward-lag-millis must be in [0, 3600000], got 3600001",
                        () -> new ShopsConfig(URL, 1, 1, 0, 3_600_001, 0.0, 1)),
                bad("lost-reward-share must be in [0.0, 1.0), got 1.0", () -> new ShopsConfig(URL, 1, 1, 0, 0, 1.0, 1)),
                bad("lost-reward-share must be in [0.0, 1.0), got -0.1", () -> new ShopsConfig(URL, 1, 1, 0, 0, -0.1, 1)),
                bad("lost-reward-share must be in [0.0, 1.0), got NaN",
                        () -> new ShopsConfig(URL, 1, 1, 0, 0, Double.NaN, 1)),
                bad("connections must be in [1, 4096], got 0",
                        () -> new ShopsConfig(URL, 1, 1, 0, 0, 0.0, 1).withConnections(0)),
                bad("timeout-millis must be in [1, 60000], got 0",
                        () -> new ShopsConfig(URL, 1, 1, 0, 0, 0.0, 1).withTimeoutMillis(0)),
                bad("url must be the base URL of streamrl serve", () -> new ShopsConfig(null, 1, 1, 0, 0, 0.0, 1)),
                bad("url must be the base URL of streamrl serve", () -> new ShopsConfig(" ", 1, 1, 0, 0, 0.0, 1)),
                bad("url must be an http(s) URL", () -> new ShopsConfig("127.0.0.1:8080", 1, 1, 0, 0, 0.0, 1)),
                bad("url must be an http(s) URL", () -> new ShopsConfig("ftp://127.0.0.1", 1, 1, 0, 0, 0.0, 1)),
                bad("url must be an http(s) URL", () -> new ShopsConfig(URL + "?a=1", 1, 1, 0, 0, 0.0, 1)),
                bad("url must be the base URL (/v1/decisions and /v1/rewards are appended)",
                        () -> new ShopsConfig(URL + "/v1/decisions", 1, 1, 0, 0, 0.0, 1)));
    }

    private static Arguments bad(String message, Supplier<ShopsConfig> make) {
        return Arguments.of(message, make);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void aBadValueNamesItsKeyAndTheAllowedRange(String message, Supplier<ShopsConfig> make) {
        assertThatThrownBy(make::get).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(message);
    }
}
