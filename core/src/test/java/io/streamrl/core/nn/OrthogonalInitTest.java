package io.streamrl.core.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OrthogonalInitTest {

    /** Columns orthonormal for a tall matrix, rows for a wide one. */
    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"64, 64", "4, 64", "64, 2", "1, 1", "7, 3"})
    void theMatrixIsSemiOrthogonal(int rows, int cols) {
        double[][] w = OrthogonalInit.matrix(rows, cols, new SplittableRandom(rows * 100L + cols));
        boolean tall = rows >= cols;
        int k = tall ? cols : rows;
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                double dot = 0;
                for (int i = 0; i < (tall ? rows : cols); i++) {
                    dot += tall ? w[i][a] * w[i][b] : w[a][i] * w[b][i];
                }
                assertThat(dot).as("(%d, %d)", a, b).isCloseTo(a == b ? 1.0 : 0.0, offset(1e-12));
            }
        }
    }

    @ParameterizedTest(name = "gain {0}")
    @CsvSource({"1.4142135623730951", "0.01"})
    void layersGetTheirGainAndZeroBiases(double gain) {
        int[] sizes = {3, 8, 2};
        float[] p = OrthogonalInit.parameters(sizes, new double[] {Math.sqrt(2), gain}, new SplittableRandom(1));
        assertThat(p).hasSize(3 * 8 + 8 + 8 * 2 + 2);
        for (int j = 0; j < 8; j++) {
            assertThat(p[24 + j]).as("first bias").isZero();
        }
        assertThat(p[p.length - 1]).isZero();
        assertThat(p[p.length - 2]).isZero();
        // The output layer (8 x 2, tall): each column has norm gain.
        for (int c = 0; c < 2; c++) {
            double sq = 0;
            for (int r = 0; r < 8; r++) {
                double v = p[32 + r * 2 + c];
                sq += v * v;
            }
            assertThat(Math.sqrt(sq)).isCloseTo(gain, offset(1e-6 * Math.max(1, gain)));
        }
    }
}
