package io.streamrl.core.compute.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class KernelCopiesTest {

    private static final int K = 37;

    /** Every shape any vector width may use, and the plain class's default. */
    private static final List<Integer> SHAPES = Stream.concat(Stream.concat(KernelCopies.panelRows(16).stream(),
            KernelCopies.panelRows(8).stream()), Stream.of(PanelKernel.DEFAULT_ROWS)).distinct().sorted().toList();

    @Test
    void everyPanelCopyIsItsOwnClassOfItsShape() throws Exception {
        for (int shape : SHAPES) {
            List<PackedGemm.Kernel> copies = KernelCopies.load(PanelKernel.class, PackedGemm.Kernel.class, 3, shape);
            assertThat(copies).hasSize(3);
            assertThat(copies.stream().map(Object::getClass).distinct()).hasSize(3).doesNotContain(PanelKernel.class);
            assertThat(copies).allSatisfy(copy -> assertThat(copy.rows()).isEqualTo(shape));
        }
        assertThat(new PanelKernel().rows()).isEqualTo(PanelKernel.DEFAULT_ROWS);
    }

    @Test
    void everyPanelShapeStoresOnlyTheRowsAskedFor() throws Exception {
        SplittableRandom r = new SplittableRandom(3);
        for (int shape : SHAPES) {
            PackedGemm.Kernel kernel = KernelCopies.load(PanelKernel.class, PackedGemm.Kernel.class, 1, shape).get(0);
            float[] pa = random(r, shape * K);
            float[] pb = random(r, K * PackedGemm.BLOCK_COLS);
            float[] start = random(r, shape * PackedGemm.BLOCK_COLS);
            for (int rows : new int[] {shape, shape - 1, 1}) {
                for (boolean accumulate : new boolean[] {false, true}) {
                    float[] c = start.clone();
                    kernel.multiply(pa, 0, pb, c, 0, PackedGemm.BLOCK_COLS, K, rows, accumulate);
                    for (int i = 0; i < shape; i++) {
                        for (int j = 0; j < PackedGemm.BLOCK_COLS; j++) {
                            float expected = start[i * PackedGemm.BLOCK_COLS + j];
                            if (i < rows) {
                                float s = accumulate ? expected : 0f;
                                for (int p = 0; p < K; p++) {
                                    s = Math.fma(pa[p * shape + i], pb[p * PackedGemm.BLOCK_COLS + j], s);
                                }
                                expected = s;
                            }
                            assertThat(c[i * PackedGemm.BLOCK_COLS + j])
                                    .as("shape %d, rows %d, accumulate %s, C(%d,%d)", shape, rows, accumulate, i, j)
                                    .isEqualTo(expected);
                        }
                    }
                }
            }
        }
    }

    /**
     * The whole packed product, every shape, on sizes that are no multiple of any block (rows
     * left over in the last panel, columns left for the narrow block) and with A stored either
     * way: every entry is the scalar FMA chain, so every shape gives the same bits.
     */
    @Test
    void everyPanelShapeComputesTheScalarChainsOfAWholeProduct() throws Exception {
        SplittableRandom r = new SplittableRandom(7);
        int n = 2 * PackedGemm.BLOCK_COLS + 5;
        for (int m : new int[] {4, 13, 29, 57}) {
            float[] a = random(r, m * K);
            float[] b = random(r, K * n);
            float[] start = random(r, m * n);
            for (boolean transposeA : new boolean[] {false, true}) {
                int aRow = transposeA ? 1 : K;
                int aCol = transposeA ? m : 1;
                for (boolean accumulate : new boolean[] {false, true}) {
                    float[] expected = start.clone();
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            float s = accumulate ? expected[i * n + j] : 0f;
                            for (int p = 0; p < K; p++) {
                                s = Math.fma(a[i * aRow + p * aCol], b[p * n + j], s);
                            }
                            expected[i * n + j] = s;
                        }
                    }
                    for (int shape : SHAPES) {
                        PackedGemm.Kernel kernel = KernelCopies.load(PanelKernel.class, PackedGemm.Kernel.class, 1,
                                shape).get(0);
                        float[] packed = new float[PackedGemm.packedASize(m, K, shape)];
                        float[] strip = new float[PackedGemm.packedBSize(K)];
                        float[] c = start.clone();
                        PackedGemm.packA(a, aRow, aCol, m, K, shape, packed);
                        int wide = n - n % PackedGemm.BLOCK_COLS;
                        PackedGemm.multiplyBlocks(kernel, packed, m, K, b, n, 1, c, n, 0, wide, accumulate, strip);
                        PackedGemm.multiplyNarrowBlock(packed, m, K, shape, b, n, 1, c, n, wide, n - wide,
                                accumulate, strip);
                        assertThat(c).as("shape %d, m %d, transposed A %s, accumulate %s", shape, m, transposeA,
                                accumulate).isEqualTo(expected);
                    }
                }
            }
        }
    }

    @Test
    void everyTileCopyComputesTheSameBitsAsTheScalarChain() throws Exception {
        List<Gemm.Tile> copies = KernelCopies.load(TileKernel.class, Gemm.Tile.class, 2);
        SplittableRandom r = new SplittableRandom(4);
        int cols = PackedGemm.BLOCK_COLS;
        float[] a = random(r, 6 * K);
        float[] b = random(r, K * cols);
        for (Gemm.Tile copy : copies) {
            float[] c = new float[6 * cols];
            copy.multiply6x2(a, K, 1, b, cols, c, cols, 0, 0, K, false);
            for (int i = 0; i < 6; i++) {
                for (int j = 0; j < cols; j++) {
                    float s = 0f;
                    for (int p = 0; p < K; p++) {
                        s = Math.fma(a[i * K + p], b[p * cols + j], s);
                    }
                    assertThat(c[i * cols + j]).as("C(%d,%d)", i, j).isEqualTo(s);
                }
            }
        }
    }

    @Test
    void theSharedCopiesAreLoaded() {
        int lanes = FloatVector.SPECIES_PREFERRED.length();
        assertThat(KernelCopies.panelKernels()).hasSize(KernelCopies.panelRows(lanes).size()
                * KernelCopies.COPIES_PER_SHAPE);
        assertThat(KernelCopies.panelKernels().stream().map(PackedGemm.Kernel::rows).distinct())
                .containsExactlyElementsOf(KernelCopies.panelRows(lanes));
        assertThat(KernelCopies.tileKernels()).hasSize(KernelCopies.DEFAULT_COPIES);
    }

    /** The first candidate is the one small products use for good: the shape tuned for the width. */
    @Test
    void theFirstShapeIsTheDefaultAtEveryWidth() {
        assertThat(KernelCopies.panelRows(16).get(0)).isEqualTo(PanelKernel.DEFAULT_ROWS);
        assertThat(KernelCopies.panelRows(8).get(0)).isEqualTo(PanelKernel.DEFAULT_ROWS);
    }

    @Test
    void refusesZeroCopies() {
        assertThatThrownBy(() -> KernelCopies.load(PanelKernel.class, PackedGemm.Kernel.class, 0))
                .hasMessageContaining("copies must be >= 1, got 0");
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) r.nextDouble(-1, 1);
        }
        return out;
    }
}
