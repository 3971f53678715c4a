package io.streamrl.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrl.core.compute.Activation;
import io.streamrl.core.policy.InvalidSnapshotException;
import io.streamrl.core.policy.ObservationNormalizer;
import io.streamrl.core.policy.PolicySnapshot;
import io.streamrl.schemas.RecordCodec;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class PolicyEnvelopesTest {

    @Test
    void sealedSnapshotsOpenToTheSameSnapshotAfterTheWire() {
        PolicySnapshot snapshot = snapshot("pendulum", 3);
        RecordCodec<io.streamrl.schemas.avro.PolicySnapshot> codec = RecordCodec.policySnapshot();
        io.streamrl.schemas.avro.PolicySnapshot envelope = codec.decode(codec.encode(PolicyEnvelopes.seal(snapshot)));
        assertThat(envelope.getName()).isEqualTo("pendulum");
        assertThat(envelope.getVersion()).isEqualTo(3);
        assertThat(envelope.getLayerSizes()).containsExactly(2, 3, 1);
        PolicySnapshot opened = PolicyEnvelopes.open(envelope);
        assertThat(opened.toBytes()).isEqualTo(snapshot.toBytes());
    }

    @Test
    void anEnvelopeThatLiesAboutItsPayloadIsRejected() {
        io.streamrl.schemas.avro.PolicySnapshot envelope = io.streamrl.schemas.avro.PolicySnapshot
                .newBuilder(PolicyEnvelopes.seal(snapshot("pendulum", 3))).setVersion(4L).build();
        assertThatThrownBy(() -> PolicyEnvelopes.open(envelope))
                .isInstanceOf(InvalidSnapshotException.class)
                .hasMessageContaining("does not describe its payload");
    }

    @Test
    void aCorruptPayloadFailsTheEnvelopeChecksum() {
        io.streamrl.schemas.avro.PolicySnapshot sealed = PolicyEnvelopes.seal(snapshot("pendulum", 3));
        byte[] payload = sealed.getPayload().array().clone();
        payload[payload.length / 2] ^= 1;
        io.streamrl.schemas.avro.PolicySnapshot envelope = io.streamrl.schemas.avro.PolicySnapshot
                .newBuilder(sealed).setPayload(ByteBuffer.wrap(payload)).build();
        assertThatThrownBy(() -> PolicyEnvelopes.open(envelope))
                .isInstanceOf(InvalidSnapshotException.class)
                .hasMessageContaining("checksum");
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
