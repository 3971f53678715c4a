package io.streamrl.producer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads every partition of a topic from given start offsets up to its end offsets as they were
 * when the scan began: a snapshot of what the topic held, however fast others write to it.
 * Used by export and by replay's {@code --resume}.
 */
final class TopicScan {

    private static final Duration POLL = Duration.ofMillis(500);

    private TopicScan() {
    }

    /** The topic's partitions, or an error naming the topic when it does not exist. */
    static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic, Duration timeout) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalArgumentException("topic " + topic + " does not exist; check --topic and --namespace");
        }
        List<TopicPartition> out = new ArrayList<>();
        for (PartitionInfo p : infos) {
            out.add(new TopicPartition(topic, p.partition()));
        }
        return out;
    }

    /**
     * Hands every record from {@code start} (per partition) to before {@code end} to
     * {@code sink}, in offset order per partition.
     *
     * @param stop checked between polls; true ends the scan early
     * @return records handed over
     */
    static long scan(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> start,
                     Map<TopicPartition, Long> end, Consumer<ConsumerRecord<byte[], byte[]>> sink,
                     BooleanSupplier stop) {
        List<TopicPartition> open = new ArrayList<>();
        for (TopicPartition p : start.keySet()) {
            if (start.get(p) < end.get(p)) {
                open.add(p);
            }
        }
        consumer.assign(open);
        open.forEach(p -> consumer.seek(p, start.get(p)));
        long handed = 0;
        while (!open.isEmpty() && !stop.getAsBoolean()) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                TopicPartition p = new TopicPartition(r.topic(), r.partition());
                if (r.offset() < end.get(p)) {
                    sink.accept(r);
                    handed++;
                }
            }
            // Positions, not offsets seen: transaction markers and aborted records take offsets too.
            open.removeIf(p -> consumer.position(p) >= end.get(p));
            consumer.pause(consumer.assignment().stream().filter(p -> !open.contains(p)).toList());
        }
        return handed;
    }
}
