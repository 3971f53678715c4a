package io.streamrl.learner;

import io.streamrl.schemas.TopicSpec;
import io.streamrl.schemas.avro.PolicyEnvelope;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the newest version of a policy already on the policy topic, so that a (re)started
 * learner publishes above it: actors ignore any version not above the one they hold.
 */
final class PolicyVersions {

    private static final Logger log = LoggerFactory.getLogger(PolicyVersions.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);

    private PolicyVersions() {
    }

    /**
     * Reads the whole topic with {@code consumer} (which it assigns, and the caller closes).
     *
     * @return the highest version published under {@code name}; empty when there is none
     * @throws IllegalStateException when the topic cannot be read to its end within {@code timeout}
     */
    static OptionalLong highest(Consumer<byte[], byte[]> consumer, TopicSpec<String, PolicyEnvelope> topic,
                                String name, Duration timeout, Clock clock) {
        long deadline = clock.millis() + timeout.toMillis();
        List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), timeout).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        byte[] key = topic.keySerde().serializer().serialize(topic.name(), name);
        long highest = -1;
        boolean found = false;
        while (partitions.stream().anyMatch(p -> consumer.position(p, timeout) < end.get(p))) {
            if (clock.millis() > deadline) {
                throw new IllegalStateException("could not read policy topic " + topic.name() + " to its end within "
                        + timeout.toSeconds() + " s, so the newest published version of " + name + " is unknown;"
                        + " check the broker's health and start the learner again");
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL_TIMEOUT)) {
                // Compaction keeps one snapshot per key; other policies' keys and tombstones are skipped.
                if (record.value() == null || !Arrays.equals(key, record.key())) {
                    continue;
                }
                try {
                    PolicyEnvelope envelope = topic.decodeValue(record.value());
                    if (name.equals(envelope.getName())) {
                        highest = Math.max(highest, envelope.getVersion());
                        found = true;
                    }
                } catch (SerializationException e) {
                    log.warn("skipping unreadable record {}-{}@{} while looking for the newest version of {}: {}",
                            record.topic(), record.partition(), record.offset(), name, e.getMessage());
                }
            }
        }
        return found ? OptionalLong.of(highest) : OptionalLong.empty();
    }
}
