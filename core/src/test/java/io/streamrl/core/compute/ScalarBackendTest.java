package io.streamrl.core.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrl.core.compute.scalar.ScalarBackend;
import io.streamrl.core.compute.vector.VectorBackend;
import io.streamrl.core.nn.Mlp;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScalarBackendTest extends ComputeBackendContractTest {

    @Override
    protected ComputeBackend newBackend() {
        return new ScalarBackend();
    }

    /**
     * Products of the shapes networks use give the vector backend's bits: forward passes,
     * weight gradients ({@code X^T dZ}) and backward passes through a weight ({@code dZ W^T})
     * wide enough that the vector backend transposes rather than sums lanes.
     */
    @ParameterizedTest(name = "{0}x{1} times {1}x{2}, transposeA={3}, transposeB={4}, accumulate={5}")
    @CsvSource({
        "1, 4, 64, false, false, false",
        "8, 4, 64, false, false, false",
        "40, 64, 64, false, false, false",
        "40, 64, 2, false, false, false",
        "7, 33, 70, false, false, true",
        "64, 40, 64, true, false, false",
        "64, 40, 2, true, false, true",
        "40, 64, 64, false, true, false",
        "40, 2, 64, false, true, false",
        "300, 17, 130, false, false, false"})
    void productsAreTheVectorBackendsBits(int m, int k, int n, boolean transposeA, boolean transposeB,
                                          boolean accumulate) {
        SplittableRandom r = new SplittableRandom(m * 31L + k * 7L + n);
        float[] a = random(r, m * k, -2, 2);
        float[] b = random(r, k * n, -2, 2);
        float[] c = random(r, m * n, -2, 2);
        float[] expected;
        try (ComputeBackend vector = new VectorBackend()) {
            expected = product(vector, a, b, c, m, k, n, transposeA, transposeB, accumulate);
        }
        float[] actual = product(backend(), a, b, c, m, k, n, transposeA, transposeB, accumulate);
        assertThat(bits(actual)).isEqualTo(bits(expected));
    }

    @ParameterizedTest(name = "{0} hidden")
    @CsvSource({"TANH", "RELU"})
    void aNetworksForwardPassIsTheVectorBackendsBits(Activation hidden) {
        float[] x = random(new SplittableRandom(3), 40 * 4, -3, 3);
        float[] expected;
        try (ComputeBackend vector = new VectorBackend()) {
            Mlp net = new Mlp(vector, new int[] {4, 64, 64, 2}, hidden, Activation.IDENTITY, new SplittableRandom(9));
            expected = net.forward(vector.fromArray(40, 4, x)).toArray();
        }
        Mlp net = new Mlp(backend(), new int[] {4, 64, 64, 2}, hidden, Activation.IDENTITY, new SplittableRandom(9));
        float[] actual = net.forward(backend().fromArray(40, 4, x)).toArray();
        assertThat(bits(actual)).isEqualTo(bits(expected));
    }

    /** The two array backends share a matrix class, not matrices: each still refuses the other's. */
    @Test
    void eachArrayBackendRefusesTheOthersMatrices() {
        try (ComputeBackend vector = new VectorBackend()) {
            Matrix theirs = vector.allocate(2, 2);
            Matrix ours = backend().allocate(2, 2);
            assertThatThrownBy(() -> backend().copy(theirs, ours))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the scalar backend cannot use a matrix from another backend: " + theirs);
            assertThatThrownBy(() -> vector.matmul(theirs, false, ours, false, vector.allocate(2, 2), false))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the vector backend cannot use a matrix from another backend: " + ours);
            assertThat(ours.toString()).contains("2x2", "ScalarBackend");
        }
    }

    private static float[] product(ComputeBackend be, float[] a, float[] b, float[] c, int m, int k, int n,
                                   boolean transposeA, boolean transposeB, boolean accumulate) {
        Matrix ma = transposeA ? be.fromArray(k, m, a) : be.fromArray(m, k, a);
        Matrix mb = transposeB ? be.fromArray(n, k, b) : be.fromArray(k, n, b);
        Matrix mc = be.fromArray(m, n, c);
        be.matmul(ma, transposeA, mb, transposeB, mc, accumulate);
        return mc.toArray();
    }

    private static int[] bits(float[] v) {
        return Arrays.stream(toDouble(v)).mapToInt(d -> Float.floatToRawIntBits((float) d)).toArray();
    }
}
