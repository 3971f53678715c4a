package io.streamrl.app;

import io.streamrl.kafka.KafkaSettings;
import io.streamrl.schemas.TopicSpec;
import io.streamrl.schemas.avro.Transition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/** Reads a whole transitions topic back, in order within each partition (one actor per key). */
final class TopicReader {

    private TopicReader() {
    }

    /** Every transition on the topic; waits until {@code atLeast} arrived or {@code timeout} passed. */
    static List<Transition> transitions(KafkaSettings settings, int atLeast, Duration timeout) {
        TopicSpec<String, Transition> spec = settings.topics().transitions();
        List<Transition> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings.consumer("it-reader", null))) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(spec.name())) {
                partitions.add(new TopicPartition(p.topic(), p.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < atLeast && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(spec.decodeValue(r.value()));
                }
            }
            // Anything beyond the expected count that is already there.
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                out.add(spec.decodeValue(r.value()));
            }
        }
        return out;
    }
}
