package io.streamrl.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.streamrl.broker.testing.EmbeddedKafkaExtension;
import io.streamrl.broker.testing.SharedKafka;
import io.streamrl.schemas.Topics;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

@ExtendWith(EmbeddedKafkaExtension.class)
class TopicBootstrapTest {

    @Test
    void createsEveryTopicIdempotentlyWithCompactedPolicyAndControlTopics(SharedKafka broker) throws Exception {
        String ns = broker.freshNamespace("bootstrap-test");
        KafkaSettings settings = KafkaSettings.of(broker.bootstrapServers(), ns);
        TopicBootstrap.ensureTopics(settings, settings.topics().all(), Clock.systemUTC());
        TopicBootstrap.ensureTopics(settings, settings.topics().all(), Clock.systemUTC());
        try (Admin admin = Admin.create(settings.admin("test"))) {
            Set<String> names = admin.listTopics().names().get();
            assertThat(names).contains(ns + ".transitions", ns + ".policy", ns + ".episodes", ns + ".dead-letter",
                    ns + ".decisions", ns + ".rewards", ns + ".control");
            assertThat(cleanupPolicy(admin, ns + ".policy")).isEqualTo("compact");
            assertThat(cleanupPolicy(admin, ns + ".control")).isEqualTo("compact");
            assertThat(cleanupPolicy(admin, ns + ".decisions")).isEqualTo("delete");
            assertThat(cleanupPolicy(admin, ns + ".rewards")).isEqualTo("delete");
            assertThat(partitions(admin, ns + ".transitions")).isEqualTo(Topics.DEFAULT_TRANSITION_PARTITIONS);
            assertThat(partitions(admin, ns + ".control")).isEqualTo(1);
            // Co-partitioned for the reward join.
            assertThat(partitions(admin, ns + ".decisions")).isEqualTo(Topics.DEFAULT_DECISION_PARTITIONS);
            assertThat(partitions(admin, ns + ".rewards")).isEqualTo(Topics.DEFAULT_DECISION_PARTITIONS);
        }
    }

    @Test
    void anExistingControlTopicThatIsNotCompactedIsReported(SharedKafka broker) {
        String ns = broker.freshNamespace("bootstrap-uncompacted");
        KafkaSettings settings = KafkaSettings.of(broker.bootstrapServers(), ns);
        broker.createTopic(ns + ".control", 1, Map.of("cleanup.policy", "delete"));
        Logger logger = (Logger) LoggerFactory.getLogger(TopicBootstrap.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        try {
            TopicBootstrap.ensureTopics(settings, settings.topics().all(), Clock.systemUTC());
        } finally {
            logger.detachAppender(events);
        }

        assertThat(events.list).filteredOn(e -> e.getLevel() == Level.WARN)
                .extracting(ILoggingEvent::getFormattedMessage)
                .singleElement().asString()
                .contains("topic " + ns + ".control has cleanup.policy=delete, not compact");
    }

    @Test
    void anUnreachableBrokerGivesAClearMessageAfterRetrying() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        KafkaSettings settings = new KafkaSettings("127.0.0.1:" + closedPort, Topics.defaults(), Duration.ofSeconds(3));
        assertThatThrownBy(() -> TopicBootstrap.awaitCluster(settings, Clock.systemUTC()))
                .isInstanceOf(BrokerUnavailableException.class)
                .hasMessageContaining("cannot reach Kafka at 127.0.0.1:" + closedPort)
                .hasMessageContaining("bin/streamrl broker");
    }

    @Test
    void bootstrapServersMustBeHostAndPort() {
        assertThatThrownBy(() -> KafkaSettings.of("localhost", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bootstrap-server must be host:port");
    }

    private static String cleanupPolicy(Admin admin, String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        return config.get("cleanup.policy").value();
    }

    private static int partitions(Admin admin, String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
    }
}
