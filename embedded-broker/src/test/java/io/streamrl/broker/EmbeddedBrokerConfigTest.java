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

    @Test
    void saslUsersAreCheckedAndTheirPasswordsNeverShown() {
        EmbeddedBrokerConfig config = EmbeddedBrokerConfig.defaults()
                .withSaslPlainUsers(Map.of("alice", "alice-secret-1", "bob", "bob-secret-2"));

        assertThat(config.sasl()).isTrue();
        assertThat(EmbeddedBrokerConfig.defaults().sasl()).isFalse();
        assertThat(config.saslPlainUsers()).containsEntry("alice", "alice-secret-1");
        assertThat(config.toString()).contains("alice", "bob").doesNotContain("alice-secret-1", "bob-secret-2");
        assertThat(config.withPort(9092).saslPlainUsers()).isEqualTo(config.saslPlainUsers());
    }

    @Test
    void saslUsersThatAJaasLineCannotHoldAreRefusedWithoutEchoingThePassword() {
        assertThatThrownBy(() -> EmbeddedBrokerConfig.defaults().withSaslPlainUsers(Map.of("al ice", "pw")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'al ice'");
        assertThatThrownBy(() -> EmbeddedBrokerConfig.defaults().withSaslPlainUsers(Map.of("alice", "")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("alice has an empty password");
        assertThatThrownBy(() -> EmbeddedBrokerConfig.defaults().withSaslPlainUsers(Map.of("alice", "a\"quote")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("password of SASL user alice")
                .hasMessageNotContaining("a\"quote");
        assertThatThrownBy(() -> EmbeddedBrokerConfig.defaults()
                .withSaslPlainUsers(Map.of(EmbeddedBrokerConfig.BROKER_USER, "pw")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the broker's own");
    }

    @Test
    void listenerSecurityIsTheBrokersOwn() {
        assertThatThrownBy(() -> EmbeddedBrokerConfig.defaults()
                .withBrokerProperty("listener.name.plaintext.plain.sasl.jaas.config", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("may not set listener.name.plaintext.plain.sasl.jaas.config");
        assertThatThrownBy(() -> EmbeddedBrokerConfig.defaults().withBrokerProperty("sasl.enabled.mechanisms", "PLAIN"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("saslPlainUsers");
    }
}
