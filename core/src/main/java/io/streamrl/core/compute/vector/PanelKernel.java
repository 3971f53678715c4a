package io.streamrl.core.compute.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The inner kernel of {@link PackedGemm}: a 6 x 2-vector block of C in 12 accumulators (with two
 * B vectors and a broadcast, 15 of the 16 AVX2 registers), one sequential FMA chain per entry of
 * C. It is a class of its own, with no state, so that {@link KernelCopies} can load several
 * copies of it; public members only because a copy is a hidden class reached through
 * {@link PackedGemm.Kernel}.
 */
final class PanelKernel implements PackedGemm.Kernel {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    public PanelKernel() {
    }

    @Override
    public void multiply(float[] pa, int ao, float[] pb, float[] c, int co, int ldc, int k, int rows, boolean acc) {
        int c1 = co + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        int c4 = c3 + ldc;
        int c5 = c4 + ldc;
        FloatVector r00 = Gemm.init(c, co, acc);
        FloatVector r01 = Gemm.init(c, co + L, acc);
        FloatVector r10 = Gemm.init(c, c1, acc && rows > 1);
        FloatVector r11 = Gemm.init(c, c1 + L, acc && rows > 1);
        FloatVector r20 = Gemm.init(c, c2, acc && rows > 2);
        FloatVector r21 = Gemm.init(c, c2 + L, acc && rows > 2);
        FloatVector r30 = Gemm.init(c, c3, acc && rows > 3);
        FloatVector r31 = Gemm.init(c, c3 + L, acc && rows > 3);
        FloatVector r40 = Gemm.init(c, c4, acc && rows > 4);
        FloatVector r41 = Gemm.init(c, c4 + L, acc && rows > 4);
        FloatVector r50 = Gemm.init(c, c5, acc && rows > 5);
        FloatVector r51 = Gemm.init(c, c5 + L, acc && rows > 5);
        for (int p = 0; p < k; p++) {
            int bo = p * PackedGemm.BLOCK_COLS;
            int a = ao + p * PackedGemm.PANEL_ROWS;
            FloatVector b0 = FloatVector.fromArray(S, pb, bo);
            FloatVector b1 = FloatVector.fromArray(S, pb, bo + L);
            FloatVector x = FloatVector.broadcast(S, pa[a]);
            r00 = x.fma(b0, r00);
            r01 = x.fma(b1, r01);
            x = FloatVector.broadcast(S, pa[a + 1]);
            r10 = x.fma(b0, r10);
            r11 = x.fma(b1, r11);
            x = FloatVector.broadcast(S, pa[a + 2]);
            r20 = x.fma(b0, r20);
            r21 = x.fma(b1, r21);
            x = FloatVector.broadcast(S, pa[a + 3]);
            r30 = x.fma(b0, r30);
            r31 = x.fma(b1, r31);
            x = FloatVector.broadcast(S, pa[a + 4]);
            r40 = x.fma(b0, r40);
            r41 = x.fma(b1, r41);
            x = FloatVector.broadcast(S, pa[a + 5]);
            r50 = x.fma(b0, r50);
            r51 = x.fma(b1, r51);
        }
        r00.intoArray(c, co);
        r01.intoArray(c, co + L);
        if (rows == PackedGemm.PANEL_ROWS) {
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
            return;
        }
        // The zero-padded rows of the last panel are computed but not stored.
        if (rows > 1) {
            r10.intoArray(c, c1);
            r11.intoArray(c, c1 + L);
        }
        if (rows > 2) {
            r20.intoArray(c, c2);
            r21.intoArray(c, c2 + L);
        }
        if (rows > 3) {
            r30.intoArray(c, c3);
            r31.intoArray(c, c3 + L);
        }
        if (rows > 4) {
            r40.intoArray(c, c4);
            r41.intoArray(c, c4 + L);
        }
    }
}
