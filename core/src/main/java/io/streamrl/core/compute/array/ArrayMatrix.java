package io.streamrl.core.compute.array;

import io.streamrl.core.compute.Matrix;

/**
 * A row-major matrix backed by a plain float array: the storage of the backends that extend
 * {@link ArrayBackend}. The fields are public for those backends' kernels in other packages;
 * everything else reads and writes through {@link Matrix}.
 */
public final class ArrayMatrix implements Matrix {

    public final int rows;
    public final int cols;
    public final float[] data;
    /** The backend class that allocated it: the array backends share storage, not each other's matrices. */
    final Class<? extends ArrayBackend> owner;

    ArrayMatrix(int rows, int cols, Class<? extends ArrayBackend> owner) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("matrix dimensions must be >= 1, got " + rows + "x" + cols);
        }
        this.rows = rows;
        this.cols = cols;
        this.data = new float[Math.multiplyExact(rows, cols)];
        this.owner = owner;
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
        System.arraycopy(data, 0, dst, 0, data.length);
    }

    @Override
    public void write(float[] src) {
        if (src.length < data.length) {
            throw new IllegalArgumentException("need " + data.length + " values for a " + rows + "x" + cols
                    + " matrix, got " + src.length);
        }
        System.arraycopy(src, 0, data, 0, data.length);
    }

    @Override
    public float get(int row, int col) {
        return data[row * cols + col];
    }

    @Override
    public String toString() {
        return "ArrayMatrix[" + rows + "x" + cols + " of " + owner.getSimpleName() + "]";
    }
}
