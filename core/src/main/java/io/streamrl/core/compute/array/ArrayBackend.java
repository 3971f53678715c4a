package io.streamrl.core.compute.array;

import io.streamrl.core.compute.Activation;
import io.streamrl.core.compute.AdamStep;
import io.streamrl.core.compute.ComputeBackend;
import io.streamrl.core.compute.Matrix;
import io.streamrl.core.compute.RmsPropStep;
import java.util.Arrays;

/**
 * What the pure-Java backends ({@code scalar} and {@code vector}) share: row-major float arrays
 * ({@link ArrayMatrix}), the element-wise operations' argument checks, and their kernels as
 * scalar loops.
 *
 * <p>Each element-wise operation checks its matrices here and hands their arrays to a kernel. A
 * subclass overrides the kernels it computes otherwise (the {@code vector} backend in vector
 * lanes, finishing the last entries with the {@code scalar...} loops below from where its lanes
 * stopped, so that both backends compute the same expressions); the rest it inherits as they
 * are. Matrix products differ in every backend and stay with each.
 */
public abstract class ArrayBackend implements ComputeBackend {

    protected ArrayBackend() {
    }

    @Override
    public final Matrix allocate(int rows, int cols) {
        return new ArrayMatrix(rows, cols, getClass());
    }

    // ---------------------------------------------------------------- kernels a subclass may vectorise

    @Override
    public final void addBiasActivate(Matrix z, Matrix bias, Activation f, Matrix out) {
        ArrayMatrix in = cast(z);
        ArrayMatrix b = cast(bias);
        ArrayMatrix o = cast(out);
        requireSameShape(in, o, "addBiasActivate out");
        if (b.rows != 1 || b.cols != in.cols) {
            throw new IllegalArgumentException("bias must be 1x" + in.cols + ", got " + b.rows + "x" + b.cols);
        }
        addBiasActivate(in.data, b.data, f, o.data, in.rows, in.cols);
    }

    /** {@code dst[i][j] = f(src[i][j] + bias[j])} over {@code rows x cols} entries; {@code dst} may be {@code src}. */
    protected void addBiasActivate(float[] src, float[] bias, Activation f, float[] dst, int rows, int cols) {
        for (int i = 0; i < rows * cols; i += cols) {
            for (int j = 0; j < cols; j++) {
                dst[i + j] = apply(f, src[i + j] + bias[j]);
            }
        }
    }

    /**
     * {@code f(x)}, calling the activation as a constant: {@code f.apply} in a loop that every
     * activation (and both backends) runs through would be one call site that sees three classes,
     * a virtual call per entry that is never inlined.
     */
    private static float apply(Activation f, float x) {
        return switch (f) {
            case IDENTITY -> Activation.IDENTITY.apply(x);
            case RELU -> Activation.RELU.apply(x);
            case TANH -> Activation.TANH.apply(x);
        };
    }

    @Override
    public final void activationBackward(Matrix y, Activation f, Matrix grad) {
        ArrayMatrix out = cast(y);
        ArrayMatrix g = cast(grad);
        requireSameShape(out, g, "activationBackward grad");
        activationBackward(out.data, f, g.data);
    }

    /** {@code grad[i] *= f'(.)} from the forward outputs {@code y}. */
    protected void activationBackward(float[] y, Activation f, float[] grad) {
        switch (f) {
            case IDENTITY -> {
            }
            // Zero where the output is not positive (not g * 0, which keeps a sign and NaN), as the vector lanes do.
            case RELU -> scalarReluBackward(y, grad, 0);
            case TANH -> scalarTanhBackward(y, grad, 0);
        }
    }

    /** The ReLU backward pass on entries {@code from} to the end. */
    protected static void scalarReluBackward(float[] y, float[] grad, int from) {
        for (int i = from; i < grad.length; i++) {
            if (y[i] <= 0f) {
                grad[i] = 0f;
            }
        }
    }

    /** The tanh backward pass on entries {@code from} to the end. */
    protected static void scalarTanhBackward(float[] y, float[] grad, int from) {
        for (int i = from; i < grad.length; i++) {
            grad[i] *= Activation.TANH.derivativeFromOutput(y[i]);
        }
    }

    @Override
    public final void columnSums(Matrix m, Matrix out, boolean accumulate) {
        ArrayMatrix x = cast(m);
        ArrayMatrix o = cast(out);
        if (o.rows != 1 || o.cols != x.cols) {
            throw new IllegalArgumentException("columnSums out must be 1x" + x.cols + ", got " + o.rows + "x" + o.cols);
        }
        if (!accumulate) {
            Arrays.fill(o.data, 0f);
        }
        addColumnSums(x.data, x.rows, x.cols, o.data);
    }

