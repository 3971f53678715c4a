package io.streamrl.producer;

import io.streamrl.core.policy.InvalidSnapshotException;
import io.streamrl.core.policy.PolicySnapshot;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.kafka.PolicyEnvelopes;
import io.streamrl.kafka.TopicBootstrap;
import io.streamrl.schemas.RecordDecodingException;
import io.streamrl.schemas.TopicSpec;
import io.streamrl.schemas.avro.PolicyEnvelope;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Finds one version of a policy on the namespace's policy topic. The topic is compacted: Kafka
 * keeps each policy's newest record and removes older ones as segments roll (every minute), so
 * a version that was published may be gone; the lookup then says which versions are left.
 */
public final class PolicyLookup {

    private PolicyLookup() {
    }

    /**
     * Version {@code version} of policy {@code name}, its checksum and shapes verified.
     *
     * @throws IllegalArgumentException when the topic holds no such version (naming the versions it
     *     holds) or the record found is not a valid policy
     * @throws io.streamrl.kafka.BrokerUnavailableException when Kafka does not answer within the connect timeout
     */
    public static PolicySnapshot find(KafkaSettings kafka, String name, long version, BooleanSupplier stop) {
        TopicBootstrap.awaitCluster(kafka, Clock.systemUTC());
        TopicSpec<String, PolicyEnvelope> topic = kafka.topics().policy();
        TreeSet<Long> present = new TreeSet<>();
        PolicyEnvelope[] found = {null};
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumer("streamrl-evaluate-policy",
                null))) {
            List<TopicPartition> partitions = TopicScan.partitions(consumer, topic.name(), kafka.connectTimeout());
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, kafka.connectTimeout());
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, kafka.connectTimeout());
            TopicScan.scan(consumer, begin, end, r -> {
                if (r.value() == null) {
                    return;
                }
                PolicyEnvelope envelope;
                try {
                    envelope = topic.decodeValue(r.value());
                } catch (RecordDecodingException e) {
                    return;
                }
                if (name.equals(envelope.getName())) {
                    present.add(envelope.getVersion());
                    if (envelope.getVersion() == version) {
                        found[0] = envelope;
                    }
                }
            }, stop);
        }
        if (found[0] == null) {
            throw new IllegalArgumentException("policy " + name + " version " + version + " is not on " + topic.name()
                    + " (" + (present.isEmpty() ? "it holds no version of " + name
                    : "it holds " + describe(present)) + "); the topic is compacted, so older versions are removed"
                    + " once newer ones are published: evaluate a version it holds, or a policy file");
        }
        try {
            return PolicyEnvelopes.open(found[0]);
        } catch (InvalidSnapshotException e) {
            throw new IllegalArgumentException("policy " + name + " version " + version + " on " + topic.name()
                    + " is not a valid policy: " + e.getMessage(), e);
        }
    }

    private static String describe(TreeSet<Long> versions) {
        if (versions.size() <= 10) {
            return "version" + (versions.size() == 1 ? " " : "s ") + versions;
        }
        return versions.size() + " versions from " + versions.first() + " to " + versions.last();
    }
}
