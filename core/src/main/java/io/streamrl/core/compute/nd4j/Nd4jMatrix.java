package io.streamrl.core.compute.nd4j;

import io.streamrl.core.compute.Matrix;
import java.nio.FloatBuffer;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A {@link Matrix} backed by a contiguous float32 row-major ({@code 'c'}) {@link INDArray}.
 *
 * <p>Element access goes through a {@link FloatBuffer} over the array's off-heap memory: on the
 * CPU backend that memory is the array itself, so reads and writes cost a memory copy instead
 * of one native call per element.
 */
final class Nd4jMatrix implements Matrix {

    private final Nd4jBackend owner;
    private final INDArray array;
    private final FloatBuffer host;
    private final int rows;
    private final int cols;

    Nd4jMatrix(Nd4jBackend owner, INDArray array) {
        this.owner = Objects.requireNonNull(owner, "owner");
        this.array = Objects.requireNonNull(array, "array");
        this.rows = Math.toIntExact(array.rows());
        this.cols = Math.toIntExact(array.columns());
        this.host = array.data().asNioFloat();
    }

    Nd4jBackend owner() {
        return owner;
    }

    /** The backing array; callers must have checked that the backend is still open. */
    INDArray array() {
        return array;
    }

    /** The off-heap contents as a buffer of {@link #size()} floats in row-major order. */
    FloatBuffer host() {
        return host;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public void read(float[] dst) {
        owner.checkOpen();
        if (dst.length < size()) {
            throw new IllegalArgumentException("read needs an array of at least " + size() + " floats for a "
                    + rows + "x" + cols + " matrix, got " + dst.length);
        }
        host.get(0, dst, 0, size());
    }

    @Override
    public void write(float[] src) {
        owner.checkOpen();
        if (src.length < size()) {
            throw new IllegalArgumentException("write needs at least " + size() + " floats for a " + rows + "x"
                    + cols + " matrix, got " + src.length);
        }
        host.put(0, src, 0, size());
    }

    @Override
    public float get(int row, int col) {
        owner.checkOpen();
        Objects.checkIndex(row, rows);
        Objects.checkIndex(col, cols);
        return host.get(row * cols + col);
    }

    @Override
    public String toString() {
        return "Nd4jMatrix[" + rows + "x" + cols + "]";
    }
}