    /** {@code out[j] += sum_r m[r][j]}, adding the rows in order. */
    protected void addColumnSums(float[] m, int rows, int cols, float[] out) {
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            for (int j = 0; j < cols; j++) {
                out[j] += m[base + j];
            }
        }
    }

    @Override
    public final void adam(Matrix param, Matrix grad, Matrix firstMoment, Matrix secondMoment, AdamStep step) {
        ArrayMatrix p = cast(param);
        ArrayMatrix g = cast(grad);
        ArrayMatrix m1 = cast(firstMoment);
        ArrayMatrix m2 = cast(secondMoment);
        requireSameShape(p, g, "adam grad");
        requireSameShape(p, m1, "adam first moment");
        requireSameShape(p, m2, "adam second moment");
        adam(p.data, g.data, m1.data, m2.data, step);
    }

    /** One Adam step (see {@link AdamStep}) on arrays of equal length. */
    protected void adam(float[] param, float[] grad, float[] firstMoment, float[] secondMoment, AdamStep step) {
        scalarAdam(param, grad, firstMoment, secondMoment, step, 0);
    }

    /** The Adam step on entries {@code from} to the end. */
    protected static void scalarAdam(float[] pd, float[] gd, float[] md, float[] vd, AdamStep step, int from) {
        float b1 = step.beta1();
        float b2 = step.beta2();
        float c1 = 1f - b1;
        float c2 = 1f - b2;
        float wd = step.weightDecay();
        float eps = step.epsilon();
        float lr = step.stepSize();
        float invSqrtBc2 = 1f / step.sqrtBiasCorrection2();
        for (int i = from; i < pd.length; i++) {
            float gi = wd != 0f ? gd[i] + pd[i] * wd : gd[i];
            float mi = md[i] * b1 + gi * c1;
            float vi = vd[i] * b2 + gi * gi * c2;
            md[i] = mi;
            vd[i] = vi;
            pd[i] -= mi * lr / ((float) Math.sqrt(vi) * invSqrtBc2 + eps);
        }
    }

    @Override
    public final void rmsprop(Matrix param, Matrix grad, Matrix squareAverage, RmsPropStep step) {
        ArrayMatrix p = cast(param);
        ArrayMatrix g = cast(grad);
        ArrayMatrix sq = cast(squareAverage);
        requireSameShape(p, g, "rmsprop grad");
        requireSameShape(p, sq, "rmsprop square average");
        rmsprop(p.data, g.data, sq.data, step);
    }

    /** One RMSprop step (see {@link RmsPropStep}) on arrays of equal length. */
    protected void rmsprop(float[] param, float[] grad, float[] squareAverage, RmsPropStep step) {
        scalarRmsprop(param, grad, squareAverage, step, 0);
    }

    /**
     * The RMSprop step on entries {@code from} to the end, in PyTorch's order: g *= clip;
     * v = v * alpha + (1 - alpha) * g * g; p += -lr * (g / (sqrt(v) + eps)).
     */
    protected static void scalarRmsprop(float[] pd, float[] gd, float[] vd, RmsPropStep step, int from) {
        float scale = step.gradScale();
        float alpha = step.alpha();
        float keep = 1f - alpha;
        float eps = step.epsilon();
        float lr = step.lr();
        for (int i = from; i < pd.length; i++) {
            float gi = gd[i] * scale;
            float vi = vd[i] * alpha + gi * gi * keep;
            vd[i] = vi;
            pd[i] -= gi / ((float) Math.sqrt(vi) + eps) * lr;
        }
    }

    @Override
    public final void polyak(Matrix source, Matrix target, float tau) {
        ArrayMatrix s = cast(source);
        ArrayMatrix t = cast(target);
        requireSameShape(s, t, "polyak target");
        polyak(s.data, t.data, tau);
    }

    /** {@code target = tau * source + (1 - tau) * target} on arrays of equal length. */
    protected void polyak(float[] source, float[] target, float tau) {
        scalarPolyak(source, target, tau, 0);
    }

    /** Polyak averaging of entries {@code from} to the end. */
    protected static void scalarPolyak(float[] sd, float[] td, float tau, int from) {
        float keep = 1f - tau;
        for (int i = from; i < sd.length; i++) {
            td[i] = td[i] * keep + sd[i] * tau;
        }
    }

    @Override
    public final double sumOfSquares(Matrix m) {
        return sumOfSquares(cast(m).data);
    }

    /** The sum of squared entries, accumulated in double. */
    protected double sumOfSquares(float[] values) {
        return scalarSumOfSquares(values, 0, 0);
    }

    /** {@code total} plus the squares of entries {@code from} to the end, added in order in double. */
    protected static double scalarSumOfSquares(float[] values, int from, double total) {
        for (int i = from; i < values.length; i++) {
            total += (double) values[i] * values[i];
        }
        return total;
    }

    // ---------------------------------------------------------------- kernels every array backend shares

    @Override
    public final void copy(Matrix src, Matrix dst) {
        ArrayMatrix s = cast(src);
        ArrayMatrix d = cast(dst);
        requireSameShape(s, d, "copy dst");
        System.arraycopy(s.data, 0, d.data, 0, s.data.length);
    }

    @Override
    public final void transpose(Matrix src, Matrix dst) {
        ArrayMatrix s = cast(src);
        ArrayMatrix d = cast(dst);
        if (d.rows != s.cols || d.cols != s.rows) {
            throw new IllegalArgumentException("transpose of " + s.rows + "x" + s.cols + " needs a " + s.cols + "x"
                    + s.rows + " destination, got " + d.rows + "x" + d.cols);
        }
        if (s == d) {
            throw new IllegalArgumentException("transpose output must not alias its input");
        }
        transposeArray(s.data, s.rows, s.cols, d.data);
    }

    /** {@code dst = src^T} for a row-major {@code rows x cols} {@code src}. */
    protected static void transposeArray(float[] src, int rows, int cols, float[] dst) {
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            for (int c = 0; c < cols; c++) {
                dst[c * rows + r] = src[base + c];
            }
        }
    }

    @Override
    public final void copyColumns(Matrix src, int srcCol, Matrix dst, int dstCol, int count) {
        ArrayMatrix s = cast(src);
        ArrayMatrix d = cast(dst);
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
    public final void bellmanTarget(Matrix reward, Matrix terminated, Matrix nextValue, float gamma, Matrix out) {
        ArrayMatrix r = cast(reward);
        ArrayMatrix d = cast(terminated);
        ArrayMatrix q = cast(nextValue);
        ArrayMatrix o = cast(out);
        requireSameShape(r, d, "bellmanTarget terminated");
        requireSameShape(r, q, "bellmanTarget nextValue");
        requireSameShape(r, o, "bellmanTarget out");
        for (int i = 0; i < r.data.length; i++) {
            o.data[i] = r.data[i] + gamma * (1f - d.data[i]) * q.data[i];
        }
    }

    @Override
    public final void scaledDifference(Matrix a, Matrix b, float scale, Matrix out) {
        ArrayMatrix x = cast(a);
        ArrayMatrix y = cast(b);
        ArrayMatrix o = cast(out);
        requireSameShape(x, y, "scaledDifference b");
        requireSameShape(x, o, "scaledDifference out");
        for (int i = 0; i < x.data.length; i++) {
            o.data[i] = scale * (x.data[i] - y.data[i]);
        }
    }

    @Override
    public final void addScaledDifference(Matrix a, Matrix b, float scale, Matrix out) {
        ArrayMatrix x = cast(a);
        ArrayMatrix y = cast(b);
        ArrayMatrix o = cast(out);
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
    public final void fill(Matrix m, float value) {
        Arrays.fill(cast(m).data, value);
    }

    @Override
    public final void minimum(Matrix a, Matrix b, Matrix out) {
        ArrayMatrix x = cast(a);
        ArrayMatrix y = cast(b);
        ArrayMatrix o = cast(out);
        requireSameShape(x, y, "minimum b");
        requireSameShape(x, o, "minimum out");
        for (int i = 0; i < x.data.length; i++) {
            o.data[i] = Math.min(x.data[i], y.data[i]);
        }
    }

    @Override
    public final void addClamped(Matrix a, Matrix noise, float lo, float hi) {
        ArrayMatrix x = cast(a);
        ArrayMatrix e = cast(noise);
        requireSameShape(x, e, "addClamped noise");
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = Math.min(Math.max(x.data[i] + e.data[i], lo), hi);
        }
    }

    // ---------------------------------------------------------------- products

    @Override
    public final void matmul(Matrix a, boolean transposeA, Matrix b, boolean transposeB, Matrix c,
                             boolean accumulate) {
        ArrayMatrix x = cast(a);
        ArrayMatrix y = cast(b);
        ArrayMatrix z = cast(c);
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
        multiply(x, transposeA, y, transposeB, z, m, n, k, accumulate);
    }

    /**
     * {@code z = op(x) op(y)}, or {@code z += ...} when {@code accumulate}; {@link #matmul} has
     * checked that op(x) is {@code m x k}, op(y) {@code k x n}, z {@code m x n} and that z is
     * neither input.
     */
    protected abstract void multiply(ArrayMatrix x, boolean transposeA, ArrayMatrix y, boolean transposeB,
                                     ArrayMatrix z, int m, int n, int k, boolean accumulate);

    // ---------------------------------------------------------------- checks

    /** {@code m} as this backend's storage; a matrix another backend allocated is refused. */
    protected final ArrayMatrix cast(Matrix m) {
        if (m instanceof ArrayMatrix a && a.owner == getClass()) {
            return a;
        }
        throw new IllegalArgumentException("the " + name() + " backend cannot use a matrix from another backend: " + m);
    }

    protected static void requireSameShape(ArrayMatrix expected, ArrayMatrix actual, String what) {
        if (expected.rows != actual.rows || expected.cols != actual.cols) {
            throw new IllegalArgumentException(what + " must be " + expected.rows + "x" + expected.cols + ", got "
                    + actual.rows + "x" + actual.cols);
        }
    }
}
