package io.streamrl.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrl.core.agent.Ddpg;
import io.streamrl.core.agent.DdpgConfig;
import io.streamrl.core.compute.Activation;
import io.streamrl.core.compute.ComputeBackend;
import io.streamrl.core.compute.ComputeBackends;
import io.streamrl.core.compute.Matrix;
import io.streamrl.core.replay.Batch;
import io.streamrl.core.replay.ReplayBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PolicySnapshotTest {

    private static final double[] LOW = {-2.0};
    private static final double[] HIGH = {2.0};

    private ComputeBackend backend;

    @BeforeEach
    void setUp() {
        backend = ComputeBackends.create(ComputeBackends.VECTOR);
    }

    @AfterEach
    void tearDown() {
        backend.close();
    }

    @Test
    void actionsAreBitIdenticalToTheLearnersActorAfterTraining() {
        DdpgConfig config = DdpgConfig.ddpg().with(Map.of("batch-size", "32", "policy-delay", "1",
                "actor-hidden", "64,48"));
        Ddpg agent = new Ddpg(config, 3, 1, backend, new SplittableRandom(5));
        Batch batch = randomBatch(32);
        for (int i = 0; i < 20; i++) {
            agent.update(batch);
        }
        ObservationNormalizer norm = new ObservationNormalizer(new float[] {0.1f, -0.2f, 0.5f},
                new float[] {1f, 2f, 0.125f});
        PolicySnapshot snapshot = PolicySnapshot.fromBytes(
                agent.snapshot("pendulum", 7, 1_000L, norm, LOW, HIGH).toBytes());

        SplittableRandom r = new SplittableRandom(99);
        int n = 500;
        float[] raw = new float[n * 3];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (float) r.nextDouble(-8, 8);
        }
        // The learner's actor on a whole batch and one row at a time, against the snapshot.
        float[] normalized = new float[raw.length];
        for (int i = 0; i < n; i++) {
            float[] one = norm.apply(Arrays.copyOfRange(raw, 3 * i, 3 * i + 3));
            System.arraycopy(one, 0, normalized, 3 * i, 3);
        }
        Matrix input = backend.fromArray(n, 3, normalized);
        float[] batchActions = agent.actor().forward(input).toArray();
        for (int i = 0; i < n; i++) {
            float[] obs = Arrays.copyOfRange(raw, 3 * i, 3 * i + 3);
            float[] fromSnapshot = snapshot.actNormalized(obs);
            assertThat(Float.floatToRawIntBits(fromSnapshot[0]))
                    .as("row %d", i).isEqualTo(Float.floatToRawIntBits(batchActions[i]));
            assertThat(fromSnapshot).isEqualTo(agent.act(norm.apply(obs)));
            assertThat(snapshot.act(obs)[0]).isEqualTo(LOW[0] + (fromSnapshot[0] + 1.0) * 0.5 * 4.0);
        }
    }

    @Test
    void roundTripKeepsEveryField() {
        PolicySnapshot s = sample();
        PolicySnapshot back = PolicySnapshot.fromBytes(s.toBytes());
        assertThat(back.name()).isEqualTo("pricing");
        assertThat(back.algorithm()).isEqualTo("td3");
        assertThat(back.version()).isEqualTo(42);
        assertThat(back.createdAtMillis()).isEqualTo(1_700_000_000_000L);
        assertThat(back.layerSizes()).containsExactly(2, 4, 1);
        assertThat(back.hiddenActivation()).isEqualTo(Activation.RELU);
        assertThat(back.outputActivation()).isEqualTo(Activation.TANH);
        assertThat(back.weights()).isEqualTo(s.weights());
        assertThat(back.normalizer()).isEqualTo(s.normalizer());
        assertThat(back.actionLow()).containsExactly(-1.0);
        assertThat(back.actionHigh()).containsExactly(3.0);
        assertThat(back.checksumHex()).isEqualTo(s.checksumHex()).hasSize(64);
        assertThat(back.toBytes()).isEqualTo(s.toBytes());
    }

    @Test
    void anyFlippedByteFailsTheChecksum() {
        byte[] bytes = sample().toBytes();
        for (int i = 4; i < bytes.length; i += 7) {
            byte[] corrupt = bytes.clone();
            corrupt[i] ^= 0x10;
            assertThatThrownBy(() -> PolicySnapshot.fromBytes(corrupt))
                    .isInstanceOf(InvalidSnapshotException.class)
                    .hasMessageContaining("checksum mismatch");
        }
    }

    @Test
    void truncatedOrForeignBytesAreRejectedClearly() {
        byte[] bytes = sample().toBytes();
        assertThatThrownBy(() -> PolicySnapshot.fromBytes(Arrays.copyOf(bytes, 10)))
                .isInstanceOf(InvalidSnapshotException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> PolicySnapshot.fromBytes("hello world, this is not a snapshot at all".getBytes()))
                .isInstanceOf(InvalidSnapshotException.class).hasMessageContaining("bad magic");
        assertThatThrownBy(() -> PolicySnapshot.fromBytes(Arrays.copyOf(bytes, bytes.length - 1)))
                .isInstanceOf(InvalidSnapshotException.class).hasMessageContaining("checksum mismatch");
    }

    @Test
    void snapshotsFollowThePolicyNameRule() {
        assertThat(named(PolicyNameTest.LONGEST).name()).isEqualTo(PolicyNameTest.LONGEST);
        assertThat(PolicySnapshot.fromBytes(named(PolicyNameTest.LONGEST).toBytes()).name())
                .isEqualTo(PolicyNameTest.LONGEST);
        for (String bad : PolicyNameTest.BAD) {
            assertThatThrownBy(() -> named(bad))
                    .as("%s", bad)
                    .isInstanceOf(InvalidSnapshotException.class)
                    .hasMessageStartingWith("policy name must be 1 to 128 characters from [A-Za-z0-9._-], got ");
        }
    }

    @Test
    void bytesCarryingABadNameAreRefusedEvenWithAValidChecksum() throws Exception {
        byte[] bytes = sample().toBytes();
        // The name "pricing" follows the magic, the format and its u16 length; a space in it, then a fresh checksum.
        int nameStart = 4 + 2 + 2;
        assertThat(new String(bytes, nameStart, 7, StandardCharsets.UTF_8)).isEqualTo("pricing");
        bytes[nameStart + 3] = ' ';
        int body = bytes.length - 32;
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Arrays.copyOf(bytes, body));
        System.arraycopy(digest, 0, bytes, body, 32);

        assertThatThrownBy(() -> PolicySnapshot.fromBytes(bytes))
                .isInstanceOf(InvalidSnapshotException.class)
                .hasMessage("policy name must be 1 to 128 characters from [A-Za-z0-9._-], got 'pri ing'");
    }

    @Test
    void inconsistentShapesAreRejectedWithTheReason() {
        ObservationNormalizer norm = ObservationNormalizer.identity(2);
        assertThatThrownBy(() -> PolicySnapshot.create("p", "ddpg", 1, 0, new int[] {2, 4, 1}, Activation.RELU,
                Activation.TANH, norm, new double[] {-1}, new double[] {1}, new float[16]))
                .isInstanceOf(InvalidSnapshotException.class)
                .hasMessageContaining("needs 17 weights, got 16");
        assertThatThrownBy(() -> PolicySnapshot.create("p", "ddpg", 1, 0, new int[] {3, 4, 1}, Activation.RELU,
                Activation.TANH, norm, new double[] {-1}, new double[] {1}, new float[21]))
                .isInstanceOf(InvalidSnapshotException.class)
                .hasMessageContaining("normalisation has 2 entries but the input layer has 3");
        assertThatThrownBy(() -> PolicySnapshot.create("p", "ddpg", 1, 0, new int[] {2, 4, 1}, Activation.RELU,
                Activation.TANH, norm, new double[] {1}, new double[] {-1}, new float[17]))
                .isInstanceOf(InvalidSnapshotException.class)
                .hasMessageContaining("low < high");
        float[] nan = new float[17];
        nan[3] = Float.NaN;
        assertThatThrownBy(() -> PolicySnapshot.create("p", "ddpg", 1, 0, new int[] {2, 4, 1}, Activation.RELU,
                Activation.TANH, norm, new double[] {-1}, new double[] {1}, nan))
                .isInstanceOf(InvalidSnapshotException.class)
                .hasMessageContaining("weight 3 is not finite");
    }

    @Test
    void actingRejectsBadObservations() {
        PolicySnapshot s = sample();
        assertThatThrownBy(() -> s.act(new float[] {1f}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("observation must have 2 values, got 1");
        assertThatThrownBy(() -> s.act(new float[] {1f, Float.NaN}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("observation[1] must be finite");
    }

    private static PolicySnapshot sample() {
        return named("pricing");
    }

    private static PolicySnapshot named(String name) {
        float[] w = new float[2 * 4 + 4 + 4 + 1];
        for (int i = 0; i < w.length; i++) {
            w[i] = (i - 8) / 10f;
        }
        return PolicySnapshot.create(name, "td3", 42, 1_700_000_000_000L, new int[] {2, 4, 1}, Activation.RELU,
                Activation.TANH, new ObservationNormalizer(new float[] {1f, 2f}, new float[] {0.5f, 0.25f}),
                new double[] {-1.0}, new double[] {3.0}, w);
    }

    private static Batch randomBatch(int size) {
        SplittableRandom r = new SplittableRandom(17);
        ReplayBuffer buffer = new ReplayBuffer(size, 3, 1);
        for (int i = 0; i < size; i++) {
            float[] o = {(float) r.nextDouble(-1, 1), (float) r.nextDouble(-1, 1), (float) r.nextDouble(-8, 8)};
            buffer.add(o, new float[] {(float) r.nextDouble(-1, 1)}, -r.nextDouble(16), o, false);
        }
        Batch b = new Batch(size, 3, 1);
        buffer.sample(b, r);
        return b;
    }
}
