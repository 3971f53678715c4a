package io.streamrl.core.compute;

/**
 * A dense row-major float32 matrix owned by one {@link ComputeBackend}. Vectors are matrices
 * with one row (a bias) or one column (a batch of scalars).
 *
 * <p>Matrices from different backends never mix: every operation of a backend accepts only
 * matrices that it allocated.
 */
public interface Matrix {

    int rows();

    int cols();

    default int size() {
        return rows() * cols();
    }

    /** Copies the row-major contents into {@code dst}, which needs at least {@link #size()} entries. */
    void read(float[] dst);

    /** Overwrites the contents from the first {@link #size()} entries of row-major {@code src}. */
    void write(float[] src);

    /** A fresh row-major copy of the contents; for tests and checkpoints, not for hot paths. */
    default float[] toArray() {
        float[] out = new float[size()];
        read(out);
        return out;
    }

    float get(int row, int col);
}
