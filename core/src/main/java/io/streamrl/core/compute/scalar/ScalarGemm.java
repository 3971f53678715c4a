package io.streamrl.core.compute.scalar;

/**
 * Matrix products in plain scalar Java: {@code C = A B} (or {@code C += A B}) with
 * {@code A(i,p) = a[i*aRow + p*aCol]} and {@code B(p,j) = b[p*bRow + j*bCol]} (so a transpose
 * is just other strides) and {@code C} row-major {@code m x n}.
 *
 * <p>Every {@code C(i,j)} is one sequential FMA chain over {@code p}, starting from 0 (or from
 * {@code C(i,j)} when accumulating): the order of the {@code vector} backend's kernels and of a
 * policy snapshot's scalar forward pass, so the results are the same bits. Blocks of 4 x 4
 * entries keep sixteen independent chains in registers, which hides the FMA latency and loads
 * each element of A and B once per block: about a tenth of the {@code vector} kernels' speed
 * once compiled, but fast from the first call.
 */
final class ScalarGemm {

    private ScalarGemm() {
    }

    static void multiply(float[] a, int aRow, int aCol, float[] b, int bRow, int bCol, float[] c, int m, int n, int k,
                         boolean acc) {
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int j = 0;
            for (; j + 4 <= n; j += 4) {
                block4x4(a, aRow, aCol, b, bRow, bCol, c, n, i, j, k, acc);
            }
            for (; j < n; j++) {
                for (int r = i; r < i + 4; r++) {
                    single(a, aRow, aCol, b, bRow, bCol, c, n, r, j, k, acc);
                }
            }
        }
        for (; i < m; i++) {
            int j = 0;
            for (; j + 4 <= n; j += 4) {
                block1x4(a, aRow, aCol, b, bRow, bCol, c, n, i, j, k, acc);
            }
            for (; j < n; j++) {
                single(a, aRow, aCol, b, bRow, bCol, c, n, i, j, k, acc);
            }
        }
    }

    private static void block4x4(float[] a, int aRow, int aCol, float[] b, int bRow, int bCol, float[] c, int n,
                                 int i, int j, int k, boolean acc) {
        int c0 = i * n + j;
        int c1 = c0 + n;
        int c2 = c1 + n;
        int c3 = c2 + n;
        float s00 = acc ? c[c0] : 0f;
        float s01 = acc ? c[c0 + 1] : 0f;
        float s02 = acc ? c[c0 + 2] : 0f;
        float s03 = acc ? c[c0 + 3] : 0f;
        float s10 = acc ? c[c1] : 0f;
        float s11 = acc ? c[c1 + 1] : 0f;
        float s12 = acc ? c[c1 + 2] : 0f;
        float s13 = acc ? c[c1 + 3] : 0f;
        float s20 = acc ? c[c2] : 0f;
        float s21 = acc ? c[c2 + 1] : 0f;
        float s22 = acc ? c[c2 + 2] : 0f;
        float s23 = acc ? c[c2 + 3] : 0f;
        float s30 = acc ? c[c3] : 0f;
        float s31 = acc ? c[c3 + 1] : 0f;
        float s32 = acc ? c[c3 + 2] : 0f;
        float s33 = acc ? c[c3 + 3] : 0f;
        int a0 = i * aRow;
        int a1 = a0 + aRow;
        int a2 = a1 + aRow;
        int a3 = a2 + aRow;
        int b1 = bCol;
        int b2 = 2 * bCol;
        int b3 = 3 * bCol;
        for (int p = 0; p < k; p++) {
            int ao = p * aCol;
            int bo = p * bRow + j * bCol;
            float x0 = a[a0 + ao];
            float x1 = a[a1 + ao];
            float x2 = a[a2 + ao];
            float x3 = a[a3 + ao];
            float y0 = b[bo];
            float y1 = b[bo + b1];
            float y2 = b[bo + b2];
            float y3 = b[bo + b3];
            s00 = Math.fma(x0, y0, s00);
            s01 = Math.fma(x0, y1, s01);
            s02 = Math.fma(x0, y2, s02);
            s03 = Math.fma(x0, y3, s03);
            s10 = Math.fma(x1, y0, s10);
            s11 = Math.fma(x1, y1, s11);
            s12 = Math.fma(x1, y2, s12);
            s13 = Math.fma(x1, y3, s13);
            s20 = Math.fma(x2, y0, s20);
            s21 = Math.fma(x2, y1, s21);
            s22 = Math.fma(x2, y2, s22);
            s23 = Math.fma(x2, y3, s23);
            s30 = Math.fma(x3, y0, s30);
            s31 = Math.fma(x3, y1, s31);
            s32 = Math.fma(x3, y2, s32);
            s33 = Math.fma(x3, y3, s33);
        }
        c[c0] = s00;
        c[c0 + 1] = s01;
        c[c0 + 2] = s02;
        c[c0 + 3] = s03;
        c[c1] = s10;
        c[c1 + 1] = s11;
        c[c1 + 2] = s12;
        c[c1 + 3] = s13;
        c[c2] = s20;
        c[c2 + 1] = s21;
        c[c2 + 2] = s22;
        c[c2 + 3] = s23;
        c[c3] = s30;
        c[c3 + 1] = s31;
        c[c3 + 2] = s32;
        c[c3 + 3] = s33;
    }

    private static void block1x4(float[] a, int aRow, int aCol, float[] b, int bRow, int bCol, float[] c, int n,
                                 int i, int j, int k, boolean acc) {
        int c0 = i * n + j;
        float s0 = acc ? c[c0] : 0f;
        float s1 = acc ? c[c0 + 1] : 0f;
        float s2 = acc ? c[c0 + 2] : 0f;
        float s3 = acc ? c[c0 + 3] : 0f;
        int a0 = i * aRow;
        for (int p = 0; p < k; p++) {
            float x = a[a0 + p * aCol];
            int bo = p * bRow + j * bCol;
            s0 = Math.fma(x, b[bo], s0);
            s1 = Math.fma(x, b[bo + bCol], s1);
            s2 = Math.fma(x, b[bo + 2 * bCol], s2);
            s3 = Math.fma(x, b[bo + 3 * bCol], s3);
        }
        c[c0] = s0;
        c[c0 + 1] = s1;
        c[c0 + 2] = s2;
        c[c0 + 3] = s3;
    }

    private static void single(float[] a, int aRow, int aCol, float[] b, int bRow, int bCol, float[] c, int n,
                               int i, int j, int k, boolean acc) {
        int ci = i * n + j;
        float s = acc ? c[ci] : 0f;
        int a0 = i * aRow;
        int b0 = j * bCol;
        for (int p = 0; p < k; p++) {
            s = Math.fma(a[a0 + p * aCol], b[p * bRow + b0], s);
        }
        c[ci] = s;
    }
}
