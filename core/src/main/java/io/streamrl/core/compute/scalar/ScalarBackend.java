package io.streamrl.core.compute.scalar;

import io.streamrl.core.compute.ComputeBackends;
import io.streamrl.core.compute.Matrix;
import io.streamrl.core.compute.array.ArrayBackend;
import io.streamrl.core.compute.array.ArrayMatrix;

/**
 * A backend in plain scalar Java: float arrays, no Vector API, no native code. For processes
 * too short to repay the Vector API's warm-up.
 *
 * <p>Why it exists: the {@code vector} backend's kernels are fast only once C2 has compiled
 * them; until then every vector operation runs as an allocating library call, tens of times
 * slower than scalar code. A long-running learner pays that once. A local A2C run on
 * CartPole (64-64 networks, 40-transition rollouts) is over in about a second and spent most of
 * it there: 10,000 steps took 2.6-3.8 s on {@code vector} and 0.86 s with scalar kernels on the
 * same loaded machine. Scalar loops compile within milliseconds and are competitive at these
 * sizes.
 *
 * <p>Numerics: products are the {@code vector} backend's bits (one sequential FMA chain per
 * entry, see {@link ScalarGemm}), except for the transposed-B shapes that backend sums in
 * vector lanes; element-wise operations are {@link ArrayBackend}'s scalar loops, which compute
 * the same expressions as that backend's lanes; only {@link #sumOfSquares} adds in another order
 * (sequentially, in double). A network evaluated here gives a policy snapshot's actions bit for
 * bit.
 *
 * <p>Used by one thread at a time.
 */
public final class ScalarBackend extends ArrayBackend {

    public ScalarBackend() {
    }

    /** For {@link ComputeBackends#create(String, int)}: scalar code runs on the calling thread only. */
    public ScalarBackend(int threads) {
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("threads must be in [1, 256], got " + threads);
        }
    }

    @Override
    public String name() {
        return ComputeBackends.SCALAR;
    }

    @Override
    protected void multiply(ArrayMatrix x, boolean transposeA, ArrayMatrix y, boolean transposeB, ArrayMatrix z, int m,
                            int n, int k, boolean accumulate) {
        ScalarGemm.multiply(x.data, transposeA ? 1 : x.cols, transposeA ? x.cols : 1, y.data,
                transposeB ? 1 : y.cols, transposeB ? y.cols : 1, z.data, m, n, k, accumulate);
    }

    @Override
    public void close() {
    }
}
