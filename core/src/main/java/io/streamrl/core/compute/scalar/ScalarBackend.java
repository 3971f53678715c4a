package io.streamrl.core.compute.scalar;

import io.streamrl.core.compute.Activation;
import io.streamrl.core.compute.AdamStep;
import io.streamrl.core.compute.ComputeBackend;
import io.streamrl.core.compute.ComputeBackends;
import io.streamrl.core.compute.Matrix;
import io.streamrl.core.compute.RmsPropStep;
import java.util.Arrays;

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
 * vector lanes; element-wise operations compute the same expressions as its kernels; only
 * {@link #sumOfSquares} adds in another order (sequentially, in double). A network evaluated
 * here gives a policy snapshot's actions bit for bit.
 *
 * <p>Used by one thread at a time.
 */
public final class ScalarBackend implements ComputeBackend {

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
    public Matrix allocate(int rows, int cols) {
        return new ScalarMatrix(rows, cols);
    }

    @Override
    public void matmul(Matrix a, boolean transposeA, Matrix b, boolean transposeB, Matrix c, boolean accumulate) {
        ScalarMatrix x = cast(a);
        ScalarMatrix y = cast(b);
        ScalarMatrix z = cast(c);
        int m = transposeA ? x.cols : x.rows;
        int k = transposeA ? x.rows : x.cols;
        int kb = transposeB ? y.cols : y.rows;
        int n = transposeB ? y.rows : y.cols;
        if (k != kb || z.rows != m || z.cols != n) {
            throw new IllegalArgumentException("matmul shapes do not fit: op(a) " + m + "x" + k + ", op(b) " + kb
                    + "x" + n + ", c " + z.rows + "x" + z.cols);
        }
        if (z == x || z == y) {
            throw new IllegalArgumentException("matmul output must not alias an input");
        }
        ScalarGemm.multiply(x.data, transposeA ? 1 : x.cols, transposeA ? x.cols : 1, y.data,
                transposeB ? 1 : y.cols, transposeB ? y.cols : 1, z.data, m, n, k, accumulate);
    }

    @Override
    public void addBiasActivate(Matrix z, Matrix bias, Activation f, Matrix out) {
        ScalarMatrix in = cast(z);
        ScalarMatrix b = cast(bias);
        ScalarMatrix o = cast(out);
        requireSameShape(in, o, "addBiasActivate out");
        if (b.rows != 1 || b.cols != in.cols) {
            throw new IllegalArgumentException("bias must be 1x" + in.cols + ", got " + b.rows + "x" + b.cols);
        }
        int cols = in.cols;
        for (int r = 0; r < in.rows; r++) {
            int base = r * cols;
            for (int j = 0; j < cols; j++) {
                o.data[base + j] = f.apply(in.data[base + j] + b.data[j]);
            }
        }
    }

    @Override
    public void activationBackward(Matrix y, Activation f, Matrix grad) {
        ScalarMatrix out = cast(y);
        ScalarMatrix g = cast(grad);
        requireSameShape(out, g, "activationBackward grad");
        float[] yd = out.data;
        float[] gd = g.data;
        switch (f) {
            case IDENTITY -> {
            }
            // As the vector kernel: zero where the output is not positive (not g * 0, which keeps a sign and NaN).
            case RELU -> {
                for (int i = 0; i < gd.length; i++) {
                    if (yd[i] <= 0f) {
                        gd[i] = 0f;
                    }
                }
            }
            case TANH -> {
                for (int i = 0; i < gd.length; i++) {
                    gd[i] *= Activation.TANH.derivativeFromOutput(yd[i]);
                }
            }
        }
    }

    @Override
    public void columnSums(Matrix m, Matrix out, boolean accumulate) {
        ScalarMatrix x = cast(m);
        ScalarMatrix o = cast(out);
        if (o.rows != 1 || o.cols != x.cols) {
            throw new IllegalArgumentException("columnSums out must be 1x" + x.cols + ", got " + o.rows + "x" + o.cols);
        }
        if (!accumulate) {
            Arrays.fill(o.data, 0f);
        }
        int cols = x.cols;
        for (int r = 0; r < x.rows; r++) {
            int base = r * cols;
            for (int j = 0; j < cols; j++) {
                o.data[j] += x.data[base + j];
            }
        }
    }

    @Override
    public void adam(Matrix param, Matrix grad, Matrix firstMoment, Matrix secondMoment, AdamStep step) {
        ScalarMatrix p = cast(param);
        ScalarMatrix g = cast(grad);
        ScalarMatrix m1 = cast(firstMoment);
        ScalarMatrix m2 = cast(secondMoment);
        requireSameShape(p, g, "adam grad");
        requireSameShape(p, m1, "adam first moment");
        requireSameShape(p, m2, "adam second moment");
        float[] pd = p.data;
        float[] gd = g.data;
        float[] md = m1.data;
        float[] vd = m2.data;
        float b1 = step.beta1();
        float b2 = step.beta2();
        float c1 = 1f - b1;
        float c2 = 1f - b2;
        float wd = step.weightDecay();
        float eps = step.epsilon();
        float lr = step.stepSize();
        float invSqrtBc2 = 1f / step.sqrtBiasCorrection2();
        for (int i = 0; i < pd.length; i++) {
            float gi = wd != 0f ? gd[i] + pd[i] * wd : gd[i];
            float mi = md[i] * b1 + gi * c1;
            float vi = vd[i] * b2 + gi * gi * c2;
            md[i] = mi;
            vd[i] = vi;
            pd[i] -= mi * lr / ((float) Math.sqrt(vi) * invSqrtBc2 + eps);
        }
    }

    @Override
    public void rmsprop(Matrix param, Matrix grad, Matrix squareAverage, RmsPropStep step) {
        ScalarMatrix p = cast(param);
        ScalarMatrix g = cast(grad);
        ScalarMatrix sq = cast(squareAverage);
        requireSameShape(p, g, "rmsprop grad");
        requireSameShape(p, sq, "rmsprop square average");
        float[] pd = p.data;
        float[] gd = g.data;
        float[] vd = sq.data;
        float scale = step.gradScale();
        float alpha = step.alpha();
        float keep = 1f - alpha;
        float eps = step.epsilon();
        float lr = step.lr();
        for (int i = 0; i < pd.length; i++) {
            float gi = gd[i] * scale;
            float vi = vd[i] * alpha + gi * gi * keep;
            vd[i] = vi;
            pd[i] -= gi / ((float) Math.sqrt(vi) + eps) * lr;
        }
    }

    @Override
    public void polyak(Matrix source, Matrix target, float tau) {
        ScalarMatrix s = cast(source);
        ScalarMatrix t = cast(target);
        requireSameShape(s, t, "polyak target");
        float keep = 1f - tau;
        for (int i = 0; i < s.data.length; i++) {
            t.data[i] = t.data[i] * keep + s.data[i] * tau;
        }
    }

    @Override
    public void copy(Matrix src, Matrix dst) {
        ScalarMatrix s = cast(src);
        ScalarMatrix d = cast(dst);
        requireSameShape(s, d, "copy dst");
        System.arraycopy(s.data, 0, d.data, 0, s.data.length);
    }

    @Override
    public void transpose(Matrix src, Matrix dst) {
        ScalarMatrix s = cast(src);
        ScalarMatrix d = cast(dst);
        if (d.rows != s.cols || d.cols != s.rows) {
            throw new IllegalArgumentException("transpose of " + s.rows + "x" + s.cols + " needs a " + s.cols + "x"
                    + s.rows + " destination, got " + d.rows + "x" + d.cols);
        }
        if (s == d) {
            throw new IllegalArgumentException("transpose output must not alias its input");
        }
        for (int r = 0; r < s.rows; r++) {
            for (int c = 0; c < s.cols; c++) {
                d.data[c * s.rows + r] = s.data[r * s.cols + c];
            }
        }
    }

    @Override
    public void copyColumns(Matrix src, int srcCol, Matrix dst, int dstCol, int count) {
        ScalarMatrix s = cast(src);
        ScalarMatrix d = cast(dst);
        if (s.rows != d.rows || srcCol < 0 || dstCol < 0 || count < 0 || srcCol + count > s.cols
                || dstCol + count > d.cols) {
            throw new IllegalArgumentException("copyColumns out of range: " + count + " columns from " + srcCol
                    + " of " + s.rows + "x" + s.cols + " to " + dstCol + " of " + d.rows + "x" + d.cols);
        }
        for (int r = 0; r < s.rows; r++) {
            System.arraycopy(s.data, r * s.cols + srcCol, d.data, r * d.cols + dstCol, count);
        }
    }

    @Override
    public void bellmanTarget(Matrix reward, Matrix terminated, Matrix nextValue, float gamma, Matrix out) {
        ScalarMatrix r = cast(reward);
        ScalarMatrix d = cast(terminated);
        ScalarMatrix q = cast(nextValue);
        ScalarMatrix o = cast(out);
        requireSameShape(r, d, "bellmanTarget terminated");
        requireSameShape(r, q, "bellmanTarget nextValue");
        requireSameShape(r, o, "bellmanTarget out");
        for (int i = 0; i < r.data.length; i++) {
            o.data[i] = r.data[i] + gamma * (1f - d.data[i]) * q.data[i];
        }
    }

    @Override
    public void scaledDifference(Matrix a, Matrix b, float scale, Matrix out) {
        ScalarMatrix x = cast(a);
        ScalarMatrix y = cast(b);
        ScalarMatrix o = cast(out);
        requireSameShape(x, y, "scaledDifference b");
        requireSameShape(x, o, "scaledDifference out");
        for (int i = 0; i < x.data.length; i++) {
            o.data[i] = scale * (x.data[i] - y.data[i]);
        }
    }

    @Override
    public void addScaledDifference(Matrix a, Matrix b, float scale, Matrix out) {
        ScalarMatrix x = cast(a);
        ScalarMatrix y = cast(b);
        ScalarMatrix o = cast(out);
        requireSameShape(x, y, "addScaledDifference b");
        requireSameShape(x, o, "addScaledDifference out");
        if (o == x || o == y) {
            throw new IllegalArgumentException("addScaledDifference out must be neither a nor b");
        }
        for (int i = 0; i < x.data.length; i++) {
            o.data[i] += scale * (x.data[i] - y.data[i]);
        }
    }

    @Override
    public void fill(Matrix m, float value) {
        Arrays.fill(cast(m).data, value);
    }

    @Override
    public void minimum(Matrix a, Matrix b, Matrix out) {
        ScalarMatrix x = cast(a);
        ScalarMatrix y = cast(b);
        ScalarMatrix o = cast(out);
        requireSameShape(x, y, "minimum b");
        requireSameShape(x, o, "minimum out");
        for (int i = 0; i < x.data.length; i++) {
            o.data[i] = Math.min(x.data[i], y.data[i]);
        }
    }

    @Override
    public void addClamped(Matrix a, Matrix noise, float lo, float hi) {
        ScalarMatrix x = cast(a);
        ScalarMatrix e = cast(noise);
        requireSameShape(x, e, "addClamped noise");
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = Math.min(Math.max(x.data[i] + e.data[i], lo), hi);
        }
    }

    @Override
    public double sumOfSquares(Matrix m) {
        double total = 0;
        for (float v : cast(m).data) {
            total += (double) v * v;
        }
        return total;
    }

    @Override
    public void close() {
    }

    private static ScalarMatrix cast(Matrix m) {
        if (m instanceof ScalarMatrix s) {
            return s;
        }
        throw new IllegalArgumentException("the scalar backend cannot use a matrix from another backend: " + m);
    }

    private static void requireSameShape(ScalarMatrix expected, ScalarMatrix actual, String what) {
        if (expected.rows != actual.rows || expected.cols != actual.cols) {
            throw new IllegalArgumentException(what + " must be " + expected.rows + "x" + expected.cols + ", got "
                    + actual.rows + "x" + actual.cols);
        }
    }
}
