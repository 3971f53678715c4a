package io.streamrl.core.compute.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 6 x 2-vector tile of {@link Gemm}: twelve accumulators, one broadcast of A and two vector
 * loads of B per step of {@code k}, one sequential FMA chain per entry of C. A class of its own,
 * with no state, so that {@link KernelCopies} can load several copies of it; public members only
 * because a copy is a hidden class reached through {@link Gemm.Tile}.
 */
final class TileKernel implements Gemm.Tile {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    public TileKernel() {
    }

    @Override
    public void multiply6x2(float[] a, int aRow, int aCol, float[] b, int ldb, float[] c, int ldc, int i, int j, int k,
                            boolean acc) {
        int c0 = i * ldc + j;
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        int c4 = c3 + ldc;
        int c5 = c4 + ldc;
        FloatVector r00 = Gemm.init(c, c0, acc);
        FloatVector r01 = Gemm.init(c, c0 + L, acc);
        FloatVector r10 = Gemm.init(c, c1, acc);
        FloatVector r11 = Gemm.init(c, c1 + L, acc);
        FloatVector r20 = Gemm.init(c, c2, acc);
        FloatVector r21 = Gemm.init(c, c2 + L, acc);
        FloatVector r30 = Gemm.init(c, c3, acc);
        FloatVector r31 = Gemm.init(c, c3 + L, acc);
        FloatVector r40 = Gemm.init(c, c4, acc);
        FloatVector r41 = Gemm.init(c, c4 + L, acc);
        FloatVector r50 = Gemm.init(c, c5, acc);
        FloatVector r51 = Gemm.init(c, c5 + L, acc);
        int a0 = i * aRow;
        int a1 = a0 + aRow;
        int a2 = a1 + aRow;
        int a3 = a2 + aRow;
        int a4 = a3 + aRow;
        int a5 = a4 + aRow;
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
            x = FloatVector.broadcast(S, a[a4 + ao]);
            r40 = x.fma(b0, r40);
            r41 = x.fma(b1, r41);
            x = FloatVector.broadcast(S, a[a5 + ao]);
            r50 = x.fma(b0, r50);
            r51 = x.fma(b1, r51);
        }
        r00.intoArray(c, c0);
        r01.intoArray(c, c0 + L);
        r10.intoArray(c, c1);
        r11.intoArray(c, c1 + L);
        r20.intoArray(c, c2);
        r21.intoArray(c, c2 + L);
        r30.intoArray(c, c3);
        r31.intoArray(c, c3 + L);
        r40.intoArray(c, c4);
        r41.intoArray(c, c4 + L);
        r50.intoArray(c, c5);
        r51.intoArray(c, c5 + L);
    }
}
