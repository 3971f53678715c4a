package io.streamrl.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EmbeddedBrokerConfigTest {

    @Test
    void defaultsAreLoopbackFreePortTemporaryDirectory() {
        EmbeddedBrokerConfig config = EmbeddedBrokerConfig.defaults();

        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isZero();
        assertThat(config.dataDir()).isEmpty();
        assertThat(config.brokerProperties()).isEmpty();
        assertThat(config.startupTimeout()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void withersReturnChangedCopies() {
        EmbeddedBrokerConfig base = EmbeddedBrokerConfig.defaults();
        EmbeddedBrokerConfig changed = base.withPort(9092).withHost("localhost").withDataDir(Path.of("data"))
                .withBrokerProperty("log.retention.hours", "1").withStartupTimeout(Duration.ofSeconds(5));

        assertThat(changed).isEqualTo(new EmbeddedBrokerConfig("localhost", 9092, Optional.of(Path.of("data")),
                Map.of("log.retention.hours", "1"), Duration.ofSeconds(5)));
        assertThat(base).isEqualTo(EmbeddedBrokerConfig.defaults());
    }

    @Test
    void brokerPropertiesAreCopiedAndImmutable() {
        Map<String, String> source = new HashMap<>(Map.of("log.retention.hours", "1"));
        EmbeddedBrokerConfig config = new EmbeddedBrokerConfig("127.0.0.1", 0, Optional.empty(), source,
                Duration.ofSeconds(1));
        source.put("num.io.threads", "2");

        assertThat(config.brokerProperties()).containsOnlyKeys("log.retention.hours");
        assertThatThrownBy(() -> config.brokerProperties().put("x", "y"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 65536})
    void portOutsideRangeIsRejected(int port) {
        assertThatThrownBy(() -> EmbeddedBrokerConfig.defaults().withPort(port))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port must be in [0, 65535]")
                .hasMessageContaining(Integer.toString(port));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "::"})
    void wildcardHostIsRejected(String host) {
        assertThatThrownBy(() -> EmbeddedBrokerConfig.defaults().withHost(host))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host must be a concrete address");
    }

    @Test
    void blankHostIsRejected() {
        assertThatThrownBy(() -> EmbeddedBrokerConfig.defaults().withHost(" "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host must not be blank");
    }

    @ParameterizedTest
    @ValueSource(strings = {"listeners", "node.id", "log.dirs", "controller.quorum.voters", "process.roles"})
    void reservedBrokerPropertiesAreRejected(String key) {
        assertThatThrownBy(() -> EmbeddedBrokerConfig.defaults().withBrokerProperty(key, "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("may not set " + key);
    }

    @Test
    void nullPropertyValueIsRejected() {
        assertThatThrownBy(() -> EmbeddedBrokerConfig.defaults().withBrokerProperty("log.retention.hours", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("log.retention.hours");
    }

    @Test
    void nonPositiveStartupTimeoutIsRejected() {
        assertThatThrownBy(() -> EmbeddedBrokerConfig.defaults().withStartupTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("startupTimeout must be positive");
    }
}
