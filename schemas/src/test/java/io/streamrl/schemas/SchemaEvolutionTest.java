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
import io.streamrl.schemas.avro.RolloutSegment;
import io.streamrl.schemas.avro.Transition;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.junit.jupiter.api.Test;

class SchemaEvolutionTest {

    private static final String TOPIC = "streamrl.transitions";
    /** CRC-64-AVRO of the version 1 envelope schema, named io.streamrl.schemas.avro.PolicySnapshot. */
    private static final long POLICY_SNAPSHOT_V1_FINGERPRINT = 0x6F5E7E41AF933ED5L;
    /** CRC-64-AVRO of the version 1 schemas of the serve records, in the header of every record they wrote. */
    private static final long DECISION_V1_FINGERPRINT = 0xEFB7A1B96E5C77C4L;
    private static final long REWARD_V1_FINGERPRINT = 0x9895B5F3B589480CL;
    private static final long CONTROL_V1_FINGERPRINT = 0x3E1FAB7CBD04B728L;

    @Test
    void transitionHasThreeVersionsAndTheNewestIsTheGeneratedClass() {
        List<SchemaVersion> versions = RecordCodec.transition().versions();

        assertThat(versions).extracting(SchemaVersion::version).containsExactly(1, 2, 3);
        assertThat(versions.get(0).schema().getField("decision_id")).isNull();
        assertThat(versions.get(1).schema().getField("join")).isNull();
        assertThat(versions.get(2).sameWireLayoutAs(Transition.getClassSchema())).isTrue();
        assertThat(versions.stream().map(SchemaVersion::fingerprint).distinct()).hasSize(3);
    }

    @Test
    void everyRecordTypeHasAHistoryEndingInItsCurrentSchema() {
        assertThat(RecordCodec.policyEnvelope().versions()).last()
                .matches(v -> v.sameWireLayoutAs(PolicyEnvelope.getClassSchema()));
        assertThat(RecordCodec.episodeSummary().versions()).last()
                .matches(v -> v.sameWireLayoutAs(EpisodeSummary.getClassSchema()));
        assertThat(RecordCodec.deadLetter().versions()).last()
                .matches(v -> v.sameWireLayoutAs(DeadLetter.getClassSchema()));
        assertThat(RecordCodec.decision().versions()).last()
                .matches(v -> v.sameWireLayoutAs(Decision.getClassSchema()));
        assertThat(RecordCodec.reward().versions()).last()
                .matches(v -> v.sameWireLayoutAs(Reward.getClassSchema()));
        assertThat(RecordCodec.rolloutSegment().versions()).last()
                .matches(v -> v.sameWireLayoutAs(RolloutSegment.getClassSchema()));
        assertThat(RecordCodec.control().versions()).last()
                .matches(v -> v.sameWireLayoutAs(Control.getClassSchema()));
    }

    @Test
    void theServeRecordsVersionOneFingerprintsNeverChange() {
        // Changing a version 1 file, the enum's symbols or their order included, would orphan every record it wrote.
        assertThat(RecordCodec.decision().versions().get(0).fingerprint()).as("Decision v1")
                .isEqualTo(DECISION_V1_FINGERPRINT);
        assertThat(RecordCodec.reward().versions().get(0).fingerprint()).as("Reward v1")
                .isEqualTo(REWARD_V1_FINGERPRINT);
        assertThat(RecordCodec.control().versions().get(0).fingerprint()).as("Control v1")
                .isEqualTo(CONTROL_V1_FINGERPRINT);
    }

    @Test
    void aDecisionWrittenFromTheVersionOneFileReadsAsTheGeneratedClass() {
        Decision read = RecordCodec.decision().decode("streamrl.decisions", SampleRecords.decisionV1());

        assertThat(read.getDecisionId()).isEqualTo("machine-4:77");
        assertThat(read.getEntity()).isEqualTo("machine-4");
        assertThat(read.getEnvId()).isEqualTo("Thermostat-v0");
        assertThat(read.getState()).containsExactly(21.5f, 0.5f);
        assertThat(read.getAction()).containsExactly(0.25f);
        assertThat(read.getPolicyAction()).containsExactly(0.75f);
        assertThat(read.getLogDensity()).isNull();
        assertThat(read.getPolicyVersion()).isEqualTo(9L);
        assertThat(read.getMode()).isEqualTo(DecisionMode.SHADOW);
        assertThat(read.getExplored()).isFalse();
        assertThat(read.getClipped()).isFalse();
        assertThat(read.getControlRevision()).isEqualTo(2L);
        assertThat(read.getInstanceId()).isEqualTo("serve-0");
        assertThat(read.getEventTime()).isEqualTo(SampleRecords.TIME);
    }

