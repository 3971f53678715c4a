package io.streamrl.core.compute.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Matrix products without packing, for the shapes where packing does not pay: a B small
 * enough to stay in L1 as it is (a 64 x 64 layer), fewer than six rows (a single observation,
 * the weight gradient of a small first layer) and fewer columns than one vector (an output
 * layer). Larger products go to {@link PackedGemm}.
 *
 * <p>{@code C = A B} (or {@code C += A B}) with {@code A(i,k) = a[i*aRow + k*aCol]} (so a
 * transposed A is just other strides), {@code B(k,j) = b[k*ldb + j]} and
 * {@code C(i,j) = c[i*ldc + j]}. The tiles broadcast one element of A, load vectors from a row
 * of B and accumulate with FMA into registers. Bias and activation are deliberately not fused
 * into these loops: a separate cheap pass keeps them small enough for C2 to allocate
 * registers well.
 *
 * <p>Numerics: every {@code C(i,j)} is a sequential FMA chain over {@code k}, starting from 0
 * (or from {@code C(i,j)} when accumulating). That is the order of a plain scalar loop with
 * {@link Math#fma}, so a policy evaluated by scalar code is bit-identical to the same network
 * evaluated here.
 */
final class Gemm {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int TILE_COLS = 2 * L;

    private Gemm() {
    }

    /**
     * The 6 x 2-vector tile {@code C[i..i+5][j..j+2L)} (+)= {@code A[i..i+5][0..k) B[0..k)[j..j+2L)}
     * with the strides of {@link #multiply}: the hot loop of most unpacked products.
     */
    interface Tile {
        void multiply6x2(float[] a, int aRow, int aCol, float[] b, int ldb, float[] c, int ldc, int i, int j, int k,
                         boolean accumulate);
    }

    static void multiply(Tile tile, float[] a, int aRow, int aCol, float[] b, int ldb, float[] c, int ldc,
                         int m, int n, int k, boolean accumulate) {
        int j = 0;
        for (; j + TILE_COLS <= n; j += TILE_COLS) {
            int i = 0;
            for (; i + 6 <= m; i += 6) {
                tile.multiply6x2(a, aRow, aCol, b, ldb, c, ldc, i, j, k, accumulate);
            }
            for (; i + 4 <= m; i += 4) {
                tile4x2(a, aRow, aCol, b, ldb, c, ldc, i, j, k, accumulate);
            }
            for (; i < m; i++) {
                tile1x2(a, aRow, aCol, b, ldb, c, ldc, i, j, k, accumulate);
            }
        }
        for (; j + L <= n; j += L) {
            for (int i = 0; i < m; i++) {
                tile1x1(a, aRow, aCol, b, ldb, c, ldc, i, j, k, accumulate);
            }
        }
        if (j < n) {
            int i = 0;
            if (aRow == 1) {
                i = narrowColumnsTransposedA(a, aCol, b, ldb, c, ldc, m, j, n, k, accumulate);
            }
            narrowColumns(a, aRow, aCol, b, ldb, c, ldc, i, m, j, n, k, accumulate);
        }
    }

    private static void tile4x2(float[] a, int aRow, int aCol, float[] b, int ldb, float[] c, int ldc,
                                int i, int j, int k, boolean acc) {
        int c0 = i * ldc + j;
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        FloatVector r00 = init(c, c0, acc);
        FloatVector r01 = init(c, c0 + L, acc);
        FloatVector r10 = init(c, c1, acc);
        FloatVector r11 = init(c, c1 + L, acc);
        FloatVector r20 = init(c, c2, acc);
        FloatVector r21 = init(c, c2 + L, acc);
        FloatVector r30 = init(c, c3, acc);
        FloatVector r31 = init(c, c3 + L, acc);
        int a0 = i * aRow;
        int a1 = a0 + aRow;
        int a2 = a1 + aRow;
        int a3 = a2 + aRow;
        for (int p = 0; p < k; p++) {
            int bo = p * ldb + j;
            int ao = p * aCol;
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + ao]);
            r00 = x.fma(b0, r00);
            r01 = x.fma(b1, r01);
            x = FloatVector.broadcast(S, a[a1 + ao]);
            r10 = x.fma(b0, r10);
            r11 = x.fma(b1, r11);
            x = FloatVector.broadcast(S, a[a2 + ao]);
            r20 = x.fma(b0, r20);
            r21 = x.fma(b1, r21);
            x = FloatVector.broadcast(S, a[a3 + ao]);
            r30 = x.fma(b0, r30);
            r31 = x.fma(b1, r31);
        }
        r00.intoArray(c, c0);
        r01.intoArray(c, c0 + L);
        r10.intoArray(c, c1);
        r11.intoArray(c, c1 + L);
        r20.intoArray(c, c2);
        r21.intoArray(c, c2 + L);
        r30.intoArray(c, c3);
        r31.intoArray(c, c3 + L);
    }

    private static void tile1x2(float[] a, int aRow, int aCol, float[] b, int ldb, float[] c, int ldc,
                                int i, int j, int k, boolean acc) {
        int c0 = i * ldc + j;
        FloatVector r0 = init(c, c0, acc);
        FloatVector r1 = init(c, c0 + L, acc);
        int a0 = i * aRow;
        for (int p = 0; p < k; p++) {
            int bo = p * ldb + j;
            FloatVector x = FloatVector.broadcast(S, a[a0 + p * aCol]);
            r0 = x.fma(FloatVector.fromArray(S, b, bo), r0);
            r1 = x.fma(FloatVector.fromArray(S, b, bo + L), r1);
        }
        r0.intoArray(c, c0);
        r1.intoArray(c, c0 + L);
    }

    private static void tile1x1(float[] a, int aRow, int aCol, float[] b, int ldb, float[] c, int ldc,
                                int i, int j, int k, boolean acc) {
        int c0 = i * ldc + j;
        FloatVector r0 = init(c, c0, acc);
        int a0 = i * aRow;
        for (int p = 0; p < k; p++) {
            r0 = FloatVector.broadcast(S, a[a0 + p * aCol]).fma(FloatVector.fromArray(S, b, p * ldb + j), r0);
        }
        r0.intoArray(c, c0);
    }

    /**
     * Columns {@code j0 .. n-1}, fewer than one vector: scalar FMA chains (the same order as
     * the vector tiles), eight rows at a time so that independent chains cover the FMA latency
     * on both FMA units (four left a 64 x 64 x 1 output layer waiting on latency, half as fast).
     * This is the shape of an output layer (one Q value, a few action dimensions).
     */
    private static void narrowColumns(float[] a, int aRow, int aCol, float[] b, int ldb, float[] c, int ldc,
                                      int i0, int m, int j0, int n, int k, boolean acc) {
        int i = i0;
        for (; i + 8 <= m; i += 8) {
            int a0 = i * aRow;
            for (int j = j0; j < n; j++) {
                int ci = i * ldc + j;
                float s0 = acc ? c[ci] : 0f;
                float s1 = acc ? c[ci + ldc] : 0f;
                float s2 = acc ? c[ci + 2 * ldc] : 0f;
                float s3 = acc ? c[ci + 3 * ldc] : 0f;
                float s4 = acc ? c[ci + 4 * ldc] : 0f;
                float s5 = acc ? c[ci + 5 * ldc] : 0f;
                float s6 = acc ? c[ci + 6 * ldc] : 0f;
                float s7 = acc ? c[ci + 7 * ldc] : 0f;
                for (int p = 0; p < k; p++) {
                    float bv = b[p * ldb + j];
                    int ao = a0 + p * aCol;
                    s0 = Math.fma(a[ao], bv, s0);
                    s1 = Math.fma(a[ao + aRow], bv, s1);
                    s2 = Math.fma(a[ao + 2 * aRow], bv, s2);
                    s3 = Math.fma(a[ao + 3 * aRow], bv, s3);
                    s4 = Math.fma(a[ao + 4 * aRow], bv, s4);
                    s5 = Math.fma(a[ao + 5 * aRow], bv, s5);
                    s6 = Math.fma(a[ao + 6 * aRow], bv, s6);
                    s7 = Math.fma(a[ao + 7 * aRow], bv, s7);
                }
                c[ci] = s0;
                c[ci + ldc] = s1;
                c[ci + 2 * ldc] = s2;
                c[ci + 3 * ldc] = s3;
                c[ci + 4 * ldc] = s4;
                c[ci + 5 * ldc] = s5;
                c[ci + 6 * ldc] = s6;
                c[ci + 7 * ldc] = s7;
            }
        }
        for (; i < m; i++) {
            int a0 = i * aRow;
            for (int j = j0; j < n; j++) {
                int ci = i * ldc + j;
                float s = acc ? c[ci] : 0f;
                for (int p = 0; p < k; p++) {
                    s = Math.fma(a[a0 + p * aCol], b[p * ldb + j], s);
                }
                c[ci] = s;
            }
        }
    }

    /**
     * Narrow columns when A is stored transposed ({@code A(i,p) = a[i + p*lda]}, e.g. a weight
     * gradient {@code X^T dZ} of an output layer): consecutive rows of C are contiguous in A, so
     * the vector lanes run over rows. Still one sequential FMA chain per entry.
     *
     * @return the first row left for the scalar loop
     */
    private static int narrowColumnsTransposedA(float[] a, int lda, float[] b, int ldb, float[] c, int ldc,
                                                int m, int j0, int n, int k, boolean acc) {
        float[] lanes = new float[TILE_COLS];
        int i = 0;
        for (; i + TILE_COLS <= m; i += TILE_COLS) {
            for (int j = j0; j < n; j++) {
                FloatVector r0;
                FloatVector r1;
                if (acc) {
                    for (int l = 0; l < TILE_COLS; l++) {
                        lanes[l] = c[(i + l) * ldc + j];
                    }
                    r0 = FloatVector.fromArray(S, lanes, 0);
                    r1 = FloatVector.fromArray(S, lanes, L);
                } else {
                    r0 = FloatVector.zero(S);
                    r1 = FloatVector.zero(S);
                }
                for (int p = 0; p < k; p++) {
                    FloatVector x = FloatVector.broadcast(S, b[p * ldb + j]);
                    int ao = i + p * lda;
                    r0 = FloatVector.fromArray(S, a, ao).fma(x, r0);
                    r1 = FloatVector.fromArray(S, a, ao + L).fma(x, r1);
                }
                r0.intoArray(lanes, 0);
                r1.intoArray(lanes, L);
                for (int l = 0; l < TILE_COLS; l++) {
                    c[(i + l) * ldc + j] = lanes[l];
                }
            }
        }
        return i;
    }

    /**
     * {@code C(i,j) (+)= sum_p A[i][p] * B[j][p]} with both operands row-major, i.e. a product
     * with a transposed B, as dot products of contiguous rows. Used for few output columns
     * (an input gradient of a small first layer), where transposing B first would leave too
     * few columns for the tiles. Lane-parallel sums: not the scalar order (gradients only).
     */
    static void multiplyTransposedB(float[] a, int lda, float[] b, int ldb, float[] c, int ldc,
                                    int m, int n, int k, boolean accumulate) {
        int kv = k - k % L;
        for (int i = 0; i < m; i++) {
            int ai = i * lda;
            for (int j = 0; j < n; j++) {
                int bj = j * ldb;
                FloatVector s = FloatVector.zero(S);
                int p = 0;
                for (; p < kv; p += L) {
                    s = FloatVector.fromArray(S, a, ai + p).fma(FloatVector.fromArray(S, b, bj + p), s);
                }
                float sum = s.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
                for (; p < k; p++) {
                    sum = Math.fma(a[ai + p], b[bj + p], sum);
                }
                int ci = i * ldc + j;
                c[ci] = accumulate ? c[ci] + sum : sum;
            }
        }
    }

    /** An accumulator's start: the entries of C when accumulating, else zero. Shared by every tile and kernel. */
    static FloatVector init(float[] c, int offset, boolean accumulate) {
        return accumulate ? FloatVector.fromArray(S, c, offset) : FloatVector.zero(S);
    }
}
