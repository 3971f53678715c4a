package io.streamrl.core.compute.nd4j;

import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Temporaries reused across calls, so that the hot kernels allocate nothing after warm-up.
 * Arrays are cached per purpose and shape; a network only ever uses a handful of shapes.
 */
final class ScratchArrays {

    /** Which temporary: two different slots of the same shape are two different arrays. */
    enum Slot {
        FIRST, SECOND
    }

    private record Key(Slot slot, int rows, int cols) {
    }

    private final Map<Key, INDArray> scratch = new HashMap<>();
    private final Map<Integer, INDArray> onesRows = new HashMap<>();

    /** A float32 {@code rows x cols} array with unspecified contents. */
    INDArray get(Slot slot, int rows, int cols) {
        return scratch.computeIfAbsent(new Key(slot, rows, cols),
                k -> Nd4j.create(DataType.FLOAT, new long[] {k.rows(), k.cols()}, 'c'));
    }

    /** A {@code 1 x length} row of ones that callers must not modify. */
    INDArray onesRow(int length) {
        return onesRows.computeIfAbsent(length, n -> Nd4j.ones(DataType.FLOAT, 1, n));
    }

    void close() {
        scratch.values().forEach(ScratchArrays::release);
        onesRows.values().forEach(ScratchArrays::release);
        scratch.clear();
        onesRows.clear();
    }

    static void release(INDArray array) {
        if (array.closeable() && !array.wasClosed()) {
            array.close();
        }
    }
}
