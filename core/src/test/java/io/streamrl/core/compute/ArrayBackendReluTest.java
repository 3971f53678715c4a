package io.streamrl.core.compute;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrl.core.compute.scalar.ScalarBackend;
import io.streamrl.core.compute.vector.VectorBackend;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The array backends agree bit for bit, so their ReLU backward pass writes +0 where the output is
 * not positive, whatever the gradient (negative, NaN), at every position: the vector backend's
 * last entries after its full vectors as well as its lanes. (ND4J multiplies by the step
 * function, which keeps -0 and NaN; it does not promise bit-identical results.)
 */
class ArrayBackendReluTest {

    static Stream<Arguments> backends() {
        return Stream.of(Arguments.of("scalar", (Supplier<ComputeBackend>) ScalarBackend::new),
                Arguments.of("vector", (Supplier<ComputeBackend>) VectorBackend::new),
                Arguments.of("vector, 2 threads", (Supplier<ComputeBackend>) () -> new VectorBackend(2)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void reluBackwardZeroesEveryEntryWhoseOutputIsNotPositive(String name, Supplier<ComputeBackend> make) {
        int n = 67; // not a multiple of any vector width
        float[] y = new float[n];
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 3 == 0 ? 0.5f : i % 3 == 1 ? 0f : -1f;
            g[i] = i % 2 == 0 ? -1.5f : Float.NaN;
        }
        try (ComputeBackend backend = make.get()) {
            Matrix mg = backend.fromArray(1, n, g);
            backend.activationBackward(backend.fromArray(1, n, y), Activation.RELU, mg);
            float[] out = mg.toArray();
            for (int i = 0; i < n; i++) {
                float expected = y[i] > 0 ? g[i] : 0f;
                assertThat(Float.floatToRawIntBits(out[i])).as("entry %d", i)
                        .isEqualTo(Float.floatToRawIntBits(expected));
            }
        }
    }
}
