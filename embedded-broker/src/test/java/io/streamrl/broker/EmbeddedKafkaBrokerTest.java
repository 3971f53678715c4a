package io.streamrl.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Data-path behaviour on one broker shared by the class (a start costs seconds). */
@Timeout(90)
class EmbeddedKafkaBrokerTest {

    private static EmbeddedKafkaBroker broker;
    private static Admin admin;

    @BeforeAll
    static void startBroker() {
        // The cleaner idles 15 s between checks by default; the compaction test needs it to look often.
        broker = new EmbeddedKafkaBroker(EmbeddedBrokerConfig.defaults()
                .withBrokerProperty("log.cleaner.backoff.ms", "200")).start();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    @AfterAll
    static void stopBroker() {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void listensOnLoopbackAtTheChosenPort() {
        assertThat(broker.port()).isBetween(1, 65535);
        assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + broker.port());
        assertThat(broker.clusterId()).isNotBlank();
    }

    @Test
    void everyRecordProducedWithAcksAllIsConsumedOnceInKeyOrder() throws Exception {
        String topic = "round-trip";
        int count = 2000;
        broker.createTopic(topic, 3, Map.of());
        List<ProducerRecord<String, String>> sent = IntStream.range(0, count)
                .mapToObj(i -> new ProducerRecord<>(topic, "actor-" + (i % 7), Integer.toString(i)))
                .toList();
        try (KafkaProducer<String, String> producer = TestClients.producer(broker.bootstrapServers())) {
            List<RecordMetadata> acks = TestClients.sendAll(producer, sent);
            assertThat(acks).hasSize(count).allSatisfy(ack -> assertThat(ack.hasOffset()).isTrue());
        }

        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                     TestClients.groupConsumer(broker.bootstrapServers(), "round-trip-group")) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                return received.size() >= count;
            });
        }

        assertThat(received).hasSize(count);
        assertThat(received).extracting(r -> Integer.parseInt(r.value()))
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, count).boxed().toList());
        Map<String, List<ConsumerRecord<String, String>>> byKey = received.stream()
                .collect(Collectors.groupingBy(ConsumerRecord::key));
        assertThat(byKey).hasSize(7);
        byKey.forEach((key, records) -> {
            assertThat(records).extracting(ConsumerRecord::partition).as("partition of %s", key).containsOnly(
                    records.get(0).partition());
            assertThat(records).extracting(r -> Integer.parseInt(r.value())).as("order of %s", key).isSorted();
        });
    }

    @Test
    void compactedTopicKeepsOnlyTheLastValuePerKey() throws Exception {
        String topic = "compacted";
        Map<String, String> topicConfig = Map.of(
                "cleanup.policy", "compact",
                "segment.ms", "100",
                "min.cleanable.dirty.ratio", "0.01",
                "min.compaction.lag.ms", "0");
        broker.createTopic(topic, 1, topicConfig);

        Config described = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic)))
                .all().get().values().iterator().next();
        topicConfig.forEach((key, value) -> assertThat(described.get(key).value()).as(key).isEqualTo(value));

        List<String> keys = List.of("policy-a", "policy-b", "policy-c");
        int versions = 20;
        List<ProducerRecord<String, String>> updates = new ArrayList<>();
        for (int version = 1; version <= versions; version++) {
            for (String key : keys) {
                updates.add(new ProducerRecord<>(topic, key, key + "-v" + version));
            }
        }
        try (KafkaProducer<String, String> producer = TestClients.producer(broker.bootstrapServers());
             KafkaConsumer<String, String> consumer = TestClients.consumer(broker.bootstrapServers())) {
            TestClients.sendAll(producer, updates);
            Map<String, List<String>> valuesByKey = new HashMap<>();
            // The cleaner never touches the active segment: each tick rolls the segment (older than
            // segment.ms) so the updates become cleanable, then the topic is read back in full.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> {
                TestClients.sendAll(producer, List.of(new ProducerRecord<>(topic, "tick", "tick")));
                valuesByKey.clear();
                TestClients.readToEnd(consumer, topic).stream()
                        .filter(r -> keys.contains(r.key()))
                        .forEach(r -> valuesByKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value()));
                return valuesByKey.values().stream().allMatch(values -> values.size() == 1);
            });
            assertThat(valuesByKey).containsOnlyKeys(keys);
            keys.forEach(key -> assertThat(valuesByKey.get(key)).containsExactly(key + "-v" + versions));
        }
    }

    @Test
    void aCreatedTopicIsServedAsSoonAsCreateTopicReturns() throws Exception {
        String topic = "served-at-once";
        broker.createTopic(topic, 4, Map.of());

        // No retry here: the broker's metadata must already know the topic and its leaders.
        TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        assertThat(description.partitions()).hasSize(4)
                .allSatisfy(p -> assertThat(p.leader().id()).isEqualTo(1));
    }

    @Test
    void creatingAnExistingTopicLeavesItUnchanged() throws Exception {
        String topic = "created-twice";
        broker.createTopic(topic, 2, Map.of("retention.ms", "3600000"));
        broker.createTopic(topic, 5, Map.of("retention.ms", "60000"));

        TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        assertThat(description.partitions()).hasSize(2);
        assertThat(description.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(1));
        Config config = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic)))
                .all().get().values().iterator().next();
        assertThat(config.get("retention.ms").value()).isEqualTo("3600000");
    }

    @Test
    void invalidTopicConfigFailsNamingTheTopicAndKey() {
        assertThatThrownBy(() -> broker.createTopic("bad-config", 1, Map.of("cleanup.policy", "shred")))
                .isInstanceOf(EmbeddedBrokerException.class)
                .hasMessageContaining("could not create topic bad-config")
                .hasMessageContaining("cleanup.policy");
    }

    @Test
    void topicsAreNotAutoCreated() throws Exception {
        // Consumers ask for auto-creation by default (allow.auto.create.topics=true); the broker must refuse.
        try (KafkaConsumer<String, String> consumer = TestClients.consumer(broker.bootstrapServers())) {
            assertThat(consumer.partitionsFor("never-created", Duration.ofSeconds(2))).isEmpty();
        }
        assertThat(admin.listTopics().names().get()).doesNotContain("never-created");
    }

    @Test
    void createTopicValidatesItsArguments() {
        assertThatThrownBy(() -> broker.createTopic(" ", 1, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("topic name");
        assertThatThrownBy(() -> broker.createTopic("zero-partitions", 0, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("partitions");
    }
}
