package io.streamrl.core.compute.nd4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrl.core.compute.Activation;
import io.streamrl.core.compute.ComputeBackend;
import io.streamrl.core.compute.ComputeBackendContractTest;
import io.streamrl.core.compute.ComputeBackends;
import io.streamrl.core.compute.Matrix;
import org.junit.jupiter.api.Test;
import org.nd4j.common.config.ND4JSystemProperties;
import org.nd4j.linalg.factory.Nd4j;

class Nd4jBackendTest extends ComputeBackendContractTest {

    @Override
    protected ComputeBackend newBackend() {
        return new Nd4jBackend();
    }

    @Test
    void theFactoryCreatesItByName() {
        try (ComputeBackend created = ComputeBackends.create(" ND4J ")) {
            assertThat(created).isInstanceOf(Nd4jBackend.class);
            assertThat(created.name()).isEqualTo("nd4j");
        }
    }

    @Test
    void holdsNd4jToOneThreadAndSilencesItsStartupBanner() {
        assertThat(backend()).isNotNull();
        assertThat(Nd4j.getEnvironment().maxMasterThreads()).isEqualTo(1);
        assertThat(Nd4j.factory().blas().getMaxThreads()).isEqualTo(1);
        assertThat(System.getProperty(ND4JSystemProperties.LOG_INITIALIZATION)).isEqualTo("false");
    }

    @Test
    void rejectsMatricesOfAnotherNd4jBackend() {
        try (ComputeBackend other = new Nd4jBackend()) {
            Matrix foreign = other.allocate(2, 2);
            assertThatThrownBy(() -> backend().fill(foreign, 1f))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not allocated by this nd4j backend");
        }
    }

    @Test
    void rejectsShapesThatDoNotFitBeforeTouchingNativeMemory() {
        Matrix a = backend().allocate(3, 4);
        Matrix b = backend().allocate(5, 2);
        assertThatThrownBy(() -> backend().matmul(a, false, b, false, backend().allocate(3, 2), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("op(a) is 3x4, op(b) is 5x2");
        assertThatThrownBy(() -> backend().polyak(a, backend().allocate(4, 3), 0.5f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3x4 vs 4x3");
        assertThatThrownBy(() -> backend().addBiasActivate(a, backend().allocate(1, 3), Activation.RELU, a))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1x4 bias");
        assertThatThrownBy(() -> backend().copyColumns(a, 2, backend().allocate(3, 4), 0, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("out of bounds");
        assertThatThrownBy(() -> backend().allocate(0, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0x3");
    }

    @Test
    void rejectsOutputsThatAliasAnInputTheContractDoesNotAllow() {
        Matrix a = backend().allocate(4, 4);
        Matrix b = backend().allocate(4, 4);
        assertThatThrownBy(() -> backend().matmul(a, false, b, false, a, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input a");
        assertThatThrownBy(() -> backend().scaledDifference(a, b, 1f, b))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be the same matrix");
    }

    @Test
    void closeFreesTheMatricesAndMakesTheBackendUnusable() {
        ComputeBackend closing = new Nd4jBackend();
        Matrix m = closing.fromArray(1, 2, new float[] {1, 2});
        closing.close();
        closing.close();
        assertThatThrownBy(() -> m.get(0, 0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(m::toArray).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> closing.allocate(1, 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> closing.fill(m, 0f)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> closing.sumOfSquares(m)).isInstanceOf(IllegalStateException.class);
    }
}
