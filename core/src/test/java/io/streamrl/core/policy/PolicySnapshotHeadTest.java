package io.streamrl.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import io.streamrl.core.compute.Activation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Policy heads in snapshots: format 2 for A2C's heads, format 1 as it always was for DDPG's. */
class PolicySnapshotHeadTest {

    /** A DDPG snapshot as the code before format 2 wrote it (tests/resources/policy). */
    private static final String FORMAT_1_FIXTURE = "/policy/snapshot-format1-ddpg.hex";

    @Test
    void readsAFormatOneSnapshotWrittenBeforeFormatTwoExisted() throws IOException {
        byte[] old = fixture();
        PolicySnapshot s = PolicySnapshot.fromBytes(old);
        assertThat(s.format()).isEqualTo(1);
        assertThat(s.head()).isEqualTo(PolicyHead.DETERMINISTIC);
        assertThat(s.logStd()).isEmpty();
        assertThat(s.name()).isEqualTo("pendulum");
        assertThat(s.algorithm()).isEqualTo("ddpg");
        assertThat(s.version()).isEqualTo(7);
        assertThat(s.layerSizes()).containsExactly(3, 4, 1);
        assertThat(s.actionDim()).isEqualTo(1);
        assertThat(s.checksumHex()).isEqualTo("ed276863813f04541759d79a9490692e7e9f3c27ceb259d472ecdbf2ab515705");
        // The action the old code computed for this observation, bit for bit.
        float[] a = s.actNormalized(new float[] {0.3f, -0.7f, 2.0f});
        assertThat(Float.floatToRawIntBits(a[0])).isEqualTo(-1089823087);
        // Deterministic snapshots are still written in format 1, byte for byte, so older actors read them.
        PolicySnapshot again = PolicySnapshot.create(s.name(), s.algorithm(), s.version(), s.createdAtMillis(),
                s.layerSizes(), s.hiddenActivation(), s.outputActivation(), s.normalizer(), s.actionLow(),
                s.actionHigh(), s.weights());
        assertThat(again.toBytes()).isEqualTo(old);
    }

