package io.streamrl.core.compute.vector;

import java.lang.constant.ConstantDescs;
import java.lang.invoke.MethodHandles;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The inner kernel of {@link PackedGemm}: a {@code ROWS} x 2-vector block of C in {@code 2 ROWS}
 * accumulators, one broadcast of packed A and two vector loads of the packed B strip per step of
 * {@code k}, one sequential FMA chain per entry of C (so every shape computes the same bits).
 *
 * <p>One source for every register-block shape. {@link KernelCopies} loads this class file as a
 * hidden class per shape and copy and hands each its number of rows as class data; {@code ROWS}
 * is then a static final of that class, a constant to the JIT, and the {@code ROWS > r} guards
 * below fold away, leaving exactly the unrolled code of that shape. Loaded plainly (tests, the
 * fallback) it has {@link #DEFAULT_ROWS}.
 *
 * <p>Why named accumulators and not a loop over an array of them: C2 runs escape analysis
 * before it unrolls loops, so an array of vectors is never turned back into registers and every
 * FMA boxes its result. Measured (throwaway probe, JDK 17, Zen 5 with AVX-512, 256 x 256 x 256
 * with A packed beforehand, best of five half-second runs): the same 8 x 2-vector block as a
 * loop over a {@code FloatVector[16]} ran at 1.1 GFLOP/s, this kernel at 180, with equal bits.
 *
 * <p>Public members only because a copy is a hidden class reached through {@link PackedGemm.Kernel}.
 */
final class PanelKernel implements PackedGemm.Kernel {

    /** Rows of the shape this class was loaded for plainly, the 6 x 2-vector block tuned on AVX2. */
    static final int DEFAULT_ROWS = 6;
    /** Most rows any shape may have: 28 accumulators, two B vectors and a broadcast fill 31 of 32 AVX-512 registers. */
    static final int MAX_ROWS = 14;
    /** Fewest rows: rows 0-3 are unguarded below. */
    static final int MIN_ROWS = 4;

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int ROWS = rowsFromClassData();

    public PanelKernel() {
    }

    private static int rowsFromClassData() {
        try {
            Integer rows = MethodHandles.classData(MethodHandles.lookup(), ConstantDescs.DEFAULT_NAME, Integer.class);
            return rows == null ? DEFAULT_ROWS : rows;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read the class data of " + PanelKernel.class.getName(), e);
        }
    }

    @Override
    public int rows() {
        return ROWS;
    }

    @Override
    public void multiply(float[] pa, int ao, float[] pb, float[] c, int co, int ldc, int k, int rows, boolean acc) {
        int o0 = co;
        int o1 = co + 1 * ldc;
        int o2 = co + 2 * ldc;
        int o3 = co + 3 * ldc;
        int o4 = co + 4 * ldc;
        int o5 = co + 5 * ldc;
        int o6 = co + 6 * ldc;
        int o7 = co + 7 * ldc;
        int o8 = co + 8 * ldc;
        int o9 = co + 9 * ldc;
        int o10 = co + 10 * ldc;
        int o11 = co + 11 * ldc;
        int o12 = co + 12 * ldc;
        int o13 = co + 13 * ldc;
        FloatVector r0a = Gemm.init(c, o0, acc);
        FloatVector r0b = Gemm.init(c, o0 + L, acc);
        FloatVector r1a = Gemm.init(c, o1, acc && rows > 1);
        FloatVector r1b = Gemm.init(c, o1 + L, acc && rows > 1);
        FloatVector r2a = Gemm.init(c, o2, acc && rows > 2);
        FloatVector r2b = Gemm.init(c, o2 + L, acc && rows > 2);
        FloatVector r3a = Gemm.init(c, o3, acc && rows > 3);
        FloatVector r3b = Gemm.init(c, o3 + L, acc && rows > 3);
        FloatVector r4a = Gemm.init(c, o4, ROWS > 4 && acc && rows > 4);
        FloatVector r4b = Gemm.init(c, o4 + L, ROWS > 4 && acc && rows > 4);
        FloatVector r5a = Gemm.init(c, o5, ROWS > 5 && acc && rows > 5);
        FloatVector r5b = Gemm.init(c, o5 + L, ROWS > 5 && acc && rows > 5);
        FloatVector r6a = Gemm.init(c, o6, ROWS > 6 && acc && rows > 6);
        FloatVector r6b = Gemm.init(c, o6 + L, ROWS > 6 && acc && rows > 6);
        FloatVector r7a = Gemm.init(c, o7, ROWS > 7 && acc && rows > 7);
        FloatVector r7b = Gemm.init(c, o7 + L, ROWS > 7 && acc && rows > 7);
        FloatVector r8a = Gemm.init(c, o8, ROWS > 8 && acc && rows > 8);
        FloatVector r8b = Gemm.init(c, o8 + L, ROWS > 8 && acc && rows > 8);
        FloatVector r9a = Gemm.init(c, o9, ROWS > 9 && acc && rows > 9);
        FloatVector r9b = Gemm.init(c, o9 + L, ROWS > 9 && acc && rows > 9);
        FloatVector r10a = Gemm.init(c, o10, ROWS > 10 && acc && rows > 10);
        FloatVector r10b = Gemm.init(c, o10 + L, ROWS > 10 && acc && rows > 10);
        FloatVector r11a = Gemm.init(c, o11, ROWS > 11 && acc && rows > 11);
        FloatVector r11b = Gemm.init(c, o11 + L, ROWS > 11 && acc && rows > 11);
        FloatVector r12a = Gemm.init(c, o12, ROWS > 12 && acc && rows > 12);
        FloatVector r12b = Gemm.init(c, o12 + L, ROWS > 12 && acc && rows > 12);
        FloatVector r13a = Gemm.init(c, o13, ROWS > 13 && acc && rows > 13);
        FloatVector r13b = Gemm.init(c, o13 + L, ROWS > 13 && acc && rows > 13);
        for (int p = 0; p < k; p++) {
            int bo = p * PackedGemm.BLOCK_COLS;
            int a = ao + p * ROWS;
            FloatVector b0 = FloatVector.fromArray(S, pb, bo);
            FloatVector b1 = FloatVector.fromArray(S, pb, bo + L);
            FloatVector x = FloatVector.broadcast(S, pa[a]);
            r0a = x.fma(b0, r0a);
            r0b = x.fma(b1, r0b);
            x = FloatVector.broadcast(S, pa[a + 1]);
            r1a = x.fma(b0, r1a);
            r1b = x.fma(b1, r1b);
            x = FloatVector.broadcast(S, pa[a + 2]);
            r2a = x.fma(b0, r2a);
            r2b = x.fma(b1, r2b);
            x = FloatVector.broadcast(S, pa[a + 3]);
            r3a = x.fma(b0, r3a);
            r3b = x.fma(b1, r3b);
            if (ROWS > 4) {
                x = FloatVector.broadcast(S, pa[a + 4]);
                r4a = x.fma(b0, r4a);
                r4b = x.fma(b1, r4b);
            }
            if (ROWS > 5) {
                x = FloatVector.broadcast(S, pa[a + 5]);
                r5a = x.fma(b0, r5a);
                r5b = x.fma(b1, r5b);
            }
            if (ROWS > 6) {
                x = FloatVector.broadcast(S, pa[a + 6]);
                r6a = x.fma(b0, r6a);
                r6b = x.fma(b1, r6b);
            }
            if (ROWS > 7) {
                x = FloatVector.broadcast(S, pa[a + 7]);
                r7a = x.fma(b0, r7a);
                r7b = x.fma(b1, r7b);
            }
            if (ROWS > 8) {
                x = FloatVector.broadcast(S, pa[a + 8]);
                r8a = x.fma(b0, r8a);
                r8b = x.fma(b1, r8b);
            }
            if (ROWS > 9) {
                x = FloatVector.broadcast(S, pa[a + 9]);
                r9a = x.fma(b0, r9a);
                r9b = x.fma(b1, r9b);
            }
            if (ROWS > 10) {
                x = FloatVector.broadcast(S, pa[a + 10]);
                r10a = x.fma(b0, r10a);
                r10b = x.fma(b1, r10b);
            }
            if (ROWS > 11) {
                x = FloatVector.broadcast(S, pa[a + 11]);
                r11a = x.fma(b0, r11a);
                r11b = x.fma(b1, r11b);
            }
            if (ROWS > 12) {
                x = FloatVector.broadcast(S, pa[a + 12]);
                r12a = x.fma(b0, r12a);
                r12b = x.fma(b1, r12b);
            }
            if (ROWS > 13) {
                x = FloatVector.broadcast(S, pa[a + 13]);
                r13a = x.fma(b0, r13a);
                r13b = x.fma(b1, r13b);
            }
        }
        r0a.intoArray(c, o0);
        r0b.intoArray(c, o0 + L);
        if (rows > 1) {
            r1a.intoArray(c, o1);
            r1b.intoArray(c, o1 + L);
        }
        if (rows > 2) {
            r2a.intoArray(c, o2);
            r2b.intoArray(c, o2 + L);
        }
        if (rows > 3) {
            r3a.intoArray(c, o3);
            r3b.intoArray(c, o3 + L);
        }
        if (ROWS > 4 && rows > 4) {
            r4a.intoArray(c, o4);
            r4b.intoArray(c, o4 + L);
        }
        if (ROWS > 5 && rows > 5) {
            r5a.intoArray(c, o5);
            r5b.intoArray(c, o5 + L);
        }
        if (ROWS > 6 && rows > 6) {
            r6a.intoArray(c, o6);
            r6b.intoArray(c, o6 + L);
        }
        if (ROWS > 7 && rows > 7) {
            r7a.intoArray(c, o7);
            r7b.intoArray(c, o7 + L);
        }
        if (ROWS > 8 && rows > 8) {
            r8a.intoArray(c, o8);
            r8b.intoArray(c, o8 + L);
        }
        if (ROWS > 9 && rows > 9) {
            r9a.intoArray(c, o9);
            r9b.intoArray(c, o9 + L);
        }
        if (ROWS > 10 && rows > 10) {
            r10a.intoArray(c, o10);
            r10b.intoArray(c, o10 + L);
        }
        if (ROWS > 11 && rows > 11) {
            r11a.intoArray(c, o11);
            r11b.intoArray(c, o11 + L);
        }
        if (ROWS > 12 && rows > 12) {
            r12a.intoArray(c, o12);
            r12b.intoArray(c, o12 + L);
        }
        if (ROWS > 13 && rows > 13) {
            r13a.intoArray(c, o13);
            r13b.intoArray(c, o13 + L);
        }
    }
}
