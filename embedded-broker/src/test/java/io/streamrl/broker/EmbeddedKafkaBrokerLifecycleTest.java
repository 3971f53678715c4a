package io.streamrl.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Start, stop, restart and start failures; each test that needs a running broker starts its own. */
@Timeout(90)
class EmbeddedKafkaBrokerLifecycleTest {

    @Test
    void closeStopsTheBrokerAndDeletesItsTemporaryDirectory() {
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(EmbeddedBrokerConfig.defaults()).start();
        Path logDir = broker.logDir();
        assertThat(logDir.resolve("meta.properties")).isRegularFile();
        assertThatThrownBy(broker::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("already started");

        broker.close();

        assertThat(logDir).doesNotExist();
        assertThatCode(broker::close).doesNotThrowAnyException();
        assertThatThrownBy(broker::bootstrapServers).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(broker::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void restartOnAnExplicitDataDirAndTheSamePortKeepsTopicsRecordsAndClusterId(@TempDir Path tmp) throws Exception {
        Path dataDir = tmp.resolve("broker-data");
        EmbeddedBrokerConfig config = EmbeddedBrokerConfig.defaults().withDataDir(dataDir);
        String topic = "kept";
        int count = 100;
        List<ProducerRecord<String, String>> records = IntStream.range(0, count)
                .mapToObj(i -> new ProducerRecord<>(topic, "k" + (i % 5), "v" + i))
                .toList();

        String firstClusterId;
        String firstAddress;
        EmbeddedBrokerConfig samePort;
        try (EmbeddedKafkaBroker first = new EmbeddedKafkaBroker(config).start()) {
            firstClusterId = first.clusterId();
            firstAddress = first.bootstrapServers();
            // Clients keep the address they were given: a restart must be reachable there again.
            samePort = config.withPort(first.port());
            first.createTopic(topic, 2, Map.of());
            try (KafkaProducer<String, String> producer = TestClients.producer(first.bootstrapServers())) {
                TestClients.sendAll(producer, records);
            }
        }
        assertThat(dataDir.resolve("meta.properties")).isRegularFile();

        try (EmbeddedKafkaBroker second = new EmbeddedKafkaBroker(samePort).start();
             KafkaConsumer<String, String> consumer = TestClients.consumer(firstAddress)) {
            assertThat(second.bootstrapServers()).isEqualTo(firstAddress);
            assertThat(second.clusterId()).isEqualTo(firstClusterId);
            assertThat(second.logDir()).isEqualTo(dataDir.toAbsolutePath());
            second.createTopic(topic, 2, Map.of());
            List<ConsumerRecord<String, String>> read = TestClients.readToEnd(consumer, topic);
            assertThat(read).extracting(ConsumerRecord::value)
                    .containsExactlyInAnyOrderElementsOf(records.stream().map(ProducerRecord::value).toList());
        }
        assertThat(dataDir.resolve("meta.properties")).isRegularFile();
    }

    @Test
    void aTakenPortFailsNamingThePortAndTheFix() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int port = taken.getLocalPort();
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(EmbeddedBrokerConfig.defaults().withPort(port));

            assertThatThrownBy(broker::start)
                    .isInstanceOf(EmbeddedBrokerException.class)
                    .hasMessageContaining("port " + port + " on 127.0.0.1 is already in use")
                    .hasMessageContaining("choose another port");
            assertThatCode(broker::close).doesNotThrowAnyException();
        }
    }

    @Test
    void aDataDirThatCannotBeCreatedFailsNamingTheDirectory(@TempDir Path tmp) throws Exception {
        Path regularFile = Files.writeString(tmp.resolve("not-a-dir"), "x");
        Path dataDir = regularFile.resolve("data");
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(EmbeddedBrokerConfig.defaults().withDataDir(dataDir));

        assertThatThrownBy(broker::start)
                .isInstanceOf(EmbeddedBrokerException.class)
                .hasMessageContaining("cannot create broker data directory " + dataDir.toAbsolutePath())
                .hasMessageContaining("pass a data directory you can write to");
    }

    @Test
    void aNonEmptyDirectoryWithoutKafkaDataIsRefused(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("notes.txt"), "someone else's files");
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(EmbeddedBrokerConfig.defaults().withDataDir(tmp));

        assertThatThrownBy(broker::start)
                .isInstanceOf(EmbeddedBrokerException.class)
                .hasMessageContaining(tmp.toAbsolutePath() + " is not empty but holds no Kafka data");
        assertThat(tmp.resolve("notes.txt")).hasContent("someone else's files");
        assertThat(tmp.resolve("meta.properties")).doesNotExist();
    }

    @Test
    void anInvalidBrokerPropertyFailsBeforeAnythingStarts(@TempDir Path tmp) {
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(EmbeddedBrokerConfig.defaults()
                .withDataDir(tmp.resolve("data"))
                .withBrokerProperty("num.io.threads", "many"));

        assertThatThrownBy(broker::start)
                .isInstanceOf(EmbeddedBrokerException.class)
                .hasMessageContaining("invalid broker configuration")
                .hasMessageContaining("num.io.threads");
        assertThat(tmp.resolve("data").resolve("meta.properties")).doesNotExist();
    }

    @Test
    void accessorsRequireARunningBroker() {
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(EmbeddedBrokerConfig.defaults());

        assertThatThrownBy(broker::bootstrapServers).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not started");
        assertThatThrownBy(() -> broker.createTopic("t", 1, Map.of())).isInstanceOf(IllegalStateException.class);
        assertThatCode(broker::close).doesNotThrowAnyException();
    }
}
