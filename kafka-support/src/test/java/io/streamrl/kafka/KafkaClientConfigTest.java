package io.streamrl.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.streamrl.schemas.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class KafkaClientConfigTest {

    private static final String JAAS_SECRET = "jaas-pw-41d7";
    private static final String TRUSTSTORE_SECRET = "truststore-pw-9e02";
    private static final String SASL_SSL = """
            # what a SASL_SSL cluster needs
            security.protocol=SASL_SSL
            sasl.mechanism=SCRAM-SHA-512
            sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\
                username="streamrl" password="%s";
            ssl.truststore.location=/etc/streamrl/truststore.p12
            ssl.truststore.password=%s
            request.timeout.ms=30000
            """.formatted(JAAS_SECRET, TRUSTSTORE_SECRET);

    @TempDir
    Path dir;

    @Test
    void readsAPropertiesFileAsKafkaToolsDo() throws IOException {
        KafkaClientConfig config = KafkaClientConfig.load(write("client.properties", SASL_SSL));

        assertThat(config.source()).contains(dir.resolve("client.properties"));
        assertThat(config.properties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"streamrl\" password=\"" + JAAS_SECRET + "\";")
                .containsEntry("ssl.truststore.password", TRUSTSTORE_SECRET)
                .hasSize(6);
    }

    @Test
    void toStringAndDescribeShowOnlyValuesThatAreNotSecret() throws IOException {
        KafkaClientConfig config = KafkaClientConfig.load(write("client.properties", SASL_SSL
                + "my.plugin.setting=plugin-value-5521\n"
                + "sasl.oauthbearer.client.credentials.client.secret=oauth-3391\n"));
        KafkaSettings settings = new KafkaSettings("127.0.0.1:9092", Topics.of("ns"), Duration.ofSeconds(5), config);

        for (String shown : new String[] {config.toString(), config.describe(), settings.toString()}) {
            assertThat(shown)
                    .contains("security.protocol=SASL_SSL", "sasl.mechanism=SCRAM-SHA-512",
                            "ssl.truststore.location=/etc/streamrl/truststore.p12", "request.timeout.ms=30000",
                            "sasl.jaas.config=[hidden]", "ssl.truststore.password=[hidden]",
                            // Unknown keys may be a plugin's secrets.
                            "my.plugin.setting=[hidden]",
                            "sasl.oauthbearer.client.credentials.client.secret=[hidden]")
                    .doesNotContain(JAAS_SECRET, TRUSTSTORE_SECRET, "plugin-value-5521", "oauth-3391");
        }
        assertThat(KafkaClientConfig.none().describe()).isEqualTo("none");
    }

    @Test
    void keysStreamrlOwnsAreRefusedNamingTheKeyAndTheFile() throws IOException {
        for (String owned : new String[] {"bootstrap.servers=b:9092", "acks=1", "enable.idempotence=false",
                "transactional.id=x", "isolation.level=read_uncommitted", "enable.auto.commit=true",
                "group.id=g", "auto.offset.reset=latest", "key.serializer=x", "value.deserializer=x",
                "client.id=c", "allow.auto.create.topics=true", "max.request.size=1000",
                "partitioner.class=x", "application.id=a", "processing.guarantee=at_least_once",
                // Kafka Streams passes prefixed keys to one of its clients.
                "producer.acks=1", "main.consumer.isolation.level=read_uncommitted"}) {
            String key = owned.substring(0, owned.indexOf('='));
            Path file = write("owned.properties", "security.protocol=SASL_SSL\n" + owned + "\n");
            assertThatThrownBy(() -> KafkaClientConfig.load(file)).as(owned)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("kafka-config " + file + " sets " + key + ", which streamrl sets itself (")
                    .hasMessageEndingWith("); remove it from the file");
        }
    }

    @Test
    void aMissingOrUnreadableFileIsOneLineNamingThePath() throws IOException {
        Path missing = dir.resolve("nope.properties");
        assertThatThrownBy(() -> KafkaClientConfig.load(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("kafka-config " + missing + ": no such file");
        assertThatThrownBy(() -> KafkaClientConfig.load(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("kafka-config " + dir + ": a directory, not a file");
        Path locked = write("locked.properties", SASL_SSL);
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("-w-------"));
        if (!Files.isReadable(locked)) { // root reads anything
            assertThatThrownBy(() -> KafkaClientConfig.load(locked))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("kafka-config " + locked + ": not readable (permission denied)");
        }
    }

    @Test
    void aValueTheClientWouldRefuseIsRefusedHereWithoutRepeatingASecret() throws IOException {
        Path badProtocol = write("bad.properties", "security.protocol=SASL_SSLX\n");
        assertThatThrownBy(() -> KafkaClientConfig.load(badProtocol))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("kafka-config " + badProtocol + ": security.protocol has an invalid value"
                        + " 'SASL_SSLX' (");
        Path badNumber = write("bad.properties", "request.timeout.ms=soon\n");
        assertThatThrownBy(() -> KafkaClientConfig.load(badNumber))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("request.timeout.ms has an invalid value 'soon'");
        Path noKey = write("bad.properties", "=value\n");
        assertThatThrownBy(() -> KafkaClientConfig.load(noKey))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has an entry without a key");
    }

    @Test
    void theFilesPropertiesReachEveryClientAndReplaceStreamrlsDefaultsButNotWhatItOwns() throws IOException {
        KafkaSettings settings = new KafkaSettings("127.0.0.1:9092", Topics.of("ns"), Duration.ofSeconds(5),
                KafkaClientConfig.load(write("client.properties", SASL_SSL + "linger.ms=20\n")));
        for (Properties p : new Properties[] {settings.producer("p"), settings.policyProducer("pp"),
                settings.learnerPolicyProducer("lp", "pol"), settings.consumer("c", null), settings.admin("a")}) {
            assertThat(p)
                    .containsEntry("security.protocol", "SASL_SSL")
                    .containsEntry("sasl.jaas.config", settings.clientConfig().properties().get("sasl.jaas.config"))
                    .containsEntry("request.timeout.ms", "30000")
                    .containsEntry("bootstrap.servers", "127.0.0.1:9092");
        }
        assertThat(settings.producer("p"))
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, "20")
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        assertThat(settings.consumer("c", null)).containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        assertThat(settings.learnerPolicyProducer("lp", "pol"))
                .containsEntry(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "ns.learner.pol");
        assertThat(KafkaSettings.of("127.0.0.1:9092", "ns").producer("p")).doesNotContainKey("security.protocol");
    }

    @Test
    void theConstructorCopiesAndValidatesLikeLoad() {
        Map<String, String> source = new java.util.HashMap<>(Map.of("security.protocol", "SASL_PLAINTEXT"));
        KafkaClientConfig config = new KafkaClientConfig(Optional.empty(), source);
        source.put("acks", "0");
        assertThat(config.properties()).containsOnlyKeys("security.protocol");
        assertThatThrownBy(() -> new KafkaClientConfig(Optional.empty(), Map.of("acks", "0")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("kafka-config sets acks");
    }

    /**
     * Kafka's own configuration dump at client start is where a secret would most easily leak:
     * the clients show password-typed values as [hidden]. Checked here so that a Kafka upgrade
     * that changed it would fail a test.
     */
    @Test
    void kafkaClientsLogPasswordTypedValuesAsHidden() throws IOException {
        KafkaClientConfig config = KafkaClientConfig.load(write("client.properties", """
                security.protocol=SASL_PLAINTEXT
                sasl.mechanism=PLAIN
                sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \\
                    username="streamrl" password="%s";
                ssl.truststore.password=%s
                ssl.keystore.password=%s
                ssl.key.password=%s
                """.formatted(JAAS_SECRET, TRUSTSTORE_SECRET, TRUSTSTORE_SECRET, TRUSTSTORE_SECRET)));
        KafkaSettings settings = new KafkaSettings("127.0.0.1:9", Topics.of("ns"), Duration.ofSeconds(5), config);
        // AbstractConfig logs every client's configuration dump, with its own logger.
        Logger logger = (Logger) LoggerFactory.getLogger(AbstractConfig.class);
        Level saved = logger.getLevel();
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        logger.setLevel(Level.INFO);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings.producer("masking-test"))) {
            assertThat(producer).isNotNull();
        } finally {
            logger.detachAppender(events);
            logger.setLevel(saved);
        }
        String dump = events.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains("ProducerConfig values")).findFirst().orElseThrow();
        assertThat(dump).contains("sasl.jaas.config = [hidden]", "ssl.truststore.password = [hidden]",
                        "ssl.keystore.password = [hidden]", "ssl.key.password = [hidden]")
                .doesNotContain(JAAS_SECRET, TRUSTSTORE_SECRET);
    }

    @Test
    void onlyKnownNonPasswordKeysAreShown() {
        assertThat(KafkaClientConfig.isSecret("security.protocol")).isFalse();
        assertThat(KafkaClientConfig.isSecret("ssl.truststore.location")).isFalse();
        for (String secret : Set.of("sasl.jaas.config", "ssl.keystore.key", "ssl.key.password",
                "sasl.oauthbearer.assertion.private.key.passphrase", "basic.auth.user.info", "unknown.key")) {
            assertThat(KafkaClientConfig.isSecret(secret)).as(secret).isTrue();
        }
    }

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.ISO_8859_1);
        return file;
    }
}
