package io.streamrl.bench;

import io.streamrl.core.compute.Activation;
import io.streamrl.core.compute.AdamStep;
import io.streamrl.core.compute.ComputeBackend;
import io.streamrl.core.compute.Matrix;

/**
 * Wraps a backend and counts the floating-point operations of its matrix products
 * ({@code 2 M N K} each), the work that dominates an update and that a core's peak refers to.
 * Element-wise kernels are left out of the count, as BLAS-based FLOP figures also leave them out.
 */
final class FlopCountingBackend implements ComputeBackend {

    private final ComputeBackend delegate;
    private long matmulFlops;

    FlopCountingBackend(ComputeBackend delegate) {
        this.delegate = delegate;
    }

    long matmulFlops() {
        return matmulFlops;
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
        delegate.matmul(a, transposeA, b, transposeB, c, accumulate);
    }

    @Override
    public void addBiasActivate(Matrix z, Matrix bias, Activation f, Matrix out) {
        delegate.addBiasActivate(z, bias, f, out);
    }

    @Override
    public void activationBackward(Matrix y, Activation f, Matrix grad) {
        delegate.activationBackward(y, f, grad);
    }

    @Override
    public void columnSums(Matrix m, Matrix out, boolean accumulate) {
        delegate.columnSums(m, out, accumulate);
    }

    @Override
    public void adam(Matrix param, Matrix grad, Matrix firstMoment, Matrix secondMoment, AdamStep step) {
        delegate.adam(param, grad, firstMoment, secondMoment, step);
    }

    @Override
    public void polyak(Matrix source, Matrix target, float tau) {
        delegate.polyak(source, target, tau);
    }

    @Override
    public void copy(Matrix src, Matrix dst) {
        delegate.copy(src, dst);
    }

    @Override
    public void transpose(Matrix src, Matrix dst) {
        delegate.transpose(src, dst);
    }

    @Override
    public void copyColumns(Matrix src, int srcCol, Matrix dst, int dstCol, int count) {
        delegate.copyColumns(src, srcCol, dst, dstCol, count);
    }

    @Override
    public void bellmanTarget(Matrix reward, Matrix terminated, Matrix nextValue, float gamma, Matrix out) {
        delegate.bellmanTarget(reward, terminated, nextValue, gamma, out);
    }

    @Override
    public void scaledDifference(Matrix a, Matrix b, float scale, Matrix out) {
        delegate.scaledDifference(a, b, scale, out);
    }

    @Override
    public void fill(Matrix m, float value) {
        delegate.fill(m, value);
    }

    @Override
    public void minimum(Matrix a, Matrix b, Matrix out) {
        delegate.minimum(a, b, out);
    }

    @Override
    public void addClamped(Matrix a, Matrix noise, float lo, float hi) {
        delegate.addClamped(a, noise, lo, hi);
    }

    @Override
    public double sumOfSquares(Matrix m) {
        return delegate.sumOfSquares(m);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
