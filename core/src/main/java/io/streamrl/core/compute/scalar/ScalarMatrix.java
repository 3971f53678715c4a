package io.streamrl.core.compute.scalar;

import io.streamrl.core.compute.Matrix;

/** A row-major matrix backed by a plain float array; the storage of {@link ScalarBackend}. */
final class ScalarMatrix implements Matrix {

    final int rows;
    final int cols;
    final float[] data;

    ScalarMatrix(int rows, int cols) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("matrix dimensions must be >= 1, got " + rows + "x" + cols);
        }
        this.rows = rows;
        this.cols = cols;
        this.data = new float[Math.multiplyExact(rows, cols)];
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
        return "ScalarMatrix[" + rows + "x" + cols + "]";
    }
}
