package io.streamrl.schemas;

import io.streamrl.schemas.avro.Control;
import io.streamrl.schemas.avro.DeadLetter;
import io.streamrl.schemas.avro.Decision;
import io.streamrl.schemas.avro.DecisionMode;
import io.streamrl.schemas.avro.EpisodeSummary;
import io.streamrl.schemas.avro.PolicyEnvelope;
import io.streamrl.schemas.avro.Reward;
import io.streamrl.schemas.avro.RolloutSegment;
import io.streamrl.schemas.avro.JoinOutcome;
import io.streamrl.schemas.avro.JoinResult;
import io.streamrl.schemas.avro.Transition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.message.BinaryMessageEncoder;

/** Valid records with every field set to a distinct, recognisable value. */
final class SampleRecords {

    static final Instant TIME = Instant.parse("2024-03-01T12:34:56.789Z");

    private SampleRecords() {}

    static Transition transition() {
        return transitionBuilder().build();
    }

    /**
     * A fresh builder holding {@link #transition()}'s values. Tests start from it instead of
     * {@code Transition.newBuilder(transition())}: Avro's copying builder deep-copies the nested
     * {@code JoinOutcome} through a data model that needs the JVM-wide class allowlist (AVRO-4189).
     */
    static Transition.Builder transitionBuilder() {
        return Transition.newBuilder()
                .setActorId("actor-7")
                .setEnvId("Pendulum-v1")
                .setEpisode(12)
                .setStep(3)
                .setObservation(List.of(0.5f, -0.25f, 1.75f))
                .setAction(List.of(-1.5f))
                .setReward(-3.125)
                .setNextObservation(List.of(0.375f, -0.5f, 2.0f))
                .setTerminated(false)
                .setTruncated(true)
                .setPolicyVersion(41)
                .setExplorationNoise(List.of(0.125f))
                .setEventTime(TIME)
                .setDecisionId("decision-99")
                .setLogDensity(-0.75)
                .setJoin(JoinOutcome.newBuilder().setResult(JoinResult.JOINED).setRewardCount(2).setWaitMs(1_500).build());
    }

    /** A Transition written with schema version 1 (no decision_id), as single-object bytes. */
    static byte[] transitionV1() {
        Schema v1 = SchemaHistory.versions("Transition").get(0).schema();
        GenericRecord old = new GenericData.Record(v1);
        old.put("actor_id", "actor-3");
        old.put("env_id", "MountainCarContinuous-v0");
        old.put("episode", 4L);
        old.put("step", 999);
        old.put("observation", List.of(-0.5f, 0.01f));
        old.put("action", List.of(0.75f));
        old.put("reward", -0.05625);
        old.put("next_observation", List.of(-0.49f, 0.02f));
        old.put("terminated", false);
        old.put("truncated", true);
        old.put("policy_version", -1L);
        old.put("exploration_noise", List.of());
        old.put("event_time", SampleRecords.TIME.toEpochMilli());
        return encode(v1, old);
    }

