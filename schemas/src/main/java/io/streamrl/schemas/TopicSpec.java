package io.streamrl.schemas;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.serialization.Serde;

/**
 * One topic: its name, how its keys and values are (de)serialized, and how it must be created.
 *
 * @param name full topic name, e.g. {@code streamrl.transitions}
 * @param keySerde serde of the record key
 * @param valueSerde serde of the Avro record value; {@code valueSerde().codec()} decodes raw bytes
 * @param partitions partition count to create the topic with
 * @param configs topic-level configs to create the topic with (keys from Kafka's {@code TopicConfig})
 */
public record TopicSpec<K, V extends SpecificRecord>(
        String name, Serde<K> keySerde, AvroSerde<V> valueSerde, int partitions, Map<String, String> configs) {

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions of " + name + " is " + partitions + "; allowed: >= 1");
        }
        configs = Map.copyOf(configs);
    }

    /**
     * Decodes a raw value read from this topic (consumers that dead-letter read {@code byte[]}).
     *
     * @throws RecordDecodingException when the bytes are not one complete record
     */
    public V decodeValue(byte[] bytes) {
        return valueSerde.codec().decode(name, bytes);
    }

    /** Admin request that creates this topic; replication factor is the broker's default. */
    public NewTopic newTopic() {
        return new NewTopic(name, Optional.of(partitions), Optional.empty()).configs(configs);
    }
}