    @Test
    void aRewardWrittenFromTheVersionOneFileWithoutTerminalIsNotTerminal() {
        Reward read = RecordCodec.reward().decode("streamrl.rewards", SampleRecords.rewardV1());

        assertThat(read.getDecisionId()).isEqualTo("machine-4:77");
        assertThat(read.getEntity()).isEqualTo("machine-4");
        assertThat(read.getReward()).isEqualTo(-0.5);
        assertThat(read.getTerminal()).isFalse();
        assertThat(read.getInstanceId()).isEqualTo("serve-1");
        assertThat(read.getEventTime()).isEqualTo(SampleRecords.TIME);
    }

    @Test
    void aDeadLetterWrittenFromTheVersionOneFileReadsAsWholeWithoutASize() {
        DeadLetter read = RecordCodec.deadLetter().decode("streamrl.dead-letter", SampleRecords.deadLetterV1());

        assertThat(read.getOriginalOffset()).isEqualTo(1234L);
        assertThat(read.getOriginalValue().remaining()).isEqualTo(3);
        assertThat(read.getOriginalValueSize()).isNull();
        assertThat(read.getOriginalValueTruncated()).isFalse();
        assertThat(RecordCodec.deadLetter().versions()).hasSize(2);
    }

    @Test
    void aControlWrittenFromTheVersionOneFileWithOnlyTheKillSwitchSetKeepsTheOtherDefaults() {
        Control read = RecordCodec.control().decode("streamrl.control", SampleRecords.controlV1());

        assertThat(read.getLoop()).isEqualTo("thermostat-ddpg");
        assertThat(read.getRevision()).isEqualTo(5L);
        assertThat(read.getKillSwitch()).isTrue();
        assertThat(read.getActionLow()).isNull();
        assertThat(read.getActionHigh()).isNull();
        assertThat(read.getMaxChange()).isNull();
        assertThat(read.getHoldoutShare()).isZero();
        assertThat(read.getShadow()).isFalse();
        assertThat(read.getPinnedVersion()).isNull();
        assertThat(read.getFallbackAction()).isNull();
        assertThat(read.getUpdatedBy()).isEmpty();
        assertThat(read.getEventTime()).isEqualTo(SampleRecords.TIME);
        assertThat(new ControlValidator().validate(read)).isEmpty();
    }

    @Test
    void aVersionOneRecordReadsAsTheCurrentClassWithDecisionIdAtItsDefault() throws IOException {
        byte[] v1Bytes = SampleRecords.transitionV1();


        Transition read = RecordCodec.transition().decode(TOPIC, v1Bytes);

        assertThat(read.getDecisionId()).isNull();
        assertThat(read.getActorId()).isEqualTo("actor-3");
        assertThat(read.getEnvId()).isEqualTo("MountainCarContinuous-v0");
        assertThat(read.getEpisode()).isEqualTo(4L);
        assertThat(read.getStep()).isEqualTo(999);
        assertThat(read.getObservation()).containsExactly(-0.5f, 0.01f);
        assertThat(read.getAction()).containsExactly(0.75f);
        assertThat(read.getReward()).isEqualTo(-0.05625);
        assertThat(read.getNextObservation()).containsExactly(-0.49f, 0.02f);
        assertThat(read.getTerminated()).isFalse();
        assertThat(read.getTruncated()).isTrue();
        assertThat(read.getPolicyVersion()).isEqualTo(-1L);
        assertThat(read.getExplorationNoise()).isEmpty();
        assertThat(read.getEventTime()).isEqualTo(SampleRecords.TIME);
    }

    @Test
    void policyEnvelopeKeepsTheVersionWrittenUnderItsOldName() {
        List<SchemaVersion> versions = RecordCodec.policyEnvelope().versions();

        assertThat(versions).extracting(SchemaVersion::version).containsExactly(1, 2);
        assertThat(versions.get(0).schema().getFullName()).isEqualTo("io.streamrl.schemas.avro.PolicySnapshot");
        // The fingerprint in the header of every envelope written before the rename: version 1 must never change.
        assertThat(versions.get(0).fingerprint()).isEqualTo(POLICY_SNAPSHOT_V1_FINGERPRINT);
        assertThat(versions.get(1).schema().getFullName()).isEqualTo("io.streamrl.schemas.avro.PolicyEnvelope");
        assertThat(versions.get(1).fingerprint()).isNotEqualTo(POLICY_SNAPSHOT_V1_FINGERPRINT);
        assertThat(PolicyEnvelope.getClassSchema().getAliases())
                .containsExactly("io.streamrl.schemas.avro.PolicySnapshot");
    }

