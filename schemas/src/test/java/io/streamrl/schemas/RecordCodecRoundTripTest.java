package io.streamrl.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrl.schemas.avro.Control;
import io.streamrl.schemas.avro.DeadLetter;
import io.streamrl.schemas.avro.Decision;
import io.streamrl.schemas.avro.DecisionMode;
import io.streamrl.schemas.avro.EpisodeSummary;
import io.streamrl.schemas.avro.PolicyEnvelope;
import io.streamrl.schemas.avro.Reward;
import io.streamrl.schemas.avro.Transition;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.util.ClassSecurityValidator;
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
        Transition sent = SampleRecords.transitionBuilder()
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
    void decisionSurvivesTheSerdeWithItsModeAndOptionalFields() {
        Decision sent = SampleRecords.decision();
        Decision received = roundTrip(AvroSerde.decision(), sent);

        assertThat(received).isEqualTo(sent);
        assertThat(received.getMode()).isEqualTo(DecisionMode.LEARNED);
        assertThat(received.getState()).containsExactly(12.5f, -0.75f, 3.0f);
        assertThat(received.getAction()).containsExactly(9.5f, 0.25f);
        assertThat(received.getPolicyAction()).containsExactly(9.0f, 0.375f);
        assertThat(received.getLogDensity()).isEqualTo(-1.8125);
        assertThat(received.getExplored()).isTrue();
        assertThat(received.getClipped()).isTrue();
        assertThat(received.getControlRevision()).isEqualTo(3);
        assertThat(received.getEventTime()).isEqualTo(SampleRecords.TIME);
    }

    @Test
    void decodingADecisionNeedsNoJvmWideClassAllowlist() {
        // The premise: this JVM does not trust the generated enum, so the codec's own data model must supply it.
        assertThatThrownBy(() -> ClassSecurityValidator.validate(DecisionMode.class))
                .isInstanceOf(SecurityException.class);
        byte[] encoded = RecordCodec.decision().encode(SampleRecords.decision());

        assertThat(RecordCodec.decision().decode(TOPIC, encoded).getMode()).isEqualTo(DecisionMode.LEARNED);
    }

    @Test
    void copyingADecisionWithItsBuilderStillNeedsTheAllowlist() {
        // Why package-info tells serve code to build decisions from newBuilder(): when an Avro
        // upgrade makes this fail, the copying builders work and that advice can go.
        Decision decision = SampleRecords.decision();

        assertThatThrownBy(() -> Decision.newBuilder(decision))
                .isInstanceOf(SecurityException.class)
                .hasMessageContaining("io.streamrl.schemas.avro.DecisionMode");
    }

    @Test
    void everyDecisionModeSurvivesTheSerde() {
        AvroSerde<Decision> serde = AvroSerde.decision();
        for (DecisionMode mode : DecisionMode.values()) {
            Decision sent = SampleRecords.decisionBuilder().setMode(mode).build();

            assertThat(roundTrip(serde, sent).getMode()).as("mode %s", mode).isEqualTo(mode);
        }
    }

    @Test
    void aFallbackDecisionWithoutPolicyActionOrDensitySurvives() {
        Decision sent = SampleRecords.fallbackDecision();
        Decision received = roundTrip(AvroSerde.decision(), sent);

        assertThat(received).isEqualTo(sent);
        assertThat(received.getPolicyAction()).isNull();
        assertThat(received.getLogDensity()).isNull();
        assertThat(received.getPolicyVersion()).isEqualTo(-1);
        assertThat(received.getControlRevision()).isEqualTo(-1);
    }

    @Test
    void rewardSurvivesTheSerde() {
        Reward sent = SampleRecords.reward();
        Reward received = roundTrip(AvroSerde.reward(), sent);

        assertThat(received).isEqualTo(sent);
        assertThat(received.getReward()).isEqualTo(4.625);
        assertThat(received.getTerminal()).isTrue();
    }

    @Test
    void aRewardIsNotTerminalUnlessSaidSo() {
        Reward built = Reward.newBuilder(SampleRecords.reward()).clearTerminal().build();

        assertThat(built.getTerminal()).isFalse();
        assertThat(roundTrip(AvroSerde.reward(), built).getTerminal()).isFalse();
    }

    @Test
    void controlSurvivesTheSerdeWithEveryGuardrailSet() {
        Control sent = SampleRecords.control();
        Control received = roundTrip(AvroSerde.control(), sent);

        assertThat(received).isEqualTo(sent);
        assertThat(received.getActionLow()).containsExactly(5.0, -0.5);
        assertThat(received.getActionHigh()).containsExactly(15.0, 0.5);
        assertThat(received.getMaxChange()).isEqualTo(2.5);
        assertThat(received.getHoldoutShare()).isEqualTo(0.125);
        assertThat(received.getShadow()).isTrue();
        assertThat(received.getPinnedVersion()).isEqualTo(40L);
        assertThat(received.getKillSwitch()).isTrue();
        assertThat(received.getFallbackAction()).containsExactly(10.0, 0.0);
        assertThat(received.getUpdatedBy()).isEqualTo("ops@example.com");
    }

    @Test
    void controlDefaultsChangeNothing() {
        Control received = roundTrip(AvroSerde.control(), SampleRecords.defaultControl());

        assertThat(received.getActionLow()).isNull();
        assertThat(received.getActionHigh()).isNull();
        assertThat(received.getMaxChange()).isNull();
        assertThat(received.getHoldoutShare()).isZero();
        assertThat(received.getShadow()).isFalse();
        assertThat(received.getPinnedVersion()).isNull();
        assertThat(received.getKillSwitch()).isFalse();
        assertThat(received.getFallbackAction()).isNull();
        assertThat(received.getUpdatedBy()).isEmpty();
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
