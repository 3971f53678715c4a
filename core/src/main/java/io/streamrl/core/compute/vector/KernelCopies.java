package io.streamrl.core.compute.vector;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import jdk.incubator.vector.FloatVector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several identical copies of each hot kernel ({@link PanelKernel}, {@link TileKernel}), each
 * copy loaded as a hidden class of its own, so that HotSpot compiles each separately;
 * {@link KernelChooser} keeps the fastest. The packed kernel also comes in several
 * register-block shapes ({@link #panelRows}), each shape its own set of copies, so that the same
 * timed choice also picks the shape that fits the vector width and core it runs on.
 *
 * <p>Why: HotSpot compiles the same kernel bytecode into machine code that runs at one of two
 * speeds, about 1.6-2x apart, fixed for the life of that compiled method. Measured on a Zen 3
 * core with AVX2 (docs/benchmarks.md, "Update throughput"): within one JVM, identical copies of
 * the kernel side by side keep their own speed on the same products (for example four at about
 * 31 GFLOP/s and four at about 51 in one 256-256 run), while the CPU the process ran on and the
 * alignment of the data made no difference. The speed belongs to each compiled
 * copy, most likely to where the JIT places its inner loop against the core's instruction fetch,
 * which no product flag controls. Choosing among copies at run time is what autotuned libraries
 * such as ATLAS and FFTW do among kernels. Every copy is the same bytecode, so results do not
 * depend on the choice.
 *
 * <p>How many: about half the copies come out fast, so with eight all are slow in one JVM of
 * some 250; with four it was one in sixteen, and four also missed the fastest level more often
 * (a third level shows at times). A copy costs one more compilation of one method.
 */
final class KernelCopies {

    static final int DEFAULT_COPIES = 8;
    /**
     * Copies of each packed-kernel shape: with three or four shapes, four copies each keep the
     * number of compilations and the chooser's time per candidate near those of eight copies of
     * one shape, and a shape is missed only if all four of its copies come out slow.
     */
    static final int COPIES_PER_SHAPE = 4;

    private static final Logger log = LoggerFactory.getLogger(KernelCopies.class);

    private KernelCopies() {
    }

    /** Loaded once per JVM: the compiled code, not any state, is what the copies differ in. */
    private static final class Shared {
        static final List<PackedGemm.Kernel> PANELS = loadPanels(panelRows(FloatVector.SPECIES_PREFERRED.length()));
        static final List<Gemm.Tile> TILES = loadOrFallBack(TileKernel.class, Gemm.Tile.class, TileKernel::new);
    }

    /**
     * The rows of the packed kernel's candidate shapes (each {@code rows x 2} vectors) for
     * vectors of {@code lanes} floats. With 16 lanes (AVX-512, 32 registers) 12 to 28
     * accumulators: more rows reuse each loaded B vector more often, but each row costs a
     * broadcast, which on some cores shares a port with an FMA unit, and a taller panel wastes
     * more on the zero-padded last one, so which wins is measured, not assumed. With fewer lanes
     * (AVX2, 16 registers) the 6 x 2 block tuned there and its neighbours, 8 to 16 accumulators:
     * 8 rows spill on AVX2 but fit when an AVX-512 core runs 8-lane vectors. The first is
     * {@link PanelKernel#DEFAULT_ROWS}: it runs until the choice is made, and for good where no
     * product is large enough to take part (a 64-64 network), so it is the shape tuned on AVX2
     * (with 4 rows first, 8-lane 64-64 updates ran 5,400-9,100 a second; with 6 rows 6,500-9,600).
     */
    static List<Integer> panelRows(int lanes) {
        return lanes >= 16 ? List.of(6, 8, 12, 14) : List.of(6, 4, 8);
    }

    /** This JVM's copies of the packed product's kernel, every candidate shape (an immutable list). */
    static List<PackedGemm.Kernel> panelKernels() {
        return Shared.PANELS;
    }

    /** This JVM's copies of the unpacked product's 6 x 2 tile (an immutable list). */
    static List<Gemm.Tile> tileKernels() {
        return Shared.TILES;
    }

    private static List<PackedGemm.Kernel> loadPanels(List<Integer> shapes) {
        try {
            List<PackedGemm.Kernel> out = new ArrayList<>();
            for (int rows : shapes) {
                out.addAll(load(PanelKernel.class, PackedGemm.Kernel.class, COPIES_PER_SHAPE, rows));
            }
            return List.copyOf(out);
        } catch (ReflectiveOperationException | IOException | RuntimeException e) {
            log.warn("cannot load copies of {} ({}); using its one compiled copy", PanelKernel.class.getSimpleName(),
                    e.toString());
            return List.of(new PanelKernel());
        }
    }

    private static <K> List<K> loadOrFallBack(Class<? extends K> implementation, Class<K> kind,
                                              Supplier<K> plain) {
        try {
            return load(implementation, kind, DEFAULT_COPIES);
        } catch (ReflectiveOperationException | IOException | RuntimeException e) {
            log.warn("cannot load copies of {} ({}); using its one compiled copy", implementation.getSimpleName(),
                    e.toString());
            return List.of(plain.get());
        }
    }

    /** {@code copies} instances of {@code implementation}, each from its own hidden class. */
    static <K> List<K> load(Class<? extends K> implementation, Class<K> kind, int copies)
            throws ReflectiveOperationException, IOException {
        return load(implementation, kind, copies, null);
    }

    /**
     * {@code copies} instances of {@code implementation}, each from its own hidden class that is
     * given {@code classData} (read with {@link MethodHandles#classData}; none when null).
     */
    static <K> List<K> load(Class<? extends K> implementation, Class<K> kind, int copies, Object classData)
            throws ReflectiveOperationException, IOException {
        if (copies < 1) {
            throw new IllegalArgumentException("copies must be >= 1, got " + copies);
        }
        byte[] bytes;
        try (InputStream in = implementation.getResourceAsStream(implementation.getSimpleName() + ".class")) {
            if (in == null) {
                throw new IOException("the class file of " + implementation.getName() + " is not on the class path");
            }
            bytes = in.readAllBytes();
        }
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        List<K> out = new ArrayList<>(copies);
        for (int i = 0; i < copies; i++) {
            Class<?> copy = (classData == null ? lookup.defineHiddenClass(bytes, true)
                    : lookup.defineHiddenClassWithClassData(bytes, classData, true)).lookupClass();
            out.add(kind.cast(copy.getConstructor().newInstance()));
        }
        return List.copyOf(out);
    }
}
