package io.streamrl.actor;

import io.streamrl.core.policy.PolicySnapshot;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.kafka.PolicyEnvelopes;
import io.streamrl.schemas.TopicSpec;
import io.streamrl.schemas.avro.PolicyEnvelope;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/** Publishing policies and reading topics back in integration tests (also of the serve package). */
public final class KafkaTestSupport {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private KafkaTestSupport() {
    }

    /** Publishes a sealed snapshot under its name and waits for the acknowledgement. */
    public static void publish(KafkaSettings settings, PolicySnapshot snapshot) {
        publish(settings, snapshot.name(), PolicyEnvelopes.seal(snapshot));
    }

    /** Publishes any envelope under {@code key} and waits for the acknowledgement. */
    public static void publish(KafkaSettings settings, String key, PolicyEnvelope envelope) {
        TopicSpec<String, PolicyEnvelope> topic = settings.topics().policy();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings.producer("test-policy-publisher"))) {
            producer.send(new ProducerRecord<>(topic.name(), key.getBytes(StandardCharsets.UTF_8),
                    topic.valueSerde().codec().encode(topic.name(), envelope))).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("could not publish policy " + key, e);
        }
    }

    /** Every record of the topic, decoded, in offset order per partition (partitions one after another). */
    public static <V extends SpecificRecord> List<ConsumerRecord<String, V>> readAll(KafkaSettings settings,
                                                                              TopicSpec<String, V> topic) {
        List<ConsumerRecord<String, V>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings.consumer("test-reader", null))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .sorted((a, b) -> Integer.compare(a.partition(), b.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<TopicPartition, List<ConsumerRecord<String, V>>> byPartition = new java.util.HashMap<>();
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic.name() + " to its end " + end);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    V value = topic.decodeValue(r.value());
                    String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
                    byPartition.computeIfAbsent(new TopicPartition(r.topic(), r.partition()), p -> new ArrayList<>())
                            .add(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), key, value));
                }
            }
            partitions.forEach(p -> out.addAll(byPartition.getOrDefault(p, List.of())));
        }
        return out;
    }

    public static <V extends SpecificRecord> List<V> values(List<ConsumerRecord<String, V>> records) {
        return records.stream().map(ConsumerRecord::value).toList();
    }
}
