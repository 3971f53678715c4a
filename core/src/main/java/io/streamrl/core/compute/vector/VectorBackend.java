package io.streamrl.core.compute.vector;

import io.streamrl.core.compute.Activation;
import io.streamrl.core.compute.AdamStep;
import io.streamrl.core.compute.ComputeBackends;
import io.streamrl.core.compute.Matrix;
import io.streamrl.core.compute.RmsPropStep;
import io.streamrl.core.compute.array.ArrayBackend;
import io.streamrl.core.compute.array.ArrayMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The default CPU backend: row-major float arrays and the JDK Vector API.
 *
 * <p>Element-wise kernels are single fused loops over the arrays (one pass per operation,
 * no temporaries); matrix products go to {@link Gemm}. Activations that are not piecewise
 * linear ({@code tanh}) are applied with the scalar {@link Activation#apply} so that a policy
 * evaluated by scalar code gives bit-identical actions.
 */
public final class VectorBackend extends ArrayBackend {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Doubles with half the lanes of {@link #S}: one float vector widens into two of these. */
    private static final VectorSpecies<Double> D = VectorSpecies.of(double.class, VectorShape.forBitSize(S.vectorBitSize()));
    private static final int L = S.length();
    /**
     * Up to this many entries (16 KiB, half of L1) B stays in L1 as it is, and the unpacked tiles
     * beat paying for the packing: 25-45% faster at 64 x 64 x 64, while packing wins from 128 up.
     */
    private static final int UNPACKED_MAX_B = 4096;
    /** Fewer rows than this go unpacked: below the 6-row unpacked tile, packing would not pay. */
    private static final int PACKED_MIN_ROWS = 6;
    /** A product this thin (a first layer's few inputs) is all stores, which the packed kernel does best. */
    private static final int THIN_K = 8;
    /** Below this many output columns a transposed-B product is computed as row dot products. */
    private static final int DOT_PRODUCT_MAX_COLUMNS = 2 * L;

    /** Products below this many multiply-adds run on the calling thread: a fork costs microseconds. */
    private static final long PARALLEL_MIN_MACS = 1L << 20;

    private final int threads;
    private final ExecutorService pool;
    private float[] scratch = new float[0];
    private float[] packedA = new float[0];
    /** One packed-B strip per thread that can work on a product. */
    private final float[][] strips;
    private final KernelChooser<PackedGemm.Kernel> panels = new KernelChooser<>("packed kernel",
            KernelCopies.panelKernels(), System::nanoTime);
    private final KernelChooser<Gemm.Tile> tiles = new KernelChooser<>("unpacked tile", KernelCopies.tileKernels(),
            System::nanoTime);

    /** A single-threaded backend. */
    public VectorBackend() {
        this(1);
    }

    /**
     * A backend that splits large matrix products by column blocks over {@code threads} threads
     * (the caller and {@code threads - 1} workers). Every entry is still one sequential FMA
     * chain, so results do not depend on the thread count.
     */
    public VectorBackend(int threads) {
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("threads must be in [1, 256], got " + threads);
        }
        this.threads = threads;
        this.strips = new float[threads][0];
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "vector-backend-worker");
            t.setDaemon(true);
            return t;
        });
    }

    public int threads() {
        return threads;
    }

    @Override
    public String name() {
        return ComputeBackends.VECTOR;
    }

    /**
     * The register block of the packed kernel the start-up choice settled on, rows x columns in
     * floats (e.g. {@code "12x32"}); until then (and for good when no product is large enough to
     * take part in the choice) the first candidate's, e.g. {@code "6x32 (not chosen)"}.
     */
    public String packedKernelShape() {
        return panels.chosen().map(k -> k.rows() + "x" + PackedGemm.BLOCK_COLS)
                .orElse(panels.chosenOrFirst().rows() + "x" + PackedGemm.BLOCK_COLS + " (not chosen)");
    }

    @Override
    protected void multiply(ArrayMatrix x, boolean transposeA, ArrayMatrix y, boolean transposeB, ArrayMatrix z, int m,
                            int n, int k, boolean accumulate) {
        int aRow = transposeA ? 1 : x.cols;
        int aCol = transposeA ? x.cols : 1;
        int bRow = transposeB ? 1 : y.cols;
        int bCol = transposeB ? y.cols : 1;
        if (m >= PACKED_MIN_ROWS && n >= L && ((long) k * n > UNPACKED_MAX_B || k <= THIN_K)) {
            packedProduct(x.data, aRow, aCol, y.data, bRow, bCol, z.data, m, n, k, accumulate);
        } else if (!transposeB) {
            unpackedProduct(x.data, aRow, aCol, y.data, y.cols, z.data, z.cols, m, n, k, accumulate);
        } else if (!transposeA && n < DOT_PRODUCT_MAX_COLUMNS) {
            Gemm.multiplyTransposedB(x.data, x.cols, y.data, y.cols, z.data, z.cols, m, n, k, accumulate);
        } else {
            float[] bt = scratch(k * n);
            transposeArray(y.data, y.rows, y.cols, bt);
            unpackedProduct(x.data, aRow, aCol, bt, n, z.data, z.cols, m, n, k, accumulate);
        }
    }

    private void unpackedProduct(float[] a, int aRow, int aCol, float[] b, int ldb, float[] c, int ldc, int m, int n,
                                 int k, boolean accumulate) {
        Gemm.Tile tile = tiles.begin((long) m * n * k);
        Gemm.multiply(tile, a, aRow, aCol, b, ldb, c, ldc, m, n, k, accumulate);
        tiles.end(2L * m * n * k);
    }

    /**
     * Packs A once, then hands out blocks of B's columns: to the calling thread alone for small
     * products, split over the workers for large ones (each with its own strip of packed B). The
     * packing is timed with the kernel: a taller register block pads the last panel more.
     */
    private void packedProduct(float[] a, int aRow, int aCol, float[] b, int bRow, int bCol, float[] c, int m, int n,
                               int k, boolean accumulate) {
        // A thin product (a first layer's few inputs) is all stores, whatever the shape; it runs
        // too little of a kernel for the JIT to compile sixteen candidates soon, and timed turns
        // would keep it on uncompiled ones, so it takes no part in the choice (nor, in the
        // chooser, does a small one).
        PackedGemm.Kernel kernel = panels.begin(k > THIN_K ? (long) m * n * k : 0);
        int panelRows = kernel.rows();
        packedA = ensure(packedA, PackedGemm.packedASize(m, k, panelRows));
        PackedGemm.packA(a, aRow, aCol, m, k, panelRows, packedA);
        int blockCols = PackedGemm.BLOCK_COLS;
        int blocks = n / blockCols;
        int wideEnd = blocks * blockCols;
        int parts = pool == null || (long) m * n * k < PARALLEL_MIN_MACS ? 1 : Math.min(threads, blocks);
        for (int t = 0; t < Math.max(parts, 1); t++) {
            strips[t] = ensure(strips[t], PackedGemm.packedBSize(k));
        }
        float[] pa = packedA;
        if (parts <= 1) {
            PackedGemm.multiplyBlocks(kernel, pa, m, k, b, bRow, bCol, c, n, 0, wideEnd, accumulate, strips[0]);
        } else {
            List<Future<?>> futures = new ArrayList<>(parts - 1);
            int start = 0;
            for (int t = 0; t < parts; t++) {
                int end = start + (blocks / parts + (t < blocks % parts ? 1 : 0)) * blockCols;
                int j0 = start;
                float[] strip = strips[t];
                if (t == parts - 1) {
                    PackedGemm.multiplyBlocks(kernel, pa, m, k, b, bRow, bCol, c, n, j0, end, accumulate, strip);
                } else {
                    futures.add(pool.submit(() -> PackedGemm.multiplyBlocks(kernel, pa, m, k, b, bRow, bCol, c, n, j0,
                            end, accumulate, strip)));
                }
                start = end;
            }
            awaitAll(futures);
        }
        panels.end(2L * m * wideEnd * k);
        if (wideEnd < n) {
            PackedGemm.multiplyNarrowBlock(pa, m, k, panelRows, b, bRow, bCol, c, n, wideEnd, n - wideEnd, accumulate, strips[0]);
        }
    }

    private static void awaitAll(List<Future<?>> futures) {
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted during a matrix product", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("matrix product failed on a worker thread", e.getCause());
            }
        }
    }

    @Override
    protected void addBiasActivate(float[] src, float[] bd, Activation f, float[] dst, int rows, int cols) {
        // One loop per activation, chosen once per call: at 64 x 64 a switch per row cost as much
        // as the arithmetic.
        switch (f) {
            case RELU -> addBiasRelu(src, bd, dst, rows, cols);
            case IDENTITY -> addBias(src, bd, dst, rows, cols);
            default -> super.addBiasActivate(src, bd, f, dst, rows, cols);
        }
    }

    private static void addBiasRelu(float[] src, float[] bias, float[] dst, int rows, int cols) {
        int cv = cols - cols % L;
        for (int i = 0; i < rows * cols; i += cols) {
            int j = 0;
            for (; j < cv; j += L) {
                FloatVector.fromArray(S, src, i + j).add(FloatVector.fromArray(S, bias, j)).max(0f)
                        .intoArray(dst, i + j);
            }
            for (; j < cols; j++) {
                dst[i + j] = Activation.RELU.apply(src[i + j] + bias[j]);
            }
        }
    }

    private static void addBias(float[] src, float[] bias, float[] dst, int rows, int cols) {
        int cv = cols - cols % L;
        for (int i = 0; i < rows * cols; i += cols) {
            int j = 0;
            for (; j < cv; j += L) {
                FloatVector.fromArray(S, src, i + j).add(FloatVector.fromArray(S, bias, j)).intoArray(dst, i + j);
            }
            for (; j < cols; j++) {
                dst[i + j] = src[i + j] + bias[j];
            }
        }
    }

    @Override
    protected void activationBackward(float[] yd, Activation f, float[] gd) {
        int n = yd.length;
        int nv = n - n % L;
        switch (f) {
            case IDENTITY -> {
            }
            case RELU -> {
                int i = 0;
                for (; i < nv; i += L) {
                    FloatVector gv = FloatVector.fromArray(S, gd, i);
                    gv.blend(0f, FloatVector.fromArray(S, yd, i).compare(VectorOperators.LE, 0f))
                            .intoArray(gd, i);
                }
                scalarReluBackward(yd, gd, i);
            }
            case TANH -> {
                int i = 0;
                for (; i < nv; i += L) {
                    FloatVector yv = FloatVector.fromArray(S, yd, i);
                    FloatVector.fromArray(S, gd, i).mul(yv.mul(yv).neg().add(1f)).intoArray(gd, i);
                }
                scalarTanhBackward(yd, gd, i);
            }
        }
    }

    @Override
    protected void addColumnSums(float[] xd, int rows, int cols, float[] od) {
        int cv = cols - cols % L;
        int j = 0;
        for (; j < cv; j += L) {
            FloatVector s = FloatVector.fromArray(S, od, j);
            for (int r = 0; r < rows; r++) {
                s = s.add(FloatVector.fromArray(S, xd, r * cols + j));
            }
            s.intoArray(od, j);
        }
        for (; j < cols; j++) {
            float s = od[j];
            for (int r = 0; r < rows; r++) {
                s += xd[r * cols + j];
            }
            od[j] = s;
        }
    }

    @Override
    protected void adam(float[] pd, float[] gd, float[] md, float[] vd, AdamStep step) {
        float b1 = step.beta1();
        float b2 = step.beta2();
        float c1 = 1f - b1;
        float c2 = 1f - b2;
        float wd = step.weightDecay();
        float eps = step.epsilon();
        float lr = step.stepSize();
        float invSqrtBc2 = 1f / step.sqrtBiasCorrection2();
        int n = pd.length;
        int nv = n - n % L;
        int i = 0;
        for (; i < nv; i += L) {
            FloatVector pv = FloatVector.fromArray(S, pd, i);
            FloatVector gv = FloatVector.fromArray(S, gd, i);
            if (wd != 0f) {
                gv = gv.add(pv.mul(wd));
            }
            FloatVector mv = FloatVector.fromArray(S, md, i).mul(b1).add(gv.mul(c1));
            FloatVector vv = FloatVector.fromArray(S, vd, i).mul(b2).add(gv.mul(gv).mul(c2));
            mv.intoArray(md, i);
            vv.intoArray(vd, i);
            FloatVector denom = vv.sqrt().mul(invSqrtBc2).add(eps);
            pv.sub(mv.mul(lr).div(denom)).intoArray(pd, i);
        }
        scalarAdam(pd, gd, md, vd, step, i);
    }

    @Override
    protected void rmsprop(float[] pd, float[] gd, float[] vd, RmsPropStep step) {
        float scale = step.gradScale();
        float alpha = step.alpha();
        float keep = 1f - alpha;
        float eps = step.epsilon();
        float lr = step.lr();
        int n = pd.length;
        int nv = n - n % L;
        int i = 0;
        // PyTorch's order, as ArrayBackend.scalarRmsprop.
        for (; i < nv; i += L) {
            FloatVector gv = FloatVector.fromArray(S, gd, i).mul(scale);
            FloatVector vv = FloatVector.fromArray(S, vd, i).mul(alpha).add(gv.mul(gv).mul(keep));
            vv.intoArray(vd, i);
            FloatVector update = gv.div(vv.sqrt().add(eps));
            FloatVector.fromArray(S, pd, i).sub(update.mul(lr)).intoArray(pd, i);
        }
        scalarRmsprop(pd, gd, vd, step, i);
    }

    @Override
    protected void polyak(float[] sd, float[] td, float tau) {
        float keep = 1f - tau;
        int n = sd.length;
        int nv = n - n % L;
        int i = 0;
        for (; i < nv; i += L) {
            FloatVector.fromArray(S, td, i).mul(keep).add(FloatVector.fromArray(S, sd, i).mul(tau)).intoArray(td, i);
        }
        scalarPolyak(sd, td, tau, i);
    }

    @Override
    protected double sumOfSquares(float[] d) {
        int n = d.length;
        int nv = n - n % L;
        // Widen to double before squaring (the contract: no float32 overflow or lost small terms).
        DoubleVector s0 = DoubleVector.zero(D);
        DoubleVector s1 = DoubleVector.zero(D);
        int i = 0;
        for (; i < nv; i += L) {
            FloatVector v = FloatVector.fromArray(S, d, i);
            DoubleVector lo = (DoubleVector) v.convertShape(VectorOperators.F2D, D, 0);
            DoubleVector hi = (DoubleVector) v.convertShape(VectorOperators.F2D, D, 1);
            s0 = lo.fma(lo, s0);
            s1 = hi.fma(hi, s1);
        }
        return scalarSumOfSquares(d, i, s0.add(s1).reduceLanes(VectorOperators.ADD));
    }

    @Override
    public void close() {
        scratch = new float[0];
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    private float[] scratch(int size) {
        scratch = ensure(scratch, size);
        return scratch;
    }

    private static float[] ensure(float[] buffer, int size) {
        return buffer.length >= size ? buffer : new float[size];
    }
}
