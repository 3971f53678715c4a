package io.streamrl.core.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every {@link ComputeBackend} must do, checked against plain double-precision Java on
 * random float32 inputs. A backend's test extends this class and supplies the backend; one
 * instance serves all tests of the class because some backends take seconds to load.
 *
 * <p>Tolerance: the reference is exact up to double rounding, so the difference is the
 * backend's float32 rounding. Each float32 operation errs by at most u = 2^-24 (6e-8) of its
 * result; a sum of K products accumulated in float32 errs by at most about K·u·Σ|terms| in the
 * worst case and by about sqrt(K)·u·Σ|terms| typically (blocked BLAS summation does better), so
 * for K ≤ 256 the typical error is below 1e-6 of Σ|terms|. Allowing {@value #TOLERANCE} of
 * Σ|terms| leaves a tenfold margin for unlucky summation orders, while a real mistake (a missed
 * or doubled term, a wrong index, coefficient or transpose) moves results by whole terms: with
 * inputs drawn uniformly from ranges of order 1, a typical term is 1/K of Σ|terms|, hundreds of
 * times the tolerance even for K = 256.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ComputeBackendContractTest {

    static final double TOLERANCE = 1e-5;

    private static final float NAN = Float.NaN;

    protected abstract ComputeBackend newBackend();

    private ComputeBackend backend;

    @BeforeAll
    void openBackend() {
        backend = newBackend();
    }

    @AfterAll
    void closeBackend() {
        backend.close();
    }

    /** The backend shared by this class's tests. */
    protected final ComputeBackend backend() {
        return backend;
    }

    // ---------------------------------------------------------------- matrices

    @Test
    void nameIsOneOfTheKnownBackends() {
        assertThat(ComputeBackends.NAMES).contains(backend.name());
    }

    @Test
    void allocateReturnsZeroFilledMatricesOfTheRequestedShape() {
        // Dirty some memory first so that a recycled buffer would show.
        for (int i = 0; i < 4; i++) {
            Matrix garbage = backend.fromArray(17, 33, random(new SplittableRandom(i), 17 * 33, -5, 5));
            backend.fill(garbage, 7f);
        }
        Matrix m = backend.allocate(17, 33);
        assertThat(m.rows()).isEqualTo(17);
        assertThat(m.cols()).isEqualTo(33);
        assertThat(m.size()).isEqualTo(17 * 33);
        assertThat(m.toArray()).containsOnly(0f);
    }

    @Test
    void writeReadGetAndToArrayRoundTripInRowMajorOrder() {
        float[] values = {1, 2, 3, 4, 5, 6};
        Matrix m = backend.allocate(2, 3);
        m.write(values);
        assertThat(m.toArray()).containsExactly(values);
        assertThat(m.get(0, 0)).isEqualTo(1f);
        assertThat(m.get(0, 2)).isEqualTo(3f);
        assertThat(m.get(1, 0)).isEqualTo(4f);
        assertThat(m.get(1, 2)).isEqualTo(6f);

        float[] longer = {9, 9, 9, 9, 9, 9, 9, 9};
        m.read(longer);
        assertThat(longer).containsExactly(1, 2, 3, 4, 5, 6, 9, 9);

        m.write(new float[] {-1, -2, -3, -4, -5, -6, 100});
        assertThat(m.toArray()).containsExactly(-1, -2, -3, -4, -5, -6);
    }

    @Test
    void toArrayIsACopy() {
        Matrix m = backend.fromArray(1, 3, new float[] {1, 2, 3});
        float[] copy = m.toArray();
        copy[0] = 42;
        assertThat(m.get(0, 0)).isEqualTo(1f);
    }

    @Test
    void readAndWriteRejectArraysShorterThanTheMatrix() {
        Matrix m = backend.allocate(2, 3);
        assertThatThrownBy(() -> m.read(new float[5]))
                .isInstanceOfAny(IllegalArgumentException.class, IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> m.write(new float[5]))
                .isInstanceOfAny(IllegalArgumentException.class, IndexOutOfBoundsException.class);
    }

    @Test
    void fromArrayCopiesAndRejectsAWrongLengthNamingTheShape() {
        float[] values = {1, 2, 3, 4, 5, 6};
        Matrix m = backend.fromArray(3, 2, values);
        values[0] = 100;
        assertThat(m.toArray()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(m.get(2, 1)).isEqualTo(6f);

        assertThatThrownBy(() -> backend.fromArray(2, 3, new float[5]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2x3")
                .hasMessageContaining("6")
                .hasMessageContaining("got 5");
    }

    @Test
    void operationsRejectMatricesOfAnotherImplementation() {
        Matrix foreign = new ForeignMatrix(2, 2);
        Matrix own = backend.allocate(2, 2);
        assertThatThrownBy(() -> backend.copy(foreign, own))
                .isInstanceOfAny(IllegalArgumentException.class, ClassCastException.class);
        assertThatThrownBy(() -> backend.matmul(own, false, foreign, false, backend.allocate(2, 2), false))
                .isInstanceOfAny(IllegalArgumentException.class, ClassCastException.class);
    }

    // ---------------------------------------------------------------- matmul

    static Stream<Arguments> matmulCases() {
        int[][] shapes = {
            {1, 1, 1}, {1, 3, 1}, {3, 1, 4}, {4, 17, 1}, {1, 33, 17}, {17, 4, 33},
            {33, 64, 3}, {64, 3, 256}, {256, 17, 4}, {3, 256, 33}, {256, 256, 1}, {64, 256, 64}, {256, 64, 33},
        };
        List<Arguments> cases = new ArrayList<>();
        for (int[] s : shapes) {
            for (int flags = 0; flags < 8; flags++) {
                cases.add(Arguments.of(s[0], s[1], s[2], (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}x{1} times {1}x{2}, transposeA={3}, transposeB={4}, accumulate={5}")
    @MethodSource("matmulCases")
    void matmulMatchesTheReference(int m, int k, int n, boolean transposeA, boolean transposeB, boolean accumulate) {
        SplittableRandom rnd = new SplittableRandom(31L * m + 17L * k + n);
        float[] a = random(rnd, m * k, -1, 1); // stored as op(a)^T when transposed
        float[] b = random(rnd, k * n, -1, 1);
        float[] c0 = accumulate ? random(rnd, m * n, -2, 2) : garbage(m * n);
        Matrix ma = transposeA ? backend.fromArray(k, m, a) : backend.fromArray(m, k, a);
        Matrix mb = transposeB ? backend.fromArray(n, k, b) : backend.fromArray(k, n, b);
        Matrix mc = backend.fromArray(m, n, c0);

        backend.matmul(ma, transposeA, mb, transposeB, mc, accumulate);

        double[] expected = new double[m * n];
        double[] scale = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = accumulate ? c0[i * n + j] : 0;
                double abs = Math.abs(sum);
                for (int p = 0; p < k; p++) {
                    double x = transposeA ? a[p * m + i] : a[i * k + p];
                    double y = transposeB ? b[j * k + p] : b[p * n + j];
                    sum += x * y;
                    abs += Math.abs(x * y);
                }
                expected[i * n + j] = sum;
                scale[i * n + j] = abs;
            }
        }
        assertClose("matmul", mc.toArray(), expected, scale);
    }

    @Test
    void matmulLeavesItsInputsUnchanged() {
        SplittableRandom rnd = new SplittableRandom(5);
        float[] a = random(rnd, 12, -1, 1);
        float[] b = random(rnd, 20, -1, 1);
        Matrix ma = backend.fromArray(3, 4, a);
        Matrix mb = backend.fromArray(4, 5, b);
        backend.matmul(ma, false, mb, false, backend.allocate(3, 5), false);
        assertThat(ma.toArray()).containsExactly(a);
        assertThat(mb.toArray()).containsExactly(b);
    }

    @Test
    void matmulAcceptsOneMatrixAsBothInputs() {
        float[] a = random(new SplittableRandom(7), 17 * 4, -1, 1);
        Matrix ma = backend.fromArray(17, 4, a);
        Matrix gram = backend.fromArray(4, 4, garbage(16));

        backend.matmul(ma, true, ma, false, gram, false);

        double[] expected = new double[16];
        double[] scale = new double[16];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                for (int p = 0; p < 17; p++) {
                    expected[i * 4 + j] += (double) a[p * 4 + i] * a[p * 4 + j];
                    scale[i * 4 + j] += Math.abs((double) a[p * 4 + i] * a[p * 4 + j]);
                }
            }
        }
        assertClose("a^T a", gram.toArray(), expected, scale);
    }

    // ---------------------------------------------------------------- activations

    static Stream<Arguments> activationCases() {
        int[][] shapes = {{1, 1}, {3, 4}, {17, 33}, {64, 256}, {256, 1}};
        List<Arguments> cases = new ArrayList<>();
        for (int[] s : shapes) {
            for (Activation f : Activation.values()) {
                cases.add(Arguments.of(s[0], s[1], f, false));
                cases.add(Arguments.of(s[0], s[1], f, true));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}x{1} {2}, in place={3}")
    @MethodSource("activationCases")
    void addBiasActivateMatchesTheReference(int rows, int cols, Activation f, boolean inPlace) {
        SplittableRandom rnd = new SplittableRandom(rows * 131L + cols + f.ordinal());
        float[] z = random(rnd, rows * cols, -3, 3);
        float[] bias = random(rnd, cols, -1, 1);
        Matrix mz = backend.fromArray(rows, cols, z);
        Matrix mb = backend.fromArray(1, cols, bias);
        Matrix out = inPlace ? mz : backend.fromArray(rows, cols, garbage(rows * cols));

        backend.addBiasActivate(mz, mb, f, out);

        double[] expected = new double[rows * cols];
        double[] scale = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double x = (double) z[i * cols + j] + bias[j];
                expected[i * cols + j] = switch (f) {
                    case IDENTITY -> x;
                    case RELU -> Math.max(x, 0);
                    case TANH -> Math.tanh(x);
                };
                // The float sum z + bias is rounded once; every activation has slope at most 1.
                scale[i * cols + j] = Math.abs(z[i * cols + j]) + Math.abs(bias[j]);
            }
        }
        assertClose("addBiasActivate " + f, out.toArray(), expected, scale);
        if (!inPlace) {
            assertThat(mz.toArray()).containsExactly(z);
        }
    }

    @Test
    void reluKeepsNaNVisibleAndMapsNegativesAndZeroToZero() {
        Matrix z = backend.fromArray(1, 5, new float[] {NAN, -2f, 0f, -0f, 3f});
        Matrix bias = backend.allocate(1, 5);
        Matrix out = backend.allocate(1, 5);
        backend.addBiasActivate(z, bias, Activation.RELU, out);
        float[] y = out.toArray();
        assertThat(y[0]).isNaN();
        assertThat(Math.abs(y[1])).isZero();
        assertThat(Math.abs(y[2])).isZero();
        assertThat(Math.abs(y[3])).isZero();
        assertThat(y[4]).isEqualTo(3f);
    }

    /**
     * Tanh must be accurate to a few ulps across the range, tiny arguments included, so that
     * backends agree with {@link Activation#apply} and with each other; fast approximations of
     * the form (e^x - e^-x) / (e^x + e^-x) lose all digits near zero.
     */
    @Test
    void tanhIsAccurateForTinyAndLargeArguments() {
        float[] x = {1e-8f, -1e-8f, 1e-5f, 1e-3f, -2e-3f, 0.1f, 0.5f, -0.7f, 1f, 3f, -5f, 9f, 20f, -40f};
        Matrix z = backend.fromArray(1, x.length, x);
        backend.addBiasActivate(z, backend.allocate(1, x.length), Activation.TANH, z);
        float[] y = z.toArray();
        for (int i = 0; i < x.length; i++) {
            double exact = Math.tanh(x[i]);
            assertThat((double) y[i]).as("tanh(%s)", x[i]).isCloseTo(exact, offset(4.0 * Math.ulp((float) exact)));
        }
    }

    static Stream<Arguments> activationShapes() {
        return activationCases()
                .filter(a -> !(Boolean) a.get()[3])
                .map(a -> Arguments.of(a.get()[0], a.get()[1], a.get()[2]));
    }

    @ParameterizedTest(name = "{0}x{1} {2}")
    @MethodSource("activationShapes")
    void activationBackwardMultipliesByTheDerivativeAtTheOutput(int rows, int cols, Activation f) {
        SplittableRandom rnd = new SplittableRandom(rows * 7L + cols * 3L + f.ordinal());
        float[] y = new float[rows * cols];
        for (int i = 0; i < y.length; i++) {
            y[i] = f.apply((float) rnd.nextDouble(-3, 3));
        }
        float[] g = random(rnd, rows * cols, -2, 2);
        Matrix my = backend.fromArray(rows, cols, y);
        Matrix mg = backend.fromArray(rows, cols, g);

        backend.activationBackward(my, f, mg);

        double[] expected = new double[y.length];
        double[] scale = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            double derivative = switch (f) {
                case IDENTITY -> 1;
                case RELU -> y[i] > 0 ? 1 : 0;
                case TANH -> 1 - (double) y[i] * y[i];
            };
            expected[i] = g[i] * derivative;
            scale[i] = Math.abs(g[i]) * (f == Activation.TANH ? 1 + (double) y[i] * y[i] : derivative);
        }
        assertClose("activationBackward " + f, mg.toArray(), expected, scale);
        assertThat(my.toArray()).containsExactly(y);
    }

    // ---------------------------------------------------------------- reductions

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("columnSumShapes")
    void columnSumsMatchTheReference(int rows, int cols) {
        for (boolean accumulate : new boolean[] {false, true}) {
            SplittableRandom rnd = new SplittableRandom(rows * 1000L + cols);
            float[] m = random(rnd, rows * cols, -1, 1);
            float[] out0 = accumulate ? random(rnd, cols, -3, 3) : garbage(cols);
            Matrix mm = backend.fromArray(rows, cols, m);
            Matrix out = backend.fromArray(1, cols, out0);

            backend.columnSums(mm, out, accumulate);

            double[] expected = new double[cols];
            double[] scale = new double[cols];
            for (int j = 0; j < cols; j++) {
                expected[j] = accumulate ? out0[j] : 0;
                scale[j] = Math.abs(expected[j]);
                for (int i = 0; i < rows; i++) {
                    expected[j] += m[i * cols + j];
                    scale[j] += Math.abs(m[i * cols + j]);
                }
            }
            assertClose("columnSums accumulate=" + accumulate, out.toArray(), expected, scale);
        }
    }

    static Stream<Arguments> columnSumShapes() {
        return Stream.of(Arguments.of(1, 1), Arguments.of(1, 5), Arguments.of(4, 1), Arguments.of(17, 3),
                Arguments.of(33, 64), Arguments.of(256, 17), Arguments.of(256, 256));
    }

    @Test
    void sumOfSquaresAccumulatesInDouble() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int n : new int[] {1, 3, 17, 4097, 10_000}) {
            float[] v = random(rnd, n, -10, 10);
            double expected = 0;
            for (float x : v) {
                expected += (double) x * x;
            }
            assertThat(backend.sumOfSquares(backend.fromArray(1, n, v))).as("n=%d", n)
                    .isCloseTo(expected, offset(1e-12 * expected));
        }
        // In float32 the square of the largest float overflows; accumulated in double it does not.
        double big = backend.sumOfSquares(backend.fromArray(2, 1, new float[] {Float.MAX_VALUE, -Float.MAX_VALUE}));
        assertThat(big).isCloseTo(2.0 * Float.MAX_VALUE * Float.MAX_VALUE, offset(1e-12 * big));
        // 1 plus a thousand terms of 1e-8: a float32 sum would lose every one, a double sum keeps them.
        float[] tiny = new float[1001];
        Arrays.fill(tiny, 1e-4f);
        tiny[0] = 1f;
        double expectedTiny = 1 + 1000 * (double) 1e-4f * 1e-4f;
        assertThat(backend.sumOfSquares(backend.fromArray(1, tiny.length, tiny)))
                .isCloseTo(expectedTiny, offset(1e-12));
    }

    @Test
    void sumOfSquaresIsNaNOrInfiniteWhenAnEntryIs() {
        assertThat(backend.sumOfSquares(backend.fromArray(1, 3, new float[] {1, NAN, 2}))).isNaN();
        assertThat(backend.sumOfSquares(backend.fromArray(3, 1, new float[] {1, 2, Float.POSITIVE_INFINITY})))
                .isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(backend.sumOfSquares(backend.fromArray(1, 2, new float[] {Float.NEGATIVE_INFINITY, 0})))
                .isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(backend.sumOfSquares(backend.fromArray(1, 2, new float[] {Float.POSITIVE_INFINITY, NAN})))
                .isNaN();
        float[] late = new float[37];
        late[36] = NAN;
        assertThat(backend.sumOfSquares(backend.fromArray(1, 37, late))).isNaN();
    }

    // ---------------------------------------------------------------- optimizer and targets

    @ParameterizedTest(name = "weightDecay={0}")
    @ValueSource(doubles = {0.0, 0.01})
    void adamFollowsTheDocumentedFormulaOverSeveralSteps(double weightDecay) {
        int rows = 33;
        int cols = 17;
        int n = rows * cols;
        double lr = 1e-3;
        double beta1 = 0.9;
        double beta2 = 0.999;
        double epsilon = 1e-8;
        SplittableRandom rnd = new SplittableRandom(2024);
        float[] p0 = random(rnd, n, -1, 1);
        Matrix param = backend.fromArray(rows, cols, p0);
        Matrix m1 = backend.allocate(rows, cols);
        Matrix m2 = backend.allocate(rows, cols);
        Matrix grad = backend.allocate(rows, cols);
        double[] p = toDouble(p0);
        double[] m = new double[n];
        double[] v = new double[n];

        for (int t = 1; t <= 6; t++) {
            float[] g = random(rnd, n, -1, 1);
            if (t == 3) {
                g[0] = 0; // a zero gradient still moves the parameter through the momentum
            }
            for (int i = 1; i <= 16; i++) {
                // Gradients near epsilon, where the place of epsilon in the denominator matters.
                g[i] *= 1e-7f;
            }
            grad.write(g);
            AdamStep step = AdamStep.of(lr, beta1, beta2, epsilon, weightDecay, t);

            backend.adam(param, grad, m1, m2, step);

            double[] pScale = new double[n];
            double[] mScale = new double[n];
            double[] vScale = new double[n];
            for (int i = 0; i < n; i++) {
                double decay = (double) step.weightDecay() * p[i];
                double gi = g[i] + decay;
                double gScale = Math.abs(g[i]) + Math.abs(decay);
                double previousM = m[i];
                m[i] = step.beta1() * m[i] + (1 - (double) step.beta1()) * gi;
                v[i] = step.beta2() * v[i] + (1 - (double) step.beta2()) * gi * gi;
                double denominator = Math.sqrt(v[i]) / step.sqrtBiasCorrection2() + step.epsilon();
                p[i] -= step.stepSize() * m[i] / denominator;
                // Rounding errors of m (which may cancel to near zero) carry into the update.
                mScale[i] = Math.abs(previousM) + Math.abs(m[i]) + gScale;
                vScale[i] = Math.abs(v[i]) + gScale * gScale;
                pScale[i] = Math.abs(p[i]) + step.stepSize() * mScale[i] / denominator;
            }
            assertClose("adam first moment, step " + t, m1.toArray(), m, mScale);
            assertClose("adam second moment, step " + t, m2.toArray(), v, vScale);
            assertClose("adam parameter, step " + t, param.toArray(), p, pScale);
            assertThat(grad.toArray()).as("adam leaves the gradient unchanged").containsExactly(g);
        }
    }

    @ParameterizedTest(name = "gradScale={0}")
    @ValueSource(doubles = {1.0, 0.037})
    void rmspropFollowsTheDocumentedFormulaOverSeveralSteps(double gradScale) {
        int rows = 29;
        int cols = 19;
        int n = rows * cols;
        RmsPropStep step = RmsPropStep.of(7e-4, 0.99, 1e-5, gradScale);
        SplittableRandom rnd = new SplittableRandom(2025);
        float[] p0 = random(rnd, n, -1, 1);
        Matrix param = backend.fromArray(rows, cols, p0);
        Matrix square = backend.allocate(rows, cols);
        Matrix grad = backend.allocate(rows, cols);
        double[] p = toDouble(p0);
        double[] v = new double[n];

        for (int t = 1; t <= 6; t++) {
            float[] g = random(rnd, n, -1, 1);
            if (t == 3) {
                g[0] = 0; // a zero gradient leaves the parameter where it is and decays the average
            }
            for (int i = 1; i <= 16; i++) {
                // Gradients near epsilon, where epsilon outside or inside the root makes a difference.
                g[i] *= 1e-6f;
            }
            grad.write(g);

            backend.rmsprop(param, grad, square, step);

            double[] pScale = new double[n];
            double[] vScale = new double[n];
            for (int i = 0; i < n; i++) {
                double gi = (double) step.gradScale() * g[i];
                v[i] = step.alpha() * v[i] + (1 - (double) step.alpha()) * gi * gi;
                double denominator = Math.sqrt(v[i]) + step.epsilon();
                p[i] -= step.lr() * gi / denominator;
                vScale[i] = Math.abs(v[i]) + gi * gi;
                pScale[i] = Math.abs(p[i]) + step.lr() * Math.abs(gi) / denominator;
            }
            assertClose("rmsprop square average, step " + t, square.toArray(), v, vScale);
            assertClose("rmsprop parameter, step " + t, param.toArray(), p, pScale);
            assertThat(grad.toArray()).as("rmsprop leaves the gradient unchanged").containsExactly(g);
        }
    }

    @Test
    void rmspropPutsEpsilonOutsideTheSquareRoot() {
        // One step from a zero average with g = 1e-6: torch gives v = 0.01 g^2, so
        // sqrt(v) = 1e-7 and the step is lr * 1e-6 / (1e-7 + 1e-5) = lr * 0.0990...; epsilon
        // inside the root (TensorFlow's form) would give lr * 1e-6 / sqrt(1e-14 + 1e-5) = lr * 3.2e-4.
        Matrix param = backend.fromArray(1, 1, new float[] {0f});
        Matrix square = backend.allocate(1, 1);
        Matrix grad = backend.fromArray(1, 1, new float[] {1e-6f});
        backend.rmsprop(param, grad, square, RmsPropStep.of(1.0, 0.99, 1e-5, 1.0));
        assertThat((double) param.get(0, 0)).isCloseTo(-1e-6 / (1e-7 + 1e-5), offset(1e-6));
    }

    @ParameterizedTest(name = "tau={0}")
    @ValueSource(floats = {0.005f, 0.5f, 1f, 0f})
    void polyakAveragesTowardsTheSource(float tau) {
        SplittableRandom rnd = new SplittableRandom(8);
        float[] s = random(rnd, 17 * 3, -2, 2);
        float[] t = random(rnd, 17 * 3, -2, 2);
        Matrix source = backend.fromArray(17, 3, s);
        Matrix target = backend.fromArray(17, 3, t);

        backend.polyak(source, target, tau);

        double[] expected = new double[t.length];
        double[] scale = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            expected[i] = (double) tau * s[i] + (1 - (double) tau) * t[i];
            scale[i] = Math.abs(s[i]) + Math.abs(t[i]);
        }
        assertClose("polyak", target.toArray(), expected, scale);
        assertThat(source.toArray()).containsExactly(s);
    }

    @ParameterizedTest(name = "batch={0}")
    @ValueSource(ints = {1, 17, 256})
    void bellmanTargetBootstrapsOnlyWhenNotTerminated(int batch) {
        SplittableRandom rnd = new SplittableRandom(batch);
        float[] reward = random(rnd, batch, -2, 2);
        float[] next = random(rnd, batch, -50, 50);
        float[] terminated = new float[batch];
        for (int i = 0; i < batch; i++) {
            terminated[i] = rnd.nextBoolean() ? 1f : 0f;
        }
        terminated[0] = 1f;
        float gamma = 0.99f;
        Matrix out = backend.fromArray(batch, 1, garbage(batch));

        backend.bellmanTarget(backend.fromArray(batch, 1, reward), backend.fromArray(batch, 1, terminated),
                backend.fromArray(batch, 1, next), gamma, out);

        double[] expected = new double[batch];
        double[] scale = new double[batch];
        for (int i = 0; i < batch; i++) {
            double bootstrap = (double) gamma * (1 - terminated[i]) * next[i];
            expected[i] = reward[i] + bootstrap;
            scale[i] = Math.abs(reward[i]) + Math.abs(bootstrap);
        }
        assertClose("bellmanTarget", out.toArray(), expected, scale);
        assertThat(out.get(0, 0)).as("a terminated transition does not bootstrap").isEqualTo(reward[0]);
    }

    // ---------------------------------------------------------------- element-wise

    @ParameterizedTest(name = "in place={0}")
    @ValueSource(booleans = {false, true})
    void scaledDifferenceMatchesTheReference(boolean inPlace) {
        SplittableRandom rnd = new SplittableRandom(inPlace ? 1 : 2);
        float[] a = random(rnd, 33 * 4, -3, 3);
        float[] b = random(rnd, 33 * 4, -3, 3);
        float scale = 2f / 33;
        Matrix ma = backend.fromArray(33, 4, a);
        Matrix mb = backend.fromArray(33, 4, b);
        Matrix out = inPlace ? ma : backend.fromArray(33, 4, garbage(a.length));

        backend.scaledDifference(ma, mb, scale, out);

        double[] expected = new double[a.length];
        double[] tol = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            expected[i] = scale * ((double) a[i] - b[i]);
            tol[i] = scale * (Math.abs(a[i]) + Math.abs(b[i]));
        }
        assertClose("scaledDifference", out.toArray(), expected, tol);
        assertThat(mb.toArray()).containsExactly(b);
        if (!inPlace) {
            assertThat(ma.toArray()).containsExactly(a);
        }
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("copyShapes")
    void addScaledDifferenceAccumulatesIntoTheOutput(int rows, int cols) {
        SplittableRandom rnd = new SplittableRandom(rows * 37L + cols);
        float[] a = random(rnd, rows * cols, -1, 1);
        float[] b = random(rnd, rows * cols, -1, 1);
        float[] out0 = random(rnd, rows * cols, -3, 3);
        float scale = 2f / (rows * cols);
        Matrix ma = backend.fromArray(rows, cols, a);
        Matrix mb = backend.fromArray(rows, cols, b);
        Matrix out = backend.fromArray(rows, cols, out0);

        backend.addScaledDifference(ma, mb, scale, out);

        double[] expected = new double[a.length];
        double[] tol = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            expected[i] = out0[i] + scale * ((double) a[i] - b[i]);
            tol[i] = Math.abs(out0[i]) + Math.abs(scale) * (Math.abs(a[i]) + Math.abs(b[i]));
        }
        assertClose("addScaledDifference", out.toArray(), expected, tol);
        assertThat(ma.toArray()).containsExactly(a);
        assertThat(mb.toArray()).containsExactly(b);
    }

    @Test
    void addScaledDifferenceWithANegativeScaleAndARejectedAlias() {
        Matrix a = backend.fromArray(1, 3, new float[] {1, 2, 3});
        Matrix b = backend.fromArray(1, 3, new float[] {3, 2, 1});
        Matrix out = backend.fromArray(1, 3, new float[] {10, 10, 10});
        backend.addScaledDifference(a, b, -0.5f, out);
        assertThat(out.toArray()).containsExactly(11f, 10f, 9f);
        assertThatThrownBy(() -> backend.addScaledDifference(a, b, 1f, a))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> backend.addScaledDifference(a, b, 1f, b))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> backend.addScaledDifference(a, b, 1f, backend.allocate(3, 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "in place={0}")
    @ValueSource(booleans = {false, true})
    void minimumIsElementWise(boolean inPlace) {
        SplittableRandom rnd = new SplittableRandom(inPlace ? 3 : 4);
        float[] a = random(rnd, 17 * 5, -1, 1);
        float[] b = random(rnd, 17 * 5, -1, 1);
        b[0] = a[0];
        Matrix ma = backend.fromArray(17, 5, a);
        Matrix mb = backend.fromArray(17, 5, b);
        Matrix out = inPlace ? ma : backend.fromArray(17, 5, garbage(a.length));

        backend.minimum(ma, mb, out);

        float[] expected = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            expected[i] = Math.min(a[i], b[i]);
        }
        assertThat(out.toArray()).containsExactly(expected);
        assertThat(mb.toArray()).containsExactly(b);
    }

    @Test
    void addClampedAddsNoiseAndClampsToTheBounds() {
        SplittableRandom rnd = new SplittableRandom(6);
        float[] a = random(rnd, 64 * 3, -1.5, 1.5);
        float[] noise = random(rnd, 64 * 3, -0.5, 0.5);
        Matrix ma = backend.fromArray(64, 3, a);

        backend.addClamped(ma, backend.fromArray(64, 3, noise), -1f, 0.75f);

        float[] actual = ma.toArray();
        int inside = 0;
        for (int i = 0; i < a.length; i++) {
            float sum = a[i] + noise[i];
            float expected = Math.min(0.75f, Math.max(-1f, sum));
            assertThat(actual[i]).as("entry %d: clamp(%s + %s)", i, a[i], noise[i]).isEqualTo(expected);
            if (sum > -1f && sum < 0.75f) {
                inside++;
            }
        }
        assertThat(inside).as("the inputs exercise the unclamped range too").isBetween(10, a.length - 10);
    }

    @Test
    void fillSetsEveryEntry() {
        Matrix m = backend.fromArray(17, 4, random(new SplittableRandom(9), 68, -1, 1));
        backend.fill(m, -2.5f);
        assertThat(m.toArray()).containsOnly(-2.5f);
        backend.fill(m, 0f);
        assertThat(m.toArray()).containsOnly(0f);
    }

    // ---------------------------------------------------------------- copies

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("copyShapes")
    void copyAndTransposeMoveValuesExactly(int rows, int cols) {
        float[] values = random(new SplittableRandom(rows * 100L + cols), rows * cols, -4, 4);
        Matrix src = backend.fromArray(rows, cols, values);
        Matrix dst = backend.fromArray(rows, cols, garbage(rows * cols));
        backend.copy(src, dst);
        assertThat(dst.toArray()).containsExactly(values);

        Matrix t = backend.fromArray(cols, rows, garbage(rows * cols));
        backend.transpose(src, t);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                assertThat(t.get(j, i)).isEqualTo(values[i * cols + j]);
            }
        }
        assertThat(src.toArray()).containsExactly(values);
    }

    static Stream<Arguments> copyShapes() {
        return Stream.of(Arguments.of(1, 1), Arguments.of(1, 5), Arguments.of(5, 1), Arguments.of(17, 33),
                Arguments.of(64, 3));
    }

    @Test
    void copyColumnsCopiesOnlyTheRequestedBlock() {
        int rows = 5;
        float[] s = random(new SplittableRandom(12), rows * 7, -1, 1);
        float[] d = random(new SplittableRandom(13), rows * 9, -1, 1);
        Matrix src = backend.fromArray(rows, 7, s);
        Matrix dst = backend.fromArray(rows, 9, d);

        backend.copyColumns(src, 2, dst, 5, 4);

        float[] expected = d.clone();
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < 4; j++) {
                expected[i * 9 + 5 + j] = s[i * 7 + 2 + j];
            }
        }
        assertThat(dst.toArray()).containsExactly(expected);
        assertThat(src.toArray()).containsExactly(s);
    }

    @Test
    void copyColumnsConcatenatesStateAndActionForACritic() {
        Matrix state = backend.fromArray(2, 3, new float[] {1, 2, 3, 4, 5, 6});
        Matrix action = backend.fromArray(2, 1, new float[] {-1, -2});
        Matrix input = backend.allocate(2, 4);
        backend.copyColumns(state, 0, input, 0, 3);
        backend.copyColumns(action, 0, input, 3, 1);
        assertThat(input.toArray()).containsExactly(1, 2, 3, -1, 4, 5, 6, -2);
    }

    // ---------------------------------------------------------------- helpers

    static float[] random(SplittableRandom rnd, int n, double lo, double hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextDouble(lo, hi);
        }
        return v;
    }

    /** Stale contents that an operation writing (not accumulating) into its output must not let through. */
    static float[] garbage(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i % 3 == 0 ? NAN : (i % 3 == 1 ? Float.POSITIVE_INFINITY : 1e30f);
        }
        return v;
    }

    static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    /** Asserts |actual - expected| <= TOLERANCE * scale entry by entry, reporting the worst entry. */
    static void assertClose(String what, float[] actual, double[] expected, double[] scale) {
        assertThat(actual).as(what + ": length").hasSize(expected.length);
        int worst = -1;
        double worstRatio = 0;
        for (int i = 0; i < actual.length; i++) {
            double error = Math.abs(actual[i] - expected[i]);
            double allowed = TOLERANCE * scale[i];
            double ratio = error <= allowed ? 0 : (allowed == 0 ? Double.POSITIVE_INFINITY : error / allowed);
            if (Double.isNaN(error)) {
                ratio = Double.POSITIVE_INFINITY;
            }
            if (ratio > worstRatio) {
                worstRatio = ratio;
                worst = i;
            }
        }
        if (worst >= 0) {
            throw new AssertionError(String.format("%s: entry %d is %s, expected %s (allowed error %.3g, %d entries)",
                    what, worst, actual[worst], expected[worst], TOLERANCE * scale[worst], actual.length));
        }
    }

    /** A matrix that no backend allocated. */
    private static final class ForeignMatrix implements Matrix {

        private final int rows;
        private final int cols;
        private final float[] values;

        ForeignMatrix(int rows, int cols) {
            this.rows = rows;
            this.cols = cols;
            this.values = new float[rows * cols];
        }

        @Override
        public int rows() {
            return rows;
        }

        @Override
        public int cols() {
            return cols;
        }

        @Override
        public void read(float[] dst) {
            System.arraycopy(values, 0, dst, 0, values.length);
        }

        @Override
        public void write(float[] src) {
            System.arraycopy(src, 0, values, 0, values.length);
        }

        @Override
        public float get(int row, int col) {
            return values[row * cols + col];
        }
    }
}
