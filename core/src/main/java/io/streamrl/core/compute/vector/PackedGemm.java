package io.streamrl.core.compute.vector;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast path of the matrix product: both operands are first copied ("packed") into the
 * order the inner kernel reads them, as in Goto and van de Geijn's GotoBLAS design.
 *
 * <ul>
 *   <li>A is packed into panels of as many rows as the kernel's register block has
 *       ({@link Kernel#rows()}), stored k-major, so the scalars the kernel broadcasts for one
 *       {@code k} are adjacent (the last panel is zero-padded);</li>
 *   <li>B is packed one block of {@code 2L} columns at a time into a contiguous {@code K x 2L}
 *       strip. Unpacked, consecutive rows of a 256-wide B lie 1 KiB apart and map to a handful
 *       of L1 sets, so the strip thrashed L1; packed, it stays there while every panel of A
 *       streams past it.</li>
 * </ul>
 *
 * Packing also absorbs transposes: any operand layout becomes the same kernel. The kernel
 * ({@link PanelKernel}) is a {@code rows} x 2-vector block of C, one sequential FMA chain per
 * entry of C, so results are bit-identical whatever its shape, to the unpacked kernels and to
 * scalar {@link Math#fma} loops. The caller passes the kernel in: {@code VectorBackend} picks the
 * fastest of several compiled copies and shapes ({@link KernelCopies}).
 */
final class PackedGemm {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    static final int BLOCK_COLS = 2 * L;

    /**
     * {@code C[rows() x 2L] (+)= A-panel B-strip} over {@code k}: one panel of packed A (at
     * {@code ao}) times the packed strip, into C at {@code co} with row stride {@code ldc}; only
     * the first {@code rows} rows are stored, and {@code accumulate} adds to C instead of
     * overwriting it.
     */
    interface Kernel {
        void multiply(float[] pa, int ao, float[] pb, float[] c, int co, int ldc, int k, int rows, boolean accumulate);

        /** Rows of the register block, and so of every panel of packed A this kernel reads. */
        int rows();
    }

    private PackedGemm() {
    }

    /** Floats needed to pack an {@code m x k} A into panels of {@code panelRows}. */
    static int packedASize(int m, int k, int panelRows) {
        return ceilDiv(m, panelRows) * panelRows * k;
    }

    /** Floats needed for one packed strip of B. */
    static int packedBSize(int k) {
        return k * BLOCK_COLS;
    }

    /**
     * Packs {@code A(i,p) = a[i*aRow + p*aCol]} into k-major panels of {@code panelRows} rows.
     * The loops follow the source layout so that reads stay sequential: along a row of A when it
     * is row-major, across adjacent entries when it is stored transposed.
     */
    static void packA(float[] a, int aRow, int aCol, int m, int k, int panelRows, float[] packed) {
        int panels = ceilDiv(m, panelRows);
        for (int t = 0; t < panels; t++) {
            int base = t * panelRows * k;
            int first = t * panelRows;
            int rows = Math.min(panelRows, m - first);
            if (rows < panelRows) {
                Arrays.fill(packed, base, base + panelRows * k, 0f);
            }
            if (aCol == 1) {
                for (int r = 0; r < rows; r++) {
                    int src = (first + r) * aRow;
                    for (int p = 0; p < k; p++) {
                        packed[base + p * panelRows + r] = a[src + p];
                    }
                }
            } else {
                for (int p = 0; p < k; p++) {
                    int src = first * aRow + p * aCol;
                    int dst = base + p * panelRows;
                    for (int r = 0; r < rows; r++) {
                        packed[dst + r] = a[src + r * aRow];
                    }
                }
            }
        }
    }

    /**
     * Computes the column blocks {@code [j0, j1)} of {@code C (+)= A B} (both multiples of
     * {@link #BLOCK_COLS} apart) from a packed A, with {@code B(p,j) = b[p*bRow + j*bCol]}.
     * Disjoint column ranges can run on different threads, each with its own strip buffer.
     */
    static void multiplyBlocks(Kernel kernel, float[] packedA, int m, int k, float[] b, int bRow, int bCol,
                               float[] c, int ldc, int j0, int j1, boolean accumulate, float[] strip) {
        int panelRows = kernel.rows();
        int panels = ceilDiv(m, panelRows);
        for (int j = j0; j < j1; j += BLOCK_COLS) {
            packB(b, bRow, bCol, k, j, BLOCK_COLS, strip);
            for (int t = 0; t < panels; t++) {
                kernel.multiply(packedA, t * panelRows * k, strip, c, t * panelRows * ldc + j, ldc, k,
                        Math.min(panelRows, m - t * panelRows), accumulate);
            }
        }
    }

    /**
     * One block of {@code width} (at most {@link #BLOCK_COLS}) columns starting at {@code j}, from
     * A packed in panels of {@code panelRows}.
     */
    static void multiplyNarrowBlock(float[] packedA, int m, int k, int panelRows, float[] b, int bRow, int bCol,
                                    float[] c, int ldc, int j, int width, boolean accumulate, float[] strip) {
        packB(b, bRow, bCol, k, j, width, strip);
        int panels = ceilDiv(m, panelRows);
        for (int t = 0; t < panels; t++) {
            int rows = Math.min(panelRows, m - t * panelRows);
            int a0 = t * panelRows * k;
            for (int r = 0; r < rows; r++) {
                int ci = (t * panelRows + r) * ldc + j;
                for (int jj = 0; jj < width; jj++) {
                    float s = accumulate ? c[ci + jj] : 0f;
                    for (int p = 0; p < k; p++) {
                        s = Math.fma(packedA[a0 + p * panelRows + r], strip[p * BLOCK_COLS + jj], s);
                    }
                    c[ci + jj] = s;
                }
            }
        }
    }

    /** Copies columns {@code j .. j+width-1} of B into a {@code k x BLOCK_COLS} strip (zero beyond width). */
    private static void packB(float[] b, int bRow, int bCol, int k, int j, int width, float[] strip) {
        if (bCol == 1 && width == BLOCK_COLS) {
            for (int p = 0; p < k; p++) {
                System.arraycopy(b, p * bRow + j, strip, p * BLOCK_COLS, BLOCK_COLS);
            }
            return;
        }
        for (int p = 0; p < k; p++) {
            int dst = p * BLOCK_COLS;
            int src = p * bRow + j * bCol;
            for (int jj = 0; jj < width; jj++) {
                strip[dst + jj] = b[src + jj * bCol];
            }
            for (int jj = width; jj < BLOCK_COLS; jj++) {
                strip[dst + jj] = 0f;
            }
        }
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