    @Test
    void anEnvelopeWrittenUnderTheOldNamePolicySnapshotDecodesIntoPolicyEnvelope() {
        byte[] v1Bytes = SampleRecords.policyEnvelopeV1();
        assertThat(RecordCodec.policyEnvelope().checkHeader(null, v1Bytes)).isEqualTo(POLICY_SNAPSHOT_V1_FINGERPRINT);

        PolicyEnvelope read = RecordCodec.policyEnvelope().decode("streamrl.policy", v1Bytes);

        assertThat(read.getName()).isEqualTo("pendulum-ddpg");
        assertThat(read.getVersion()).isEqualTo(17L);
        assertThat(read.getAlgorithm()).isEqualTo("DDPG");
        assertThat(read.getCreatedAt()).isEqualTo(SampleRecords.TIME);
        assertThat(read.getLayerSizes()).containsExactly(3, 64, 64, 1);
        assertThat(read.getPayload()).isEqualTo(ByteBuffer.wrap("engine snapshot bytes".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void theAliasIsWhatLetsTheRenamedSchemaReadVersionOne() throws IOException {
        String v2Json = resourceText("/io/streamrl/schemas/history/PolicyEnvelope-v2.avsc");
        String withoutAlias = v2Json.replace("\"aliases\": [\"io.streamrl.schemas.avro.PolicySnapshot\"],", "");
        assertThat(withoutAlias).isNotEqualTo(v2Json);
        Schema v1 = SchemaHistory.versions("PolicyEnvelope").get(0).schema();

        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(new Schema.Parser().parse(v2Json), v1).getType())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(new Schema.Parser().parse(withoutAlias), v1)
                .getType()).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    }

    @Test
    void aCurrentRecordIsReadableByReadersThatKnowOnlyTheCurrentSchema() throws IOException {
        Transition sent = SampleRecords.transition();
        byte[] encoded = RecordCodec.transition().encode(sent);
        Schema current = parseResource("/io/streamrl/schemas/history/Transition-v3.avsc");
        RecordCodec<Transition> currentOnly = new RecordCodec<>(Transition.class,
                List.of(SchemaHistory.versions("Transition").get(2)));

        GenericRecord generic = new BinaryMessageDecoder<GenericRecord>(GenericData.get(), current).decode(encoded);

        assertThat(generic.get("decision_id")).hasToString("decision-99");
        assertThat(generic.get("actor_id")).hasToString("actor-7");
        assertThat(generic.get("step")).isEqualTo(3);
        assertThat(generic.get("event_time")).isEqualTo(SampleRecords.TIME.toEpochMilli());
        assertThat(currentOnly.decode(encoded)).isEqualTo(sent);
    }

    @Test
    void aCodecRefusesToStartWhenTheCurrentSchemaIsMissingFromItsHistory() {
        List<SchemaVersion> onlyVersionOne = List.of(SchemaHistory.versions("Transition").get(0));

        assertThatThrownBy(() -> new RecordCodec<>(Transition.class, onlyVersionOne))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("newest recorded version v1")
                .hasMessageContaining("history/Transition-v2.avsc");
    }

    @Test
    void aCodecRefusesAHistoryVersionTheCurrentSchemaCannotRead() throws IOException {
        String v1Json = resourceText("/io/streamrl/schemas/history/Transition-v1.avsc");
        String retyped = v1Json.replace("{\"name\": \"step\", \"type\": \"int\"", "{\"name\": \"step\", \"type\": \"string\"");
        assertThat(retyped).isNotEqualTo(v1Json);
        List<SchemaVersion> history = List.of(new SchemaVersion(1, new Schema.Parser().parse(retyped)),
                SchemaHistory.versions("Transition").get(1), SchemaHistory.versions("Transition").get(2));

        assertThatThrownBy(() -> new RecordCodec<>(Transition.class, history))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot read its version v1")
                .hasMessageContaining("step");
    }

    @Test
    void aCodecRefusesTwoVersionsWithTheSameWireLayout() {
        SchemaVersion current = SchemaHistory.versions("Transition").get(2);
        List<SchemaVersion> history = List.of(new SchemaVersion(1, current.schema()), new SchemaVersion(2, current.schema()));

        assertThatThrownBy(() -> new RecordCodec<>(Transition.class, history))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("v1 and v2 have the same wire layout");
    }

    @Test
    void aMissingHistoryNamesTheResourceToAdd() {
        assertThatThrownBy(() -> SchemaHistory.versions("Unpublished"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("io/streamrl/schemas/history/Unpublished-v1.avsc");
    }

    private static Schema parseResource(String path) throws IOException {
        return new Schema.Parser().parse(resourceText(path));
    }

    private static String resourceText(String path) throws IOException {
        try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
