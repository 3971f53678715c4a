package io.streamrl.core.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import io.streamrl.core.compute.ComputeBackend;
import io.streamrl.core.compute.ComputeBackends;
import io.streamrl.core.compute.Matrix;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RMSprop with global gradient-norm clipping against PyTorch 1.13: the expected values are
 * what {@code torch.nn.utils.clip_grad_norm_([w, b], 0.5)} followed by
 * {@code torch.optim.RMSprop([w, b], lr=0.01, alpha=0.99, eps=1e-5).step()} printed for the same
 * parameters and gradients (float32). The first step moves each parameter by about
 * {@code lr / sqrt(1 - alpha) = 0.1}, which only a correct running average and epsilon place give.
 */
class RmsPropTest {

    private static final float[][] GRAD_W = {
        {0.3f, -0.2f, 0.1f, 0.05f, 0.4f, -0.6f},
        {1e-7f, 2.0f, -1.5f, 0.0f, 0.3f, 0.9f},
        {0.01f, -0.02f, 0.03f, 0.04f, -0.05f, 0.06f}};
    private static final float[][] GRAD_B = {{0.2f, -0.1f}, {-0.7f, 0.25f}, {0.07f, -0.08f}};
    private static final double[] NORM = {0.8440971970558167, 2.7753379344940186, 0.142828568816185};
    private static final double[][] W = {
        {0.40005624294281006, -0.15008433163166046, 0.025168538093566895, 0.900336503982544, -2.0999577045440674,
            0.8499718904495239},
        {0.40005624294281006, -0.24510255455970764, 0.12283653020858765, 0.900336503982544, -2.1222944259643555,
            0.808303713798523},
        {0.3943844735622406, -0.23980927467346191, 0.11200360953807831, 0.8198466897010803, -2.1019604206085205,
            0.7929897904396057}};
    private static final double[][] B = {
        {8.433312177658081e-05, -0.20016855001449585},
        {0.07309771329164505, -0.26080575585365295},
        {0.035376932471990585, -0.18737414479255676}};

    @ParameterizedTest
    @ValueSource(strings = {ComputeBackends.VECTOR, ComputeBackends.ND4J, ComputeBackends.SCALAR})
    void matchesPyTorchsClipAndRmsprop(String name) {
        try (ComputeBackend backend = ComputeBackends.create(name)) {
            Matrix w = backend.fromArray(2, 3, new float[] {0.5f, -0.25f, 0.125f, 1.0f, -2.0f, 0.75f});
            Matrix b = backend.fromArray(1, 2, new float[] {0.1f, -0.3f});
            Matrix gw = backend.allocate(2, 3);
            Matrix gb = backend.allocate(1, 2);
            RmsProp rms = new RmsProp("test", backend, List.of(w, b), List.of(gw, gb), 0.01, 0.99, 1e-5);
            for (int t = 0; t < 3; t++) {
                gw.write(GRAD_W[t]);
                gb.write(GRAD_B[t]);
                double norm = rms.step(0.5);
                assertThat(norm).as("norm, step %d", t + 1).isCloseTo(NORM[t], offset(1e-6));
                float[] wv = w.toArray();
                float[] bv = b.toArray();
                for (int i = 0; i < wv.length; i++) {
                    assertThat((double) wv[i]).as("w[%d], step %d", i, t + 1).isCloseTo(W[t][i], offset(2e-6));
                }
                for (int i = 0; i < bv.length; i++) {
                    assertThat((double) bv[i]).as("b[%d], step %d", i, t + 1).isCloseTo(B[t][i], offset(2e-6));
                }
                assertThat(gw.toArray()).as("the gradient is left as it was").containsExactly(GRAD_W[t]);
            }
            assertThat(rms.steps()).isEqualTo(3);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {ComputeBackends.VECTOR, ComputeBackends.SCALAR})
    void aNonFiniteGradientChangesNothing(String name) {
        try (ComputeBackend backend = ComputeBackends.create(name)) {
            Matrix w = backend.fromArray(1, 2, new float[] {1f, 2f});
            Matrix g = backend.fromArray(1, 2, new float[] {0.5f, Float.NaN});
            RmsProp rms = new RmsProp("policy", backend, List.of(w), List.of(g), 0.01, 0.99, 1e-5);
            assertThatThrownBy(() -> rms.step(0.5)).isInstanceOf(NonFiniteUpdateException.class)
                    .hasMessageContaining("policy update refused");
            assertThat(w.toArray()).containsExactly(1f, 2f);
            assertThat(rms.state().get(0).toArray()).containsOnly(0f);
            assertThat(rms.steps()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {Double.POSITIVE_INFINITY, 100.0})
    void aNormBelowTheLimitIsNotScaled(double maxNorm) {
        try (ComputeBackend backend = ComputeBackends.create(ComputeBackends.SCALAR)) {
            Matrix w = backend.fromArray(1, 1, new float[] {0f});
            Matrix g = backend.fromArray(1, 1, new float[] {3f});
            RmsProp rms = new RmsProp("w", backend, List.of(w), List.of(g), 0.01, 0.99, 1e-5);
            assertThat(rms.step(maxNorm)).isEqualTo(3.0);
            // v = 0.01 * 9, step = 0.01 * 3 / (0.3 + 1e-5)
            assertThat((double) w.get(0, 0)).isCloseTo(-0.01 * 3 / (0.3 + 1e-5), offset(1e-7));
        }
    }
}
