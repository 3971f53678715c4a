package io.streamrl.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrl.schemas.avro.DeadLetter;
import io.streamrl.schemas.avro.EpisodeSummary;
import io.streamrl.schemas.avro.PolicyEnvelope;
import io.streamrl.schemas.avro.Transition;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.apache.avro.SchemaNormalization;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class RecordCodecRoundTripTest {

    private static final String TOPIC = "streamrl.test";

    @Test
    void transitionSurvivesTheSerde() {
        Transition sent = SampleRecords.transition();
        Transition received = roundTrip(AvroSerde.transition(), sent);

        assertThat(received).isEqualTo(sent);
        assertThat(received.getObservation()).containsExactly(0.5f, -0.25f, 1.75f);
        assertThat(received.getNextObservation()).containsExactly(0.375f, -0.5f, 2.0f);
        assertThat(received.getTerminated()).isFalse();
        assertThat(received.getTruncated()).isTrue();
        assertThat(received.getEventTime()).isEqualTo(SampleRecords.TIME);
        assertThat(received.getDecisionId()).isEqualTo("decision-99");
    }

    @Test
    void transitionWithoutDecisionIdOrNoiseSurvives() {
        Transition sent = Transition.newBuilder(SampleRecords.transition())
                .setDecisionId(null).setExplorationNoise(List.of()).setPolicyVersion(-1).build();
        Transition received = roundTrip(AvroSerde.transition(), sent);

        assertThat(received).isEqualTo(sent);
        assertThat(received.getDecisionId()).isNull();
        assertThat(received.getExplorationNoise()).isEmpty();
        assertThat(received.getPolicyVersion()).isEqualTo(-1);
    }

    @Test
    void policyEnvelopeSurvivesTheSerdeWithItsPayloadIntact() {
        PolicyEnvelope sent = SampleRecords.policyEnvelope();
        PolicyEnvelope received = roundTrip(AvroSerde.policyEnvelope(), sent);

        assertThat(received).isEqualTo(sent);
        assertThat(bytes(received.getPayload())).isEqualTo(bytes(sent.getPayload()));
        assertThat(received.getLayerSizes()).containsExactly(3, 64, 64, 1);
    }

    @Test
    void episodeSummarySurvivesTheSerde() {
        EpisodeSummary sent = SampleRecords.episodeSummary();
        EpisodeSummary received = roundTrip(AvroSerde.episodeSummary(), sent);

        assertThat(received).isEqualTo(sent);
        assertThat(received.getEpisodeReturn()).isEqualTo(-812.5);
    }

    @Test
    void deadLetterSurvivesTheSerdeWithAndWithoutOriginalBytes() {
        DeadLetter full = SampleRecords.deadLetter();
        DeadLetter empty = DeadLetter.newBuilder(full).setOriginalKey(null).setOriginalValue(null).build();

        DeadLetter fullBack = roundTrip(AvroSerde.deadLetter(), full);
        DeadLetter emptyBack = roundTrip(AvroSerde.deadLetter(), empty);

        assertThat(fullBack).isEqualTo(full);
        assertThat(bytes(fullBack.getOriginalValue())).containsExactly(0xC3, 0x01, 0x00, 0xFF);
        assertThat(emptyBack).isEqualTo(empty);
        assertThat(emptyBack.getOriginalKey()).isNull();
        assertThat(emptyBack.getOriginalValue()).isNull();
    }

    @Test
    void encodingWritesTheSingleObjectHeaderOfTheCurrentSchema() {
        byte[] encoded = RecordCodec.transition().encode(SampleRecords.transition());

        long fingerprint = ByteBuffer.wrap(encoded, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(encoded[0]).isEqualTo((byte) 0xC3);
        assertThat(encoded[1]).isEqualTo((byte) 0x01);
        assertThat(fingerprint).isEqualTo(SchemaNormalization.parsingFingerprint64(Transition.getClassSchema()));
    }

    @Test
    void plainDecodeReadsWhatTheSerializerWrote() {
        byte[] encoded = AvroSerde.episodeSummary().serializer().serialize(TOPIC, SampleRecords.episodeSummary());

        assertThat(RecordCodec.episodeSummary().decode(encoded)).isEqualTo(SampleRecords.episodeSummary());
    }

    @Test
    void nullValuesAreTombstonesInBothDirections() {
        AvroSerde<PolicyEnvelope> serde = AvroSerde.policyEnvelope();

        assertThat(serde.serializer().serialize(TOPIC, null)).isNull();
        assertThat(serde.deserializer().deserialize(TOPIC, null)).isNull();
    }

    @Test
    void encodingARecordWithAMissingRequiredFieldNamesTypeAndTopic() {
        Transition broken = SampleRecords.transition();
        broken.put("actor_id", null);

        assertThatThrownBy(() -> RecordCodec.transition().encode(TOPIC, broken))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("io.streamrl.schemas.avro.Transition")
                .hasMessageContaining(TOPIC)
                .hasMessageContaining("actor_id");
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> T roundTrip(AvroSerde<T> serde, T record) {
        byte[] encoded = serde.serializer().serialize(TOPIC, record);
        return serde.deserializer().deserialize(TOPIC, encoded);
    }

    private static int[] bytes(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        int[] out = new int[view.remaining()];
        for (int i = 0; i < out.length; i++) {
            out[i] = view.get() & 0xFF;
        }
        return out;
    }
}
