package io.streamrl.schemas;

import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka serializer over a {@link RecordCodec}; a null record becomes a null value (tombstone). */
public final class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    private final RecordCodec<T> codec;

    public AvroSerializer(RecordCodec<T> codec) {
        this.codec = Objects.requireNonNull(codec, "codec");
    }

    @Override
    public byte[] serialize(String topic, T data) {
        return data == null ? null : codec.encode(topic, data);
    }
}
