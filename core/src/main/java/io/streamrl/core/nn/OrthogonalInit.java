package io.streamrl.core.nn;

import java.util.SplittableRandom;

/**
 * Orthogonal initialisation (Saxe et al. 2014), as {@code torch.nn.init.orthogonal_} does it and
 * Stable-Baselines3's actor-critic policies use it ({@code ortho_init=True}): a Gaussian matrix,
 * its QR decomposition, {@code Q} with the signs of {@code R}'s diagonal (so that the result is
 * uniformly distributed over the orthogonal matrices), times a gain; biases zero.
 *
 * <p>SB3's gains are {@code sqrt(2)} for hidden layers, 0.01 for the policy's output (an almost
 * uniform first policy) and 1 for the value's.
 */
public final class OrthogonalInit {

    private OrthogonalInit() {
    }

    /**
     * Parameters for {@link Mlp#loadParameters} of a network with layer {@code sizes}: each weight
     * matrix ({@code in x out}) semi-orthogonal times the layer's gain, each bias zero.
     *
     * @param gains one per layer ({@code sizes.length - 1})
     */
    public static float[] parameters(int[] sizes, double[] gains, SplittableRandom random) {
        if (gains.length != sizes.length - 1) {
            throw new IllegalArgumentException(sizes.length - 1 + " layers need as many gains, got " + gains.length);
        }
        int total = 0;
        for (int l = 0; l + 1 < sizes.length; l++) {
            total += sizes[l] * sizes[l + 1] + sizes[l + 1];
        }
        float[] out = new float[total];
        int offset = 0;
        for (int l = 0; l + 1 < sizes.length; l++) {
            double[][] w = matrix(sizes[l], sizes[l + 1], random);
            for (int i = 0; i < sizes[l]; i++) {
                for (int j = 0; j < sizes[l + 1]; j++) {
                    out[offset + i * sizes[l + 1] + j] = (float) (gains[l] * w[i][j]);
                }
            }
            offset += sizes[l] * sizes[l + 1] + sizes[l + 1]; // the bias stays zero
        }
        return out;
    }

    /**
     * A {@code rows x cols} matrix with orthonormal columns (when {@code rows >= cols}) or rows
     * (otherwise), by modified Gram-Schmidt on a Gaussian matrix, which is QR with a positive
     * diagonal of R, i.e. torch's {@code Q * sign(diag(R))}.
     */
    static double[][] matrix(int rows, int cols, SplittableRandom random) {
        boolean transposed = rows < cols;
        int n = transposed ? cols : rows; // the long side
        int k = transposed ? rows : cols; // vectors to orthonormalise
        double[][] v = new double[k][n];
        for (int j = 0; j < k; j++) {
            for (int i = 0; i < n; i++) {
                v[j][i] = random.nextGaussian();
            }
        }
        for (int j = 0; j < k; j++) {
            for (int p = 0; p < j; p++) {
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += v[p][i] * v[j][i];
                }
                for (int i = 0; i < n; i++) {
                    v[j][i] -= dot * v[p][i];
                }
            }
            double norm = 0;
            for (int i = 0; i < n; i++) {
                norm += v[j][i] * v[j][i];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < n; i++) {
                v[j][i] /= norm;
            }
        }
        double[][] out = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[r][c] = transposed ? v[r][c] : v[c][r];
            }
        }
        return out;
    }
}
