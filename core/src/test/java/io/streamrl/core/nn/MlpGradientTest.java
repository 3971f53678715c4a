package io.streamrl.core.nn;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrl.core.compute.Activation;
import io.streamrl.core.compute.ComputeBackend;
import io.streamrl.core.compute.ComputeBackends;
import io.streamrl.core.compute.Matrix;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Backpropagation against central finite differences. The finite differences run on an
 * independent double-precision forward pass over the same (float32) parameters, so they are
 * accurate to ~1e-9 and the comparison measures only the float32 rounding of the backward pass.
 * The loss is {@code L = sum_ij R_ij * out_ij} for a fixed random {@code R}, so dL/dOut = R.
 */
class MlpGradientTest {

    private static final double EPS = 1e-6;

    private ComputeBackend backend;

    @BeforeEach
    void setUp() {
        backend = ComputeBackends.create(ComputeBackends.VECTOR);
    }

    @AfterEach
    void tearDown() {
        backend.close();
    }

    static List<Arguments> architectures() {
        return List.of(
                Arguments.of(new int[] {4, 16, 8, 1}, Activation.RELU, Activation.IDENTITY, 5),
                Arguments.of(new int[] {3, 32, 32, 2}, Activation.RELU, Activation.TANH, 7),
                Arguments.of(new int[] {5, 17, 3}, Activation.TANH, Activation.TANH, 3),
                Arguments.of(new int[] {2, 1}, Activation.RELU, Activation.IDENTITY, 1));
    }

    @ParameterizedTest
    @MethodSource("architectures")
    void parameterAndInputGradientsMatchFiniteDifferences(int[] sizes, Activation hidden, Activation output, int batch) {
        SplittableRandom random = new SplittableRandom(42);
        Mlp net = new Mlp(backend, sizes, hidden, output, random);
        float[] x = uniform(batch * sizes[0], 1.5, random);
        float[] r = uniform(batch * sizes[sizes.length - 1], 1.0, random);
        Matrix input = backend.fromArray(batch, sizes[0], x);
        Matrix outGrad = backend.fromArray(batch, sizes[sizes.length - 1], r);
        Matrix inputGrad = backend.allocate(batch, sizes[0]);

        net.forward(input);
        net.backward(outGrad, true, inputGrad);

        float[] params = net.parametersToArray();
        float[] grads = flatten(net.gradients());
        Reference ref = new Reference(sizes, hidden, output);
        int checked = 0;
        for (int i = 0; i < params.length; i++) {
            double[] p = toDouble(params);
            p[i] += EPS;
            double up = ref.loss(p, toDouble(x), toDouble(r), batch);
            p[i] -= 2 * EPS;
            double down = ref.loss(p, toDouble(x), toDouble(r), batch);
            if (ref.nearKink) {
                continue; // a ReLU switched inside the difference: the derivative is not defined there
            }
            double numeric = (up - down) / (2 * EPS);
            assertThat((double) grads[i]).as("dL/dparam[%d]", i).isCloseTo(numeric, tolerance(numeric));
            checked++;
        }
        assertThat(checked).isGreaterThan(params.length * 9 / 10);

        float[] gx = inputGrad.toArray();
        for (int i = 0; i < x.length; i++) {
            double[] xin = toDouble(x);
            xin[i] += EPS;
            double up = ref.loss(toDouble(params), xin, toDouble(r), batch);
            xin[i] -= 2 * EPS;
            double down = ref.loss(toDouble(params), xin, toDouble(r), batch);
            if (ref.nearKink) {
                continue;
            }
            double numeric = (up - down) / (2 * EPS);
            assertThat((double) gx[i]).as("dL/dx[%d]", i).isCloseTo(numeric, tolerance(numeric));
        }
    }

    /** float32 backprop: relative 1e-3 (sums of a few dozen float32 products) with an absolute floor. */
    private static org.assertj.core.data.Offset<Double> tolerance(double expected) {
        return org.assertj.core.data.Offset.offset(1e-4 + 1e-3 * Math.abs(expected));
    }

    private static float[] flatten(List<Matrix> ms) {
        int n = ms.stream().mapToInt(Matrix::size).sum();
        float[] out = new float[n];
        int o = 0;
        for (Matrix m : ms) {
            float[] a = m.toArray();
            System.arraycopy(a, 0, out, o, a.length);
            o += a.length;
        }
        return out;
    }

    private static float[] uniform(int n, double bound, SplittableRandom random) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) random.nextDouble(-bound, bound);
        }
        return out;
    }

    private static double[] toDouble(float[] a) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }

    /** Plain double-precision forward pass in the parameter layout of {@link Mlp#parametersToArray()}. */
    private static final class Reference {
        final int[] sizes;
        final Activation hidden;
        final Activation output;
        boolean nearKink;

        Reference(int[] sizes, Activation hidden, Activation output) {
            this.sizes = sizes;
            this.hidden = hidden;
            this.output = output;
        }

        double loss(double[] params, double[] x, double[] r, int batch) {
            nearKink = false;
            double total = 0;
            for (int b = 0; b < batch; b++) {
                double[] a = new double[sizes[0]];
                System.arraycopy(x, b * sizes[0], a, 0, sizes[0]);
                int off = 0;
                for (int l = 0; l + 1 < sizes.length; l++) {
                    int in = sizes[l];
                    int out = sizes[l + 1];
                    double[] z = new double[out];
                    for (int j = 0; j < out; j++) {
                        double s = params[off + in * out + j];
                        for (int k = 0; k < in; k++) {
                            s += a[k] * params[off + k * out + j];
                        }
                        Activation f = l + 2 == sizes.length ? output : hidden;
                        if (f == Activation.RELU && Math.abs(s) < 1e-5) {
                            nearKink = true;
                        }
                        z[j] = apply(f, s);
                    }
                    off += in * out + out;
                    a = z;
                }
                for (int j = 0; j < a.length; j++) {
                    total += r[b * a.length + j] * a[j];
                }
            }
            return total;
        }

        private static double apply(Activation f, double s) {
            return switch (f) {
                case IDENTITY -> s;
                case RELU -> Math.max(0, s);
                case TANH -> Math.tanh(s);
            };
        }
    }
}
