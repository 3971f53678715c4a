package io.streamrl.schemas;

import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka deserializer over a {@link RecordCodec}; a null value (tombstone) becomes null. Bad
 * bytes throw {@link RecordDecodingException}. Consumers that must dead-letter bad records
 * read values as {@code byte[]} and call {@link RecordCodec#decode(String, byte[])} instead,
 * so the bytes are still at hand when decoding fails.
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    private final RecordCodec<T> codec;

    public AvroDeserializer(RecordCodec<T> codec) {
        this.codec = Objects.requireNonNull(codec, "codec");
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        return data == null ? null : codec.decode(topic, data);
    }
}
