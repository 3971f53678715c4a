package io.streamrl.core.compute;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrl.core.compute.vector.VectorBackend;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class VectorBackendTest extends ComputeBackendContractTest {

    @Override
    protected ComputeBackend newBackend() {
        return new VectorBackend();
    }

    /** The whole contract again with products split over threads. */
    @Nested
    class TwoThreads extends ComputeBackendContractTest {
        @Override
        protected ComputeBackend newBackend() {
            return new VectorBackend(2);
        }
    }

    @Test
    void splittingProductsOverThreadsChangesNoBit() {
        SplittableRandom r = new SplittableRandom(5);
        float[] a = new float[300 * 200];
        float[] b = new float[200 * 272];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextDouble(-1, 1);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) r.nextDouble(-1, 1);
        }
        try (VectorBackend one = new VectorBackend(1); VectorBackend three = new VectorBackend(3)) {
            for (boolean transposeA : new boolean[] {false, true}) {
                int m = 300;
                int k = 200;
                Matrix a1 = one.fromArray(transposeA ? k : m, transposeA ? m : k, a);
                Matrix b1 = one.fromArray(k, 272, b);
                Matrix c1 = one.allocate(m, 272);
                Matrix a3 = three.fromArray(transposeA ? k : m, transposeA ? m : k, a);
                Matrix b3 = three.fromArray(k, 272, b);
                Matrix c3 = three.allocate(m, 272);
                one.matmul(a1, transposeA, b1, false, c1, false);
                three.matmul(a3, transposeA, b3, false, c3, false);
                assertThat(c3.toArray()).isEqualTo(c1.toArray());
            }
        }
    }

    /**
     * A 64-64 network's products are too small for the kernels' timed choice: taking turns on
     * them kept uncompiled candidates running at a hundredth of their speed for a second or more.
     */
    @Test
    void smallProductsTakeNoPartInTheKernelChoice() {
        SplittableRandom r = new SplittableRandom(9);
        try (VectorBackend backend = new VectorBackend()) {
            // The packed path (k x n above the unpacked limit), as a 64-64 layer's weight gradient at batch 128.
            Matrix a = backend.fromArray(128, 64, random(r, 128 * 64));
            Matrix b = backend.fromArray(128, 64, random(r, 128 * 64));
            Matrix c = backend.allocate(64, 64);
            for (int i = 0; i < 3_000; i++) {
                backend.matmul(a, true, b, false, c, false);
            }
            assertThat(backend.packedKernelShape()).endsWith("(not chosen)");
        }
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) r.nextDouble(-1, 1);
        }
        return out;
    }
}
