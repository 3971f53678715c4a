package io.streamrl.schemas;

import io.streamrl.schemas.avro.DeadLetter;
import io.streamrl.schemas.avro.EpisodeSummary;
import io.streamrl.schemas.avro.PolicySnapshot;
import io.streamrl.schemas.avro.Transition;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/** Valid records with every field set to a distinct, recognisable value. */
final class SampleRecords {

    static final Instant TIME = Instant.parse("2024-03-01T12:34:56.789Z");

    private SampleRecords() {}

    static Transition transition() {
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
                .build();
    }

    static PolicySnapshot policySnapshot() {
        byte[] payload = "engine snapshot bytes".getBytes(StandardCharsets.US_ASCII);
        return PolicySnapshot.newBuilder()
                .setName("pendulum-ddpg")
                .setVersion(17)
                .setAlgorithm("DDPG")
                .setCreatedAt(TIME)
                .setChecksum(PayloadChecksum.sha256Hex(payload))
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
}
