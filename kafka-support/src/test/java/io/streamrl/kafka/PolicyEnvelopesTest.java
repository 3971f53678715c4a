package io.streamrl.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrl.core.compute.Activation;
import io.streamrl.core.policy.InvalidSnapshotException;
import io.streamrl.core.policy.ObservationNormalizer;
import io.streamrl.core.policy.PolicySnapshot;
import io.streamrl.schemas.RecordCodec;
import io.streamrl.schemas.avro.PolicyEnvelope;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyEnvelopesTest {

    @Test
    void sealedSnapshotsOpenToTheSameSnapshotAfterTheWire() {
        PolicySnapshot snapshot = snapshot("pendulum", 3);
        RecordCodec<PolicyEnvelope> codec = RecordCodec.policyEnvelope();
        PolicyEnvelope envelope = codec.decode(codec.encode(PolicyEnvelopes.seal(snapshot)));
        assertThat(envelope.getName()).isEqualTo("pendulum");
        assertThat(envelope.getVersion()).isEqualTo(3);
        assertThat(envelope.getLayerSizes()).containsExactly(2, 3, 1);
        PolicySnapshot opened = PolicyEnvelopes.open(envelope);
        assertThat(opened.toBytes()).isEqualTo(snapshot.toBytes());
    }

    @Test
    void anEnvelopeThatLiesAboutItsPayloadIsRejected() {
        PolicyEnvelope sealed = PolicyEnvelopes.seal(snapshot("pendulum", 3));
        List<PolicyEnvelope> lies = List.of(
                PolicyEnvelope.newBuilder(sealed).setVersion(4L).build(),
                PolicyEnvelope.newBuilder(sealed).setName("cartpole").build(),
                PolicyEnvelope.newBuilder(sealed).setAlgorithm("td3").build(),
                PolicyEnvelope.newBuilder(sealed).setCreatedAt(Instant.ofEpochMilli(1_001)).build(),
                PolicyEnvelope.newBuilder(sealed).setLayerSizes(List.of(2, 4, 1)).build());
        for (PolicyEnvelope lie : lies) {
            assertThatThrownBy(() -> PolicyEnvelopes.open(lie))
                    .isInstanceOf(InvalidSnapshotException.class)
                    .hasMessageContaining("does not describe its payload pendulum v3 ddpg made 1970-01-01T00:00:01Z"
                            + " [2, 3, 1]");
        }
    }

    /** The payload's own SHA-256 is the one checksum: every byte of the payload is covered by it. */
    @Test
    void aPayloadWithAnyByteFlippedIsRejected() {
        PolicyEnvelope sealed = PolicyEnvelopes.seal(snapshot("pendulum", 3));
        byte[] payload = bytes(sealed.getPayload());
        for (int i = 0; i < payload.length; i++) {
            byte[] corrupt = payload.clone();
            corrupt[i] ^= 1;
            PolicyEnvelope envelope = PolicyEnvelope.newBuilder(sealed).setPayload(ByteBuffer.wrap(corrupt)).build();
            assertThatThrownBy(() -> PolicyEnvelopes.open(envelope))
                    .as("byte %d of %d flipped", i, payload.length)
                    .isInstanceOf(InvalidSnapshotException.class)
                    .hasMessageMatching(i < 4 ? ".*bad magic bytes.*" : ".*checksum mismatch.*");
        }
    }

    @Test
    void aCutOrExtendedPayloadIsRejected() {
        PolicyEnvelope sealed = PolicyEnvelopes.seal(snapshot("pendulum", 3));
        byte[] payload = bytes(sealed.getPayload());
        for (byte[] changed : List.of(Arrays.copyOf(payload, payload.length - 1), Arrays.copyOf(payload, 40),
                Arrays.copyOf(payload, payload.length + 1))) {
            PolicyEnvelope envelope = PolicyEnvelope.newBuilder(sealed).setPayload(ByteBuffer.wrap(changed)).build();
            assertThatThrownBy(() -> PolicyEnvelopes.open(envelope))
                    .as("%d of %d bytes", changed.length, payload.length)
                    .isInstanceOf(InvalidSnapshotException.class)
                    .hasMessageContaining("checksum mismatch");
        }
        PolicyEnvelope empty = PolicyEnvelope.newBuilder(sealed).setPayload(ByteBuffer.allocate(0)).build();
        assertThatThrownBy(() -> PolicyEnvelopes.open(empty))
                .isInstanceOf(InvalidSnapshotException.class)
                .hasMessageContaining("payload is empty");
    }

    @Test
    void openingLeavesTheEnvelopesPayloadUnread() {
        PolicyEnvelope sealed = PolicyEnvelopes.seal(snapshot("pendulum", 3));
        int remaining = sealed.getPayload().remaining();

        PolicyEnvelopes.open(sealed);

        assertThat(sealed.getPayload().remaining()).isEqualTo(remaining).isPositive();
    }

    /**
     * What the previous build put on the policy topic, before the envelope record was renamed
     * from {@code PolicySnapshot} to {@code PolicyEnvelope}: {@code snapshot("pendulum-ddpg", 7)}
     * sealed and encoded at commit 789446c, as hex.
     */
    @Test
    void anEnvelopeWrittenBeforeTheRenameStillDecodesAndOpens() throws IOException {
        byte[] published = previousBuildEnvelope();
        RecordCodec<PolicyEnvelope> codec = RecordCodec.policyEnvelope();
        long writerFingerprint = ByteBuffer.wrap(published, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(writerFingerprint).isEqualTo(codec.versions().get(0).fingerprint());
        assertThat(codec.versions().get(0).schema().getFullName()).isEqualTo("io.streamrl.schemas.avro.PolicySnapshot");

        PolicyEnvelope envelope = codec.decode(published);

        assertThat(envelope.getName()).isEqualTo("pendulum-ddpg");
        assertThat(envelope.getVersion()).isEqualTo(7);
        assertThat(PolicyEnvelopes.open(envelope).toBytes()).isEqualTo(snapshot("pendulum-ddpg", 7).toBytes());
    }

    @Test
    void aCorruptPayloadInAnEnvelopeWrittenBeforeTheRenameIsRejected() throws IOException {
        byte[] published = previousBuildEnvelope();
        // The payload is the record's last field, so the engine's bytes end the record: weights, then its SHA-256.
        published[published.length - 40] ^= 1;

        PolicyEnvelope envelope = RecordCodec.policyEnvelope().decode(published);

        assertThatThrownBy(() -> PolicyEnvelopes.open(envelope))
                .isInstanceOf(InvalidSnapshotException.class)
                .hasMessageContaining("checksum");
    }

    private static byte[] previousBuildEnvelope() throws IOException {
        try (InputStream in = PolicyEnvelopesTest.class.getResourceAsStream("policy-snapshot-v1-envelope.hex")) {
            assertThat(in).isNotNull();
            return HexFormat.of().parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip());
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    static PolicySnapshot snapshot(String name, long version) {
        float[] w = new float[2 * 3 + 3 + 3 + 1];
        for (int i = 0; i < w.length; i++) {
            w[i] = i / 10f;
        }
        return PolicySnapshot.create(name, "ddpg", version, 1_000, new int[] {2, 3, 1}, Activation.RELU,
                Activation.TANH, ObservationNormalizer.identity(2), new double[] {-2}, new double[] {2}, w);
    }
}
