package io.streamrl.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrl.broker.EmbeddedBrokerConfig;
import io.streamrl.broker.EmbeddedKafkaBroker;
import io.streamrl.schemas.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up against a cluster that requires SASL: what each kind of client setting leads to. */
class TopicBootstrapSaslTest {

    private static final String PASSWORD = "bootstrap-pw-8c21";

    private static EmbeddedKafkaBroker broker;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() {
        broker = new EmbeddedKafkaBroker(EmbeddedBrokerConfig.defaults()
                .withSaslPlainUsers(Map.of("streamrl", PASSWORD))).start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void theRightCredentialsCreateTheTopics() throws Exception {
        KafkaSettings settings = settings(config("streamrl", PASSWORD), "sasl-ok");
        TopicBootstrap.ensureTopics(settings, settings.topics().all(), Clock.systemUTC());
        try (Admin admin = Admin.create(settings.admin("check"))) {
            assertThat(admin.listTopics().names().get()).contains("sasl-ok.policy", "sasl-ok.transitions");
        }
    }

    @Test
    void aWrongPasswordEndsStartUpAtOnceNamingTheFileNotThePassword() throws Exception {
        KafkaClientConfig config = config("streamrl", "wrong-" + PASSWORD);
        KafkaSettings settings = settings(config, "sasl-wrong");
        long start = System.nanoTime();
        assertThatThrownBy(() -> TopicBootstrap.ensureTopics(settings, settings.topics().all(), Clock.systemUTC()))
                .isInstanceOf(KafkaAccessException.class)
                .hasMessageContaining("Kafka at " + broker.bootstrapServers() + " refused to authenticate this client")
                .hasMessageContaining("check the user, password and TLS settings in --kafka-config "
                        + config.source().orElseThrow())
                .hasMessageContaining("(Authentication failed: Invalid username or password)")
                .hasMessageNotContaining(PASSWORD)
                .hasMessageNotContaining("Exception");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("no retrying until the connect timeout")
                .isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void withoutCredentialsTheBrokerLooksUnreachableAndTheMessageSaysWhatToPass() {
        KafkaSettings settings = new KafkaSettings(broker.bootstrapServers(), Topics.of("sasl-none"),
                Duration.ofSeconds(2));
        assertThatThrownBy(() -> TopicBootstrap.awaitCluster(settings, Clock.systemUTC()))
                .isInstanceOf(BrokerUnavailableException.class)
                .hasMessageContaining("a cluster that requires SASL or TLS also needs --kafka-config FILE");
    }

    @Test
    void aSettingTheClientOnlyChecksWhenItStartsIsBadInputNamingTheFile() throws IOException {
        Path file = dir.resolve("unknown-module.properties");
        Files.writeString(file, """
                security.protocol=SASL_PLAINTEXT
                sasl.mechanism=PLAIN
                sasl.jaas.config=org.example.NoSuchLoginModule required username="u" password="%s";
                """.formatted(PASSWORD));
        KafkaSettings settings = settings(KafkaClientConfig.load(file), "sasl-module");
        assertThatThrownBy(() -> TopicBootstrap.awaitCluster(settings, Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cannot make a Kafka client with the settings of --kafka-config " + file + ": ")
                .hasMessageContaining("org.example.NoSuchLoginModule")
                .hasMessageNotContaining(PASSWORD);
    }

    private KafkaSettings settings(KafkaClientConfig config, String namespace) {
        return new KafkaSettings(broker.bootstrapServers(), Topics.of(namespace), Duration.ofSeconds(20), config);
    }

    private KafkaClientConfig config(String user, String password) throws IOException {
        Path file = dir.resolve(user + "-" + password.hashCode() + ".properties");
        Files.writeString(file, EmbeddedKafkaBroker.saslPlainClientProperties(user, password).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n")));
        return KafkaClientConfig.load(file);
    }
}
