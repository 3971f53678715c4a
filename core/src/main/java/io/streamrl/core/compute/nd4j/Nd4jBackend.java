package io.streamrl.core.compute.nd4j;

import io.streamrl.core.compute.Activation;
import io.streamrl.core.compute.AdamStep;
import io.streamrl.core.compute.ComputeBackend;
import io.streamrl.core.compute.ComputeBackends;
import io.streamrl.core.compute.Matrix;
import io.streamrl.core.compute.RmsPropStep;
import java.nio.FloatBuffer;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import org.nd4j.common.config.ND4JSystemProperties;
import org.nd4j.linalg.api.blas.Level1;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarAdd;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarDivision;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.api.ops.impl.transforms.clip.ClipByValue;
import org.nd4j.linalg.api.ops.impl.transforms.floating.Sqrt;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.DivOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.same.Min;
import org.nd4j.linalg.api.ops.impl.transforms.same.OneMinus;
import org.nd4j.linalg.api.ops.impl.transforms.same.Square;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The ND4J implementation of {@link ComputeBackend}: float32 row-major arrays on ND4J's native
 * CPU backend, held to one thread.
 *
 * <p>ND4J charges microseconds of fixed cost per operation, far more than the arithmetic of the
 * small matrices a DDPG network multiplies, so the kernels issue as few operations as possible:
 * BLAS level 1 ({@code axpy}, {@code scal}, {@code copy}) where it fits, since it bypasses the op
 * executioner (about 1 µs against 5-30 µs for an op); otherwise ops writing straight into their
 * output; temporaries are reused from {@link ScratchArrays} rather than allocated per call.
 *
 * <p>Creating a backend configures the process-wide ND4J runtime (see {@link #Nd4jBackend()}).
 */
public final class Nd4jBackend implements ComputeBackend {

    private final OpExecutioner executioner;
    private final Level1 blas;
    private final ScratchArrays scratch = new ScratchArrays();
    private final float[] hostChunk = new float[4096];
    /** Live matrices, so that {@link #close()} can free their native memory; weak, so dropped ones are collected. */
    private final Set<Nd4jMatrix> matrices = Collections.newSetFromMap(new WeakHashMap<>());
    private boolean closed;

    /**
     * Loads ND4J (the first time in a JVM this unpacks its native libraries, which takes seconds)
     * and holds it to one thread: its default worker and OpenMP BLAS threads busy-wait, which on
     * a small shared machine slows these small kernels down and starves the learner's other
     * threads. Unless the JVM was started with {@code -Dorg.nd4j.log.initialization=true},
     * ND4J's start-up banner is silenced, leaving a single line about the CPU instruction set.
     */
    public Nd4jBackend() {
        this(1);
    }

    /**
     * @param threads threads for ND4J's element-wise loops and OpenBLAS; more than one pays off
     *     only for large products (the default two busy-waiting OpenMP threads made small updates
     *     4-20x slower on a 2-core machine)
     */
    public Nd4jBackend(int threads) {
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("threads must be in [1, 256], got " + threads);
        }
        if (System.getProperty(ND4JSystemProperties.LOG_INITIALIZATION) == null) {
            System.setProperty(ND4JSystemProperties.LOG_INITIALIZATION, "false");
        }
        // Environment.setMaxThreads is a no-op in ND4J 1.0.0-M2.1; the master-thread limit is what
        // bounds its element-wise loops, and the BLAS limit bounds OpenBLAS.
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
        this.executioner = Nd4j.getExecutioner();
        this.blas = Nd4j.getBlasWrapper().level1();
    }

    @Override
    public String name() {
        return ComputeBackends.ND4J;
    }

    @Override
    public Matrix allocate(int rows, int cols) {
        checkOpen();
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("matrix dimensions must be at least 1x1, got " + rows + "x" + cols);
        }
        Nd4jMatrix m = new Nd4jMatrix(this, Nd4j.create(DataType.FLOAT, new long[] {rows, cols}, 'c'));
        matrices.add(m);
        return m;
    }

    @Override
    public void matmul(Matrix a, boolean transposeA, Matrix b, boolean transposeB, Matrix c, boolean accumulate) {
        INDArray x = array(a);
        INDArray y = array(b);
        INDArray z = array(c);
        int m = transposeA ? a.cols() : a.rows();
        int k = transposeA ? a.rows() : a.cols();
        int kb = transposeB ? b.cols() : b.rows();
        int n = transposeB ? b.rows() : b.cols();
        if (k != kb || c.rows() != m || c.cols() != n) {
            throw new IllegalArgumentException("matmul shapes do not fit: op(a) is " + m + "x" + k + ", op(b) is " + kb
                    + "x" + n + ", c is " + shape(c) + " (transposeA=" + transposeA + ", transposeB=" + transposeB
                    + ")");
        }
        requireDistinct(c, a, "matmul output c", "input a");
        requireDistinct(c, b, "matmul output c", "input b");
        Nd4j.gemm(x, y, z, transposeA, transposeB, 1.0, accumulate ? 1.0 : 0.0);
    }

    @Override
    public void addBiasActivate(Matrix z, Matrix bias, Activation f, Matrix out) {
        requireSameShape("addBiasActivate", z, out);
        if (bias.rows() != 1 || bias.cols() != z.cols()) {
            throw new IllegalArgumentException("addBiasActivate needs a 1x" + z.cols() + " bias for a " + shape(z)
                    + " input, got " + shape(bias));
        }
        requireDistinct(out, bias, "addBiasActivate output", "bias");
        INDArray o = array(out);
        executioner.exec(new BroadcastAddOp(array(z), array(bias), o, 1));
        switch (f) {
            case IDENTITY -> {
            }
            // max(x, 0) in ND4J is "x < 0 ? 0 : x", which passes NaN through as Activation.RELU does.
            case RELU -> executioner.exec(new RectifiedLinear(o, o, 0.0));
            case TANH -> applyOnHost(host(out), out.size(), Activation.TANH);
        }
    }

    /**
     * ND4J's tanh (legacy and custom op alike) is a fast approximation: it returns 0 for
     * tanh(1e-8) and is off by up to 3e-4 relative elsewhere, and its expm1 has the same flaw, so
     * no sequence of ND4J ops gives an accurate tanh. The reference function runs in place on the
     * array's memory instead: identical to {@link Activation#apply}, at the price of a scalar loop
     * (Math.tanh is not intrinsified on Java 17: about 50 ns per entry, so ~15 µs for a 256x1
     * output layer but milliseconds for a 256x256 hidden layer).
     */
    private static void applyOnHost(FloatBuffer values, int size, Activation f) {
        for (int i = 0; i < size; i++) {
            values.put(i, f.apply(values.get(i)));
        }
    }

    @Override
    public void activationBackward(Matrix y, Activation f, Matrix grad) {
        requireSameShape("activationBackward", y, grad);
        requireDistinct(grad, y, "activationBackward gradient", "forward output y");
        INDArray g = array(grad);
        INDArray out = array(y);
        if (f == Activation.IDENTITY) {
            return;
        }
        INDArray derivative = scratch.get(ScratchArrays.Slot.FIRST, y.rows(), y.cols());
        switch (f) {
            // step(y) = y > 0 ? 1 : 0, so NaN gets slope 0 as in Activation.RELU. ND4J's fused
            // relu backprop ops (thresholdedrelu_bp, compare-and-set) were 2-8x slower than this pair.
            case RELU -> executioner.exec(new Step(out, derivative, 0.0));
            case TANH -> {
                executioner.exec(new Square(out, derivative));
                executioner.exec(new OneMinus(derivative, derivative));
            }
        }
        executioner.exec(new MulOp(g, derivative, g));
    }

    @Override
    public void columnSums(Matrix m, Matrix out, boolean accumulate) {
        if (out.rows() != 1 || out.cols() != m.cols()) {
            throw new IllegalArgumentException("columnSums of a " + shape(m) + " matrix needs a 1x" + m.cols()
                    + " output, got " + shape(out));
        }
        requireDistinct(out, m, "columnSums output", "input");
        INDArray x = array(m);
        // A row of ones times m is one BLAS call that also accumulates, and beats ND4J's sum(0).
        Nd4j.gemm(scratch.onesRow(m.rows()), x, array(out), false, false, 1.0, accumulate ? 1.0 : 0.0);
    }

    /**
     * Ten operations (twelve with weight decay) of BLAS level 1 and ND4J element-wise ops,
     * evaluating the formula of {@link AdamStep} term by term. ND4J's own {@code AdamUpdater} op
     * is not used: it adds epsilon before the bias correction of the second moment (a different
     * formula) and was slower than this sequence on one thread. ND4J's sqrt takes most of the
     * time for large parameter matrices.
     */
    @Override
    public void adam(Matrix param, Matrix grad, Matrix firstMoment, Matrix secondMoment, AdamStep step) {
        requireSameShape("adam gradient", param, grad);
        requireSameShape("adam first moment", param, firstMoment);
        requireSameShape("adam second moment", param, secondMoment);
        requireDistinct(param, grad, "adam parameter", "gradient");
        requireDistinct(firstMoment, secondMoment, "adam first moment", "second moment");
        INDArray p = array(param);
        INDArray m = array(firstMoment);
        INDArray v = array(secondMoment);
        long n = param.size();
        INDArray g = array(grad);
        if (step.weightDecay() != 0f) {
            INDArray decayed = scratch.get(ScratchArrays.Slot.SECOND, param.rows(), param.cols());
            blas.copy(g, decayed);
            blas.axpy(n, step.weightDecay(), p, decayed);
            g = decayed;
        }
        INDArray t = scratch.get(ScratchArrays.Slot.FIRST, param.rows(), param.cols());
        blas.scal(n, step.beta1(), m);
        blas.axpy(n, 1f - step.beta1(), g, m);
        executioner.exec(new Square(g, t));
        blas.scal(n, step.beta2(), v);
        blas.axpy(n, 1f - step.beta2(), t, v);
        executioner.exec(new Sqrt(v, t));
        executioner.exec(new ScalarDivision(t, null, t, step.sqrtBiasCorrection2()));
        executioner.exec(new ScalarAdd(t, null, t, step.epsilon()));
        executioner.exec(new DivOp(m, t, t));
        blas.axpy(n, -step.stepSize(), t, p);
    }

    @Override
    public void rmsprop(Matrix param, Matrix grad, Matrix squareAverage, RmsPropStep step) {
        requireSameShape("rmsprop gradient", param, grad);
        requireSameShape("rmsprop square average", param, squareAverage);
        requireDistinct(param, grad, "rmsprop parameter", "gradient");
        requireDistinct(squareAverage, grad, "rmsprop square average", "gradient");
        INDArray p = array(param);
        INDArray v = array(squareAverage);
        long n = param.size();
        // The clipped gradient in a temporary: the network's gradient must stay as it was.
        INDArray g = scratch.get(ScratchArrays.Slot.SECOND, param.rows(), param.cols());
        blas.copy(array(grad), g);
        if (step.gradScale() != 1f) {
            blas.scal(n, step.gradScale(), g);
        }
        INDArray t = scratch.get(ScratchArrays.Slot.FIRST, param.rows(), param.cols());
        executioner.exec(new Square(g, t));
        blas.scal(n, step.alpha(), v);
        blas.axpy(n, 1f - step.alpha(), t, v);
        executioner.exec(new Sqrt(v, t));
        executioner.exec(new ScalarAdd(t, null, t, step.epsilon()));
        executioner.exec(new DivOp(g, t, t));
        blas.axpy(n, -step.lr(), t, p);
    }

    @Override
    public void polyak(Matrix source, Matrix target, float tau) {
        requireSameShape("polyak", source, target);
        requireDistinct(target, source, "polyak target", "source");
        INDArray t = array(target);
        blas.scal(t.length(), 1f - tau, t);
        blas.axpy(t.length(), tau, array(source), t);
    }

    @Override
    public void copy(Matrix src, Matrix dst) {
        requireSameShape("copy", src, dst);
        INDArray s = array(src);
        INDArray d = array(dst);
        if (s != d) {
            blas.copy(s, d);
        }
    }

    @Override
    public void transpose(Matrix src, Matrix dst) {
        if (dst.rows() != src.cols() || dst.cols() != src.rows()) {
            throw new IllegalArgumentException("transpose of a " + shape(src) + " matrix needs a " + src.cols() + "x"
                    + src.rows() + " destination, got " + shape(dst));
        }
        requireDistinct(dst, src, "transpose destination", "source");
        array(dst).assign(array(src).transpose());
    }

    @Override
    public void copyColumns(Matrix src, int srcCol, Matrix dst, int dstCol, int count) {
        if (src.rows() != dst.rows()) {
            throw new IllegalArgumentException("copyColumns needs equal row counts, got " + shape(src) + " and "
                    + shape(dst));
        }
        if (count < 1 || srcCol < 0 || dstCol < 0 || srcCol + count > src.cols() || dstCol + count > dst.cols()) {
            throw new IllegalArgumentException("copyColumns range out of bounds: " + count + " columns from column "
                    + srcCol + " of a " + shape(src) + " matrix to column " + dstCol + " of a " + shape(dst)
                    + " matrix");
        }
        requireDistinct(dst, src, "copyColumns destination", "source");
        INDArray from = array(src).get(NDArrayIndex.all(), NDArrayIndex.interval(srcCol, srcCol + count));
        array(dst).get(NDArrayIndex.all(), NDArrayIndex.interval(dstCol, dstCol + count)).assign(from);
    }

    @Override
    public void bellmanTarget(Matrix reward, Matrix terminated, Matrix nextValue, float gamma, Matrix out) {
        requireColumn("bellmanTarget reward", reward, out.rows());
        requireColumn("bellmanTarget terminated", terminated, out.rows());
        requireColumn("bellmanTarget nextValue", nextValue, out.rows());
        requireColumn("bellmanTarget output", out, out.rows());
        requireDistinct(out, reward, "bellmanTarget output", "reward");
        requireDistinct(out, terminated, "bellmanTarget output", "terminated");
        requireDistinct(out, nextValue, "bellmanTarget output", "nextValue");
        INDArray o = array(out);
        INDArray alive = scratch.get(ScratchArrays.Slot.FIRST, out.rows(), 1);
        executioner.exec(new OneMinus(array(terminated), alive));
        executioner.exec(new MulOp(alive, array(nextValue), alive));
        blas.copy(array(reward), o);
        blas.axpy(out.rows(), gamma, alive, o);
    }

    @Override
    public void scaledDifference(Matrix a, Matrix b, float scale, Matrix out) {
        requireSameShape("scaledDifference", a, b);
        requireSameShape("scaledDifference output", a, out);
        requireDistinct(out, b, "scaledDifference output", "b");
        INDArray o = array(out);
        INDArray x = array(a);
        if (o != x) {
            blas.copy(x, o);
        }
        blas.axpy(o.length(), -1.0, array(b), o);
        blas.scal(o.length(), scale, o);
    }

    /** Two BLAS axpy calls, {@code out += scale a}, then {@code out -= scale b}: no temporary, no op executioner. */
    @Override
    public void addScaledDifference(Matrix a, Matrix b, float scale, Matrix out) {
        requireSameShape("addScaledDifference", a, b);
        requireSameShape("addScaledDifference output", a, out);
        requireDistinct(out, a, "addScaledDifference output", "a");
        requireDistinct(out, b, "addScaledDifference output", "b");
        INDArray o = array(out);
        blas.axpy(o.length(), scale, array(a), o);
        blas.axpy(o.length(), -scale, array(b), o);
    }

    @Override
    public void fill(Matrix m, float value) {
        array(m).assign(value);
    }

    @Override
    public void minimum(Matrix a, Matrix b, Matrix out) {
        requireSameShape("minimum", a, b);
        requireSameShape("minimum output", a, out);
        requireDistinct(out, b, "minimum output", "b");
        executioner.exec(new Min(array(a), array(b), array(out)));
    }

    @Override
    public void addClamped(Matrix a, Matrix noise, float lo, float hi) {
        requireSameShape("addClamped", a, noise);
        requireDistinct(a, noise, "addClamped target", "noise");
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("addClamped needs lo <= hi, got lo=" + lo + ", hi=" + hi);
        }
        INDArray x = array(a);
        blas.axpy(x.length(), 1.0, array(noise), x);
        ClipByValue clip = new ClipByValue(x, lo, hi);
        clip.addOutputArgument(x);
        executioner.exec(clip);
    }

    /**
     * On the host: ND4J reduces float32 in float32, and this contract asks for double
     * accumulation (so that neither overflow nor lost small terms hide in the result).
     */
    @Override
    public double sumOfSquares(Matrix m) {
        FloatBuffer values = host(m);
        int n = m.size();
        float[] chunk = hostChunk;
        // Bulk copies into a small array let the JIT unroll the loop; direct-buffer reads do not.
        // Four partial sums break the dependency chain of one running sum.
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        for (int start = 0; start < n; start += chunk.length) {
            int length = Math.min(chunk.length, n - start);
            values.get(start, chunk, 0, length);
            int i = 0;
            for (; i + 3 < length; i += 4) {
                double v0 = chunk[i];
                double v1 = chunk[i + 1];
                double v2 = chunk[i + 2];
                double v3 = chunk[i + 3];
                s0 += v0 * v0;
                s1 += v1 * v1;
                s2 += v2 * v2;
                s3 += v3 * v3;
            }
            for (; i < length; i++) {
                double v = chunk[i];
                s0 += v * v;
            }
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** Frees every matrix this backend allocated and its temporaries; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Nd4jMatrix m : matrices) {
            ScratchArrays.release(m.array());
        }
        matrices.clear();
        scratch.close();
    }

    @Override
    public String toString() {
        return "Nd4jBackend[" + (closed ? "closed" : "open") + "]";
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the nd4j compute backend is closed; its matrices can no longer be used");
        }
    }

    private Nd4jMatrix own(Matrix m) {
        checkOpen();
        if (m instanceof Nd4jMatrix nd && nd.owner() == this) {
            return nd;
        }
        throw new IllegalArgumentException("matrix " + m + " was not allocated by this nd4j backend; allocate it with"
                + " this backend's allocate or fromArray");
    }

    private INDArray array(Matrix m) {
        return own(m).array();
    }

    private FloatBuffer host(Matrix m) {
        return own(m).host();
    }

    private static String shape(Matrix m) {
        return m.rows() + "x" + m.cols();
    }

    private static void requireSameShape(String what, Matrix expected, Matrix actual) {
        if (expected.rows() != actual.rows() || expected.cols() != actual.cols()) {
            throw new IllegalArgumentException(what + ": shapes differ, " + shape(expected) + " vs " + shape(actual));
        }
    }

    private static void requireColumn(String what, Matrix m, int rows) {
        if (m.rows() != rows || m.cols() != 1) {
            throw new IllegalArgumentException(what + " must be " + rows + "x1, got " + shape(m));
        }
    }

    /** Guards the aliasing rule of {@link ComputeBackend}: in-place BLAS calls would silently compute garbage. */
    private static void requireDistinct(Matrix out, Matrix in, String outName, String inName) {
        if (out == in) {
            throw new IllegalArgumentException(outName + " must not be the same matrix as the " + inName);
        }
    }
}
