package io.streamrl.schemas;

import io.streamrl.schemas.avro.Control;
import io.streamrl.schemas.avro.DeadLetter;
import io.streamrl.schemas.avro.Decision;
import io.streamrl.schemas.avro.EpisodeSummary;
import io.streamrl.schemas.avro.PolicyEnvelope;
import io.streamrl.schemas.avro.Reward;
import io.streamrl.schemas.avro.RolloutSegment;
import io.streamrl.schemas.avro.Transition;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/** Kafka (and Kafka Streams) serde for one generated record type. */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final RecordCodec<T> codec;

    public AvroSerde(RecordCodec<T> codec) {
        this.codec = Objects.requireNonNull(codec, "codec");
    }

    public static AvroSerde<Transition> transition() {
        return new AvroSerde<>(RecordCodec.transition());
    }

    public static AvroSerde<PolicyEnvelope> policyEnvelope() {
        return new AvroSerde<>(RecordCodec.policyEnvelope());
    }

    public static AvroSerde<EpisodeSummary> episodeSummary() {
        return new AvroSerde<>(RecordCodec.episodeSummary());
    }

    public static AvroSerde<DeadLetter> deadLetter() {
        return new AvroSerde<>(RecordCodec.deadLetter());
    }

    public static AvroSerde<Decision> decision() {
        return new AvroSerde<>(RecordCodec.decision());
    }

    public static AvroSerde<Reward> reward() {
        return new AvroSerde<>(RecordCodec.reward());
    }

    public static AvroSerde<Control> control() {
        return new AvroSerde<>(RecordCodec.control());
    }

    public static AvroSerde<RolloutSegment> rolloutSegment() {
        return new AvroSerde<>(RecordCodec.rolloutSegment());
    }

    public RecordCodec<T> codec() {
        return codec;
    }

    @Override
    public AvroSerializer<T> serializer() {
        return new AvroSerializer<>(codec);
    }

    @Override
    public AvroDeserializer<T> deserializer() {
        return new AvroDeserializer<>(codec);
    }
}
