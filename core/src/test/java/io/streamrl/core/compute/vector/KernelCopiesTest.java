package io.streamrl.core.compute.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KernelCopiesTest {

    private static final int K = 37;

    @Test
    void everyPanelCopyIsItsOwnClassAndComputesTheSameBits() throws Exception {
        List<PackedGemm.Kernel> copies = KernelCopies.load(PanelKernel.class, PackedGemm.Kernel.class, 3);
        assertThat(copies).hasSize(3);
        assertThat(copies.stream().map(Object::getClass).distinct()).hasSize(3).doesNotContain(PanelKernel.class);
        SplittableRandom r = new SplittableRandom(3);
        float[] pa = random(r, PackedGemm.PANEL_ROWS * K);
        float[] pb = random(r, K * PackedGemm.BLOCK_COLS);
        float[] start = random(r, PackedGemm.PANEL_ROWS * PackedGemm.BLOCK_COLS);
        for (int rows : new int[] {PackedGemm.PANEL_ROWS, 4, 1}) {
            for (boolean accumulate : new boolean[] {false, true}) {
                float[] expected = start.clone();
                new PanelKernel().multiply(pa, 0, pb, expected, 0, PackedGemm.BLOCK_COLS, K, rows, accumulate);
                for (PackedGemm.Kernel copy : copies) {
                    float[] c = start.clone();
                    copy.multiply(pa, 0, pb, c, 0, PackedGemm.BLOCK_COLS, K, rows, accumulate);
                    assertThat(c).as("rows %d, accumulate %s", rows, accumulate).isEqualTo(expected);
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
        assertThat(KernelCopies.panelKernels()).hasSize(KernelCopies.DEFAULT_COPIES);
        assertThat(KernelCopies.tileKernels()).hasSize(KernelCopies.DEFAULT_COPIES);
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
