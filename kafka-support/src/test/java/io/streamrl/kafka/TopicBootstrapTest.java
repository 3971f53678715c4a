package io.streamrl.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrl.broker.testing.EmbeddedKafkaExtension;
import io.streamrl.broker.testing.SharedKafka;
import io.streamrl.schemas.Topics;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EmbeddedKafkaExtension.class)
class TopicBootstrapTest {

    @Test
    void createsEveryTopicIdempotentlyWithACompactedPolicyTopic(SharedKafka broker) throws Exception {
        String ns = broker.freshNamespace("bootstrap-test");
        KafkaSettings settings = KafkaSettings.of(broker.bootstrapServers(), ns);
        TopicBootstrap.ensureTopics(settings, settings.topics().all(), Clock.systemUTC());
        TopicBootstrap.ensureTopics(settings, settings.topics().all(), Clock.systemUTC());
        try (Admin admin = Admin.create(settings.admin("test"))) {
            Set<String> names = admin.listTopics().names().get();
            assertThat(names).contains(ns + ".transitions", ns + ".policy", ns + ".episodes", ns + ".dead-letter");
            ConfigResource policy = new ConfigResource(ConfigResource.Type.TOPIC, ns + ".policy");
            Config config = admin.describeConfigs(List.of(policy)).all().get().get(policy);
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(admin.describeTopics(List.of(ns + ".transitions")).allTopicNames().get()
                    .get(ns + ".transitions").partitions()).hasSize(Topics.DEFAULT_TRANSITION_PARTITIONS);
        }
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
}
