package io.streamrl.bench;

import io.streamrl.core.compute.Activation;
import io.streamrl.core.compute.AdamStep;
import io.streamrl.core.compute.ComputeBackend;
import io.streamrl.core.compute.Matrix;
import io.streamrl.core.compute.RmsPropStep;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * Wraps a backend, counts the floating-point operations of its matrix products ({@code 2 M N K}
 * each, the work that dominates an update and that a core's peak refers to) and adds up the time
 * spent in each kind of operation, to show where an update's time goes. Element-wise kernels are
 * left out of the FLOP count, as BLAS-based FLOP figures also leave them out. Timing costs two
 * clock reads per operation (tens of nanoseconds), small against an update's tens of microseconds.
 */
final class ProfilingBackend implements ComputeBackend {

    /** What an operation is counted as. */
    enum Op {
        MATMUL, BIAS_ACTIVATION, ACTIVATION_BACKWARD, COLUMN_SUMS, ADAM, POLYAK, OTHER
    }

    private final ComputeBackend delegate;
    private final LongSupplier nanoTime;
    private final long[] nanos = new long[Op.values().length];
    private long matmulFlops;

    ProfilingBackend(ComputeBackend delegate, LongSupplier nanoTime) {
        this.delegate = delegate;
        this.nanoTime = nanoTime;
    }

    long matmulFlops() {
        return matmulFlops;
    }

    long nanos(Op op) {
        return nanos[op.ordinal()];
    }

    /** Starts counting and timing afresh, e.g. after warm-up. */
    void reset() {
        Arrays.fill(nanos, 0);
        matmulFlops = 0;
    }

    private void timed(Op op, Runnable call) {
        long t0 = nanoTime.getAsLong();
        call.run();
        nanos[op.ordinal()] += nanoTime.getAsLong() - t0;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public Matrix allocate(int rows, int cols) {
        return delegate.allocate(rows, cols);
    }

    @Override
    public void matmul(Matrix a, boolean transposeA, Matrix b, boolean transposeB, Matrix c, boolean accumulate) {
        int k = transposeA ? a.rows() : a.cols();
        matmulFlops += 2L * c.rows() * c.cols() * k;
        timed(Op.MATMUL, () -> delegate.matmul(a, transposeA, b, transposeB, c, accumulate));
    }

    @Override
    public void addBiasActivate(Matrix z, Matrix bias, Activation f, Matrix out) {
        timed(Op.BIAS_ACTIVATION, () -> delegate.addBiasActivate(z, bias, f, out));
    }

    @Override
    public void activationBackward(Matrix y, Activation f, Matrix grad) {
        timed(Op.ACTIVATION_BACKWARD, () -> delegate.activationBackward(y, f, grad));
    }

    @Override
    public void columnSums(Matrix m, Matrix out, boolean accumulate) {
        timed(Op.COLUMN_SUMS, () -> delegate.columnSums(m, out, accumulate));
    }

    @Override
    public void adam(Matrix param, Matrix grad, Matrix firstMoment, Matrix secondMoment, AdamStep step) {
        timed(Op.ADAM, () -> delegate.adam(param, grad, firstMoment, secondMoment, step));
    }

    @Override
    public void rmsprop(Matrix param, Matrix grad, Matrix squareAverage, RmsPropStep step) {
        // Counted with Adam: both are "the optimizer step" in a breakdown.
        timed(Op.ADAM, () -> delegate.rmsprop(param, grad, squareAverage, step));
    }

    @Override
    public void polyak(Matrix source, Matrix target, float tau) {
        timed(Op.POLYAK, () -> delegate.polyak(source, target, tau));
    }

    @Override
    public void copy(Matrix src, Matrix dst) {
        timed(Op.OTHER, () -> delegate.copy(src, dst));
    }

    @Override
    public void transpose(Matrix src, Matrix dst) {
        timed(Op.OTHER, () -> delegate.transpose(src, dst));
    }

    @Override
    public void copyColumns(Matrix src, int srcCol, Matrix dst, int dstCol, int count) {
        timed(Op.OTHER, () -> delegate.copyColumns(src, srcCol, dst, dstCol, count));
    }

    @Override
    public void bellmanTarget(Matrix reward, Matrix terminated, Matrix nextValue, float gamma, Matrix out) {
        timed(Op.OTHER, () -> delegate.bellmanTarget(reward, terminated, nextValue, gamma, out));
    }

    @Override
    public void scaledDifference(Matrix a, Matrix b, float scale, Matrix out) {
        timed(Op.OTHER, () -> delegate.scaledDifference(a, b, scale, out));
    }

    @Override
    public void addScaledDifference(Matrix a, Matrix b, float scale, Matrix out) {
        timed(Op.OTHER, () -> delegate.addScaledDifference(a, b, scale, out));
    }

    @Override
    public void fill(Matrix m, float value) {
        timed(Op.OTHER, () -> delegate.fill(m, value));
    }

    @Override
    public void minimum(Matrix a, Matrix b, Matrix out) {
        timed(Op.OTHER, () -> delegate.minimum(a, b, out));
    }

    @Override
    public void addClamped(Matrix a, Matrix noise, float lo, float hi) {
        timed(Op.OTHER, () -> delegate.addClamped(a, noise, lo, hi));
    }

    @Override
    public double sumOfSquares(Matrix m) {
        long t0 = nanoTime.getAsLong();
        double result = delegate.sumOfSquares(m);
        nanos[Op.OTHER.ordinal()] += nanoTime.getAsLong() - t0;
        return result;
    }

    @Override
    public void close() {
        delegate.close();
    }
}