    @Test
    void categoricalSnapshotsRoundTripInFormatTwoAndActByArgMax() {
        PolicySnapshot s = PolicySnapshot.fromBytes(categorical().toBytes());
        assertThat(s.format()).isEqualTo(2);
        assertThat(s.head()).isEqualTo(PolicyHead.CATEGORICAL);
        assertThat(s.actionDim()).isEqualTo(1);
        assertThat(s.outputDim()).isEqualTo(3);
        assertThat(s.actionLow()).isEmpty();
        assertThat(s.toString()).contains("categorical");
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 200; i++) {
            float[] obs = {(float) r.nextDouble(-2, 2), (float) r.nextDouble(-2, 2)};
            float[] logits = s.forward(obs);
            int best = logits[0] >= logits[1] && logits[0] >= logits[2] ? 0 : (logits[1] >= logits[2] ? 1 : 2);
            assertThat(s.act(obs)).containsExactly(best);
        }
        assertThatThrownBy(() -> s.actNormalized(new float[] {0f, 0f})).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("categorical");
    }

    @Test
    void categoricalSamplesFollowTheSoftmax() {
        PolicySnapshot s = categorical();
        float[] obs = {0.4f, -1.2f};
        float[] logits = s.forward(obs);
        double[] logProbs = new double[3];
        PolicyHead.logSoftmax(logits, 0, 3, logProbs);
        SplittableRandom r = new SplittableRandom(2);
        int n = 40_000;
        int[] counts = new int[3];
        for (int i = 0; i < n; i++) {
            PolicySnapshot.Sample sample = s.sample(obs, r);
            int a = (int) sample.environment()[0];
            counts[a]++;
            assertThat(sample.logProbability()).isEqualTo(logProbs[a]);
        }
        for (int j = 0; j < 3; j++) {
            double p = Math.exp(logProbs[j]);
            // Five standard errors of a frequency over n draws.
            assertThat(counts[j] / (double) n).as("frequency of action %d", j)
                    .isCloseTo(p, offset(5 * Math.sqrt(p * (1 - p) / n) + 1e-9));
        }
    }

    @Test
    void gaussianSnapshotsCarryTheLogStdAndActWithTheClippedMean() {
        PolicySnapshot s = PolicySnapshot.fromBytes(gaussian().toBytes());
        assertThat(s.format()).isEqualTo(2);
        assertThat(s.head()).isEqualTo(PolicyHead.GAUSSIAN);
        assertThat(s.logStd()).containsExactly(-0.5f, 0.25f);
        assertThat(s.actionDim()).isEqualTo(2);
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 200; i++) {
            float[] obs = {(float) r.nextDouble(-3, 3), (float) r.nextDouble(-3, 3)};
            float[] mean = s.forward(obs);
            double[] act = s.act(obs);
            for (int k = 0; k < 2; k++) {
                float clipped = Math.max(-1f, Math.min(1f, mean[k]));
                assertThat(s.actNormalized(obs)[k]).isEqualTo(clipped);
                double low = k == 0 ? -2 : 1;
                double high = k == 0 ? 2 : 20;
                assertThat(act[k]).isEqualTo(low + (clipped + 1.0) * 0.5 * (high - low));
            }
        }
    }

    @Test
    void gaussianSamplesHaveTheHeadsMeanAndStandardDeviationAndAreClippedOnlyForTheEnvironment() {
        PolicySnapshot s = gaussian();
        float[] obs = {0.1f, 0.2f};
        float[] mean = s.forward(obs);
        SplittableRandom r = new SplittableRandom(4);
        int n = 40_000;
        double[] sum = new double[2];
        double[] sumSq = new double[2];
        boolean sawClipping = false;
        for (int i = 0; i < n; i++) {
            PolicySnapshot.Sample sample = s.sample(obs, r);
            for (int k = 0; k < 2; k++) {
                sum[k] += sample.raw()[k];
                sumSq[k] += sample.raw()[k] * sample.raw()[k];
                sawClipping |= Math.abs(sample.raw()[k]) > 1;
            }
            assertThat(sample.environment()[0]).isBetween(-2.0, 2.0);
            assertThat(sample.environment()[1]).isBetween(1.0, 20.0);
            assertThat(sample.logProbability()).isCloseTo(PolicyHead.gaussianLogProb(sample.raw(), 0, mean, 0,
                    s.logStd(), 2), offset(1e-12));
        }
        assertThat(sawClipping).as("std exp(0.25) reaches outside [-1, 1]").isTrue();
        double[] std = {Math.exp(-0.5), Math.exp(0.25)};
        for (int k = 0; k < 2; k++) {
            double m = sum[k] / n;
            double sd = Math.sqrt(sumSq[k] / n - m * m);
            assertThat(m).as("mean %d", k).isCloseTo(mean[k], offset(5 * std[k] / Math.sqrt(n)));
            assertThat(sd).as("std %d", k).isCloseTo(std[k], offset(0.02 * std[k]));
        }
    }

    @Test
    void headsAndTheirFieldsMustAgree() {
        ObservationNormalizer norm = ObservationNormalizer.identity(2);
        float[] w = new float[2 * 4 + 4 + 4 * 3 + 3];
        assertThatThrownBy(() -> PolicySnapshot.create("p", "a2c", 1, 0, new int[] {2, 4, 3}, Activation.TANH,
                Activation.IDENTITY, norm, new double[] {-1, -1, -1}, new double[] {1, 1, 1}, w,
                PolicyHead.CATEGORICAL, new float[0]))
                .isInstanceOf(InvalidSnapshotException.class).hasMessageContaining("no action bounds");
        assertThatThrownBy(() -> PolicySnapshot.create("p", "a2c", 1, 0, new int[] {2, 4, 3}, Activation.TANH,
                Activation.IDENTITY, norm, new double[] {-1, -1, -1}, new double[] {1, 1, 1}, w,
                PolicyHead.GAUSSIAN, new float[2]))
                .isInstanceOf(InvalidSnapshotException.class).hasMessageContaining("needs 3 log standard deviations");
        assertThatThrownBy(() -> PolicySnapshot.create("p", "a2c", 1, 0, new int[] {2, 4, 3}, Activation.TANH,
                Activation.IDENTITY, norm, new double[] {-1, -1, -1}, new double[] {1, 1, 1}, w,
                PolicyHead.GAUSSIAN, new float[] {0f, Float.NaN, 0f}))
                .isInstanceOf(InvalidSnapshotException.class).hasMessageContaining("log standard deviation 1");
        assertThatThrownBy(() -> PolicySnapshot.create("p", "ddpg", 1, 0, new int[] {2, 4, 3}, Activation.TANH,
                Activation.IDENTITY, norm, new double[] {-1, -1, -1}, new double[] {1, 1, 1}, w,
                PolicyHead.DETERMINISTIC, new float[3]))
                .isInstanceOf(InvalidSnapshotException.class).hasMessageContaining("needs 0 log standard deviations");
    }

    private static PolicySnapshot categorical() {
        float[] w = new float[2 * 4 + 4 + 4 * 3 + 3];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) Math.sin(i * 1.7) * 0.9f;
        }
        return PolicySnapshot.create("cartpole", "a2c", 5, 1_700_000_000_000L, new int[] {2, 4, 3}, Activation.TANH,
                Activation.IDENTITY, ObservationNormalizer.identity(2), new double[0], new double[0], w,
                PolicyHead.CATEGORICAL, new float[0]);
    }

    private static PolicySnapshot gaussian() {
        float[] w = new float[2 * 4 + 4 + 4 * 2 + 2];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) Math.cos(i * 0.9) * 0.8f;
        }
        return PolicySnapshot.create("pricing", "a2c", 6, 1_700_000_000_000L, new int[] {2, 4, 2}, Activation.TANH,
                Activation.IDENTITY, ObservationNormalizer.identity(2), new double[] {-2, 1}, new double[] {2, 20}, w,
                PolicyHead.GAUSSIAN, new float[] {-0.5f, 0.25f});
    }

    private static byte[] fixture() throws IOException {
        try (InputStream in = PolicySnapshotHeadTest.class.getResourceAsStream(FORMAT_1_FIXTURE)) {
            return HexFormat.of().parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip());
        }
    }
}