    /** The version 1 checksum field: SHA-256 of the payload as 64 lowercase hex digits. */
    private static String sha256Hex(byte[] payload) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Single-object bytes of a record written with {@code writer}, as an older build wrote them. */
    private static byte[] encode(Schema writer, GenericRecord record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new BinaryMessageEncoder<GenericRecord>(GenericData.get(), writer).encode(record, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * A policy envelope written with schema version 1, when the record was named
     * {@code io.streamrl.schemas.avro.PolicySnapshot}, as single-object bytes.
     */
    static byte[] policyEnvelopeV1() {
        Schema v1 = SchemaHistory.versions("PolicyEnvelope").get(0).schema();
        byte[] payload = "engine snapshot bytes".getBytes(StandardCharsets.US_ASCII);
        GenericRecord old = new GenericData.Record(v1);
        old.put("name", "pendulum-ddpg");
        old.put("version", 17L);
        old.put("algorithm", "DDPG");
        old.put("created_at", TIME.toEpochMilli());
        old.put("checksum", sha256Hex(payload));
        old.put("layer_sizes", List.of(3, 64, 64, 1));
        old.put("payload", ByteBuffer.wrap(payload));
        return encode(v1, old);
    }

    static PolicyEnvelope policyEnvelope() {
        byte[] payload = "engine snapshot bytes".getBytes(StandardCharsets.US_ASCII);
        return PolicyEnvelope.newBuilder()
                .setName("pendulum-ddpg")
                .setVersion(17)
                .setAlgorithm("DDPG")
                .setCreatedAt(TIME)
                .setLayerSizes(List.of(3, 64, 64, 1))
                .setPayload(ByteBuffer.wrap(payload))
                .build();
    }

    static EpisodeSummary episodeSummary() {
        return EpisodeSummary.newBuilder()
                .setActorId("actor-7")
                .setEnvId("Pendulum-v1")
                .setEpisode(12)
                .setEpisodeReturn(-812.5)
                .setLength(200)
                .setTerminated(false)
                .setPolicyVersion(41)
                .setEventTime(TIME)
                .build();
    }

    static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setOriginalTopic("streamrl.transitions")
                .setOriginalPartition(2)
                .setOriginalOffset(1234)
                .setOriginalKey(ByteBuffer.wrap(new byte[] {'a', '-', '7'}))
                .setOriginalValue(ByteBuffer.wrap(new byte[] {(byte) 0xC3, 0x01, 0x00, (byte) 0xFF}))
                .setReason("truncated body")
                .setErrorClass(RecordDecodingException.class.getName())
                .setFailedAt(TIME)
                .build();
    }

    /** A learned, explored and clipped decision with every optional field set. */
    static Decision decision() {
        return decisionBuilder().build();
    }

    /**
     * A fresh builder holding {@link #decision()}. Variations start from here rather than from
     * {@code Decision.newBuilder(decision())}: the copying builders deep-copy the DecisionMode
     * enum through Avro's JVM-wide class allowlist, which trusts no generated class under Avro
     * 1.12.2 (see GeneratedRecordData).
     */
    static Decision.Builder decisionBuilder() {
        return Decision.newBuilder()
                .setDecisionId("customer-17:0001")
                .setEntity("customer-17")
                .setEnvId("Pricing-v0")
                .setState(List.of(12.5f, -0.75f, 3.0f))
                .setAction(List.of(9.5f, 0.25f))
                .setPolicyAction(List.of(9.0f, 0.375f))
                .setLogDensity(-1.8125)
                .setPolicyVersion(41)
                .setMode(DecisionMode.LEARNED)
                .setExplored(true)
                .setClipped(true)
                .setControlRevision(3)
                .setInstanceId("serve-2")
                .setEventTime(TIME);
    }

    /** A decision answered by a fixed fallback before any policy or guardrail existed: every optional field null. */
    static Decision fallbackDecision() {
        return decisionBuilder()
                .setAction(List.of(10.0f, 0.0f))
                .setPolicyAction(null)
                .setLogDensity(null)
                .setPolicyVersion(-1)
                .setMode(DecisionMode.FALLBACK)
                .setExplored(false)
                .setClipped(false)
                .setControlRevision(-1)
                .build();
    }

    static Reward reward() {
        return Reward.newBuilder()
                .setDecisionId("customer-17:0001")
                .setEntity("customer-17")
                .setReward(4.625)
                .setTerminal(true)
                .setInstanceId("serve-1")
                .setEventTime(TIME.plusSeconds(30))
                .build();
    }

    /** Guardrails with every optional field set, consistent with each other. */
    static Control control() {
        return Control.newBuilder()
                .setLoop("pricing-td3")
                .setRevision(3)
                .setActionLow(List.of(5.0, -0.5))
                .setActionHigh(List.of(15.0, 0.5))
                .setMaxChange(2.5)
                .setHoldoutShare(0.125)
                .setShadow(true)
                .setPinnedVersion(40L)
                .setKillSwitch(true)
                .setFallbackAction(List.of(10.0, 0.0))
                .setUpdatedBy("ops@example.com")
                .setEventTime(TIME)
                .build();
    }

    /** Guardrails that change nothing: only the required fields set, every other one at its default. */
    static Control defaultControl() {
        return Control.newBuilder()
                .setLoop("pricing-td3")
                .setRevision(0)
                .setEventTime(TIME)
                .build();
    }

    /**
     * A SHADOW decision as a producer that knows only the version 1 schema file writes it
     * (generic records, no generated classes), as single-object bytes.
     */
    static byte[] decisionV1() {
        Schema v1 = SchemaHistory.versions("Decision").get(0).schema();
        GenericRecord old = new GenericRecordBuilder(v1)
                .set("decision_id", "machine-4:77")
                .set("entity", "machine-4")
                .set("env_id", "Thermostat-v0")
                .set("state", List.of(21.5f, 0.5f))
                .set("action", List.of(0.25f))
                .set("policy_action", List.of(0.75f))
                .set("policy_version", 9L)
                .set("mode", new GenericData.EnumSymbol(v1.getField("mode").schema(), "SHADOW"))
                .set("explored", false)
                .set("clipped", false)
                .set("control_revision", 2L)
                .set("instance_id", "serve-0")
                .set("event_time", TIME.toEpochMilli())
                .build();
        return encode(v1, old);
    }

    /** A reward as a version 1 producer writes it when it leaves terminal at its default. */
    /** A dead letter as version 1 wrote it: no size, no truncation flag. */
    static byte[] deadLetterV1() {
        Schema v1 = SchemaHistory.versions("DeadLetter").get(0).schema();
        GenericRecord old = new GenericRecordBuilder(v1)
                .set("original_topic", "streamrl.transitions")
                .set("original_partition", 2)
                .set("original_offset", 1234L)
                .set("original_value", ByteBuffer.wrap(new byte[] {1, 2, 3}))
                .set("reason", "truncated body")
                .set("error_class", RecordDecodingException.class.getName())
                .set("failed_at", TIME.toEpochMilli())
                .build();
        return encode(v1, old);
    }

    static byte[] rewardV1() {
        Schema v1 = SchemaHistory.versions("Reward").get(0).schema();
        GenericRecord old = new GenericRecordBuilder(v1)
                .set("decision_id", "machine-4:77")
                .set("entity", "machine-4")
                .set("reward", -0.5)
                .set("instance_id", "serve-1")
                .set("event_time", TIME.toEpochMilli())
                .build();
        return encode(v1, old);
    }

    /**
     * Guardrails as an operator's tool that knows only the version 1 schema file writes them,
     * setting the kill switch and leaving every other optional field at its default.
     */
    static byte[] controlV1() {
        Schema v1 = SchemaHistory.versions("Control").get(0).schema();
        GenericRecord old = new GenericRecordBuilder(v1)
                .set("loop", "thermostat-ddpg")
                .set("revision", 5L)
                .set("kill_switch", true)
                .set("event_time", TIME.toEpochMilli())
                .build();
        return encode(v1, old);
    }

    /** Three CartPole steps; the second was truncated (its final observation in truncation_observations). */
    static RolloutSegment rolloutSegment() {
        return RolloutSegment.newBuilder()
                .setActorId("actor-3")
                .setEnvId("CartPole-v1")
                .setSequence(9)
                .setPolicyVersion(120)
                .setObservationDim(2)
                .setActionDim(1)
                .setObservations(List.of(0.1f, -0.2f, 0.3f, 0.4f, -0.5f, 0.6f))
                .setActions(List.of(1f, 0f, 1f))
                .setRewards(List.of(1f, 1f, 1f))
                .setTerminated(List.of(false, false, true))
                .setTruncated(List.of(false, true, false))
                .setBehaviourLogProbs(List.of(-0.69f, -0.7f, -0.1f))
                .setTruncationObservations(List.of(0.35f, 0.45f))
                .setBootstrapObservation(List.of(0.01f, 0.02f))
                .setEventTime(TIME)
                .build();
    }
}
