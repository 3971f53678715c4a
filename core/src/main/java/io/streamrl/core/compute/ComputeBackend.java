package io.streamrl.core.compute;

/**
 * The small set of dense kernels that the networks and update rules are written against.
 *
 * <p>Three implementations exist: {@code vector} (float arrays and the JDK Vector API, the
 * default on CPU), {@code scalar} (float arrays and plain Java loops; it shares its storage,
 * argument checks and element-wise loops with {@code vector} in
 * {@link io.streamrl.core.compute.array.ArrayBackend}) and {@code nd4j} (ND4J, the reference and
 * the road to GPUs). All compute the same mathematics; results agree to float32 rounding, not
 * bit for bit.
 *
 * <p>A backend instance is used by one thread at a time (it may keep scratch buffers).
 * Output matrices must not alias inputs unless an operation says so.
 */
public interface ComputeBackend extends AutoCloseable {

    /** {@code vector}, {@code scalar} or {@code nd4j}. */
    String name();

    /** A zero-filled matrix. */
    Matrix allocate(int rows, int cols);

    /** A matrix holding a copy of row-major {@code values}. */
    default Matrix fromArray(int rows, int cols, float[] values) {
        if (values.length != rows * cols) {
            throw new IllegalArgumentException("expected " + rows + "x" + cols + " = " + rows * cols
                    + " values, got " + values.length);
        }
        Matrix m = allocate(rows, cols);
        m.write(values);
        return m;
    }

    /**
     * {@code c = op(a) op(b)}, or {@code c += op(a) op(b)} when {@code accumulate}, where
     * {@code op(x)} is {@code x} or its transpose.
     */
    void matmul(Matrix a, boolean transposeA, Matrix b, boolean transposeB, Matrix c, boolean accumulate);

    /** {@code out[i][j] = f(z[i][j] + bias[0][j])}; {@code out} may be {@code z}. */
    void addBiasActivate(Matrix z, Matrix bias, Activation f, Matrix out);

    /** {@code grad[i][j] *= f'(.)} evaluated from the forward output {@code y = f(.)}. */
    void activationBackward(Matrix y, Activation f, Matrix grad);

    /** {@code out[0][j] = sum_i m[i][j]} (added to {@code out} when {@code accumulate}). */
    void columnSums(Matrix m, Matrix out, boolean accumulate);

    /** One Adam step on {@code param} with its gradient and moment estimates, see {@link AdamStep}. */
    void adam(Matrix param, Matrix grad, Matrix firstMoment, Matrix secondMoment, AdamStep step);

    /**
     * One RMSprop step on {@code param} with its gradient and running average of squared
     * gradients, see {@link RmsPropStep}; the gradient itself is left unchanged.
     */
    void rmsprop(Matrix param, Matrix grad, Matrix squareAverage, RmsPropStep step);

    /** Polyak averaging {@code target = tau * source + (1 - tau) * target}. */
    void polyak(Matrix source, Matrix target, float tau);

    /** {@code dst = src} (same shape). */
    void copy(Matrix src, Matrix dst);

    /** {@code dst = src^T}. */
    void transpose(Matrix src, Matrix dst);

    /** Copies {@code count} columns of {@code src} starting at {@code srcCol} into {@code dst} at {@code dstCol}. */
    void copyColumns(Matrix src, int srcCol, Matrix dst, int dstCol, int count);

    /**
     * The one-step Bellman target {@code out = reward + gamma * (1 - terminated) * nextValue},
     * all {@code B x 1}; {@code terminated} holds 0 or 1.
     */
    void bellmanTarget(Matrix reward, Matrix terminated, Matrix nextValue, float gamma, Matrix out);

    /** {@code out = scale * (a - b)}; {@code out} may be {@code a}. */
    void scaledDifference(Matrix a, Matrix b, float scale, Matrix out);

    /**
     * {@code out += scale * (a - b)} element-wise (the behaviour-cloning gradient of TD3+BC added
     * to the critic's action gradient); {@code out} must be neither {@code a} nor {@code b}.
     */
    void addScaledDifference(Matrix a, Matrix b, float scale, Matrix out);

    /** Sets every entry to {@code value}. */
    void fill(Matrix m, float value);

    /** {@code out = min(a, b)} element-wise; {@code out} may be {@code a}. */
    void minimum(Matrix a, Matrix b, Matrix out);

    /** {@code a = clamp(a + noise, lo, hi)} element-wise. */
    void addClamped(Matrix a, Matrix noise, float lo, float hi);

    /** Sum of squared entries, accumulated in double; NaN or infinite when any entry is. */
    double sumOfSquares(Matrix m);

    /** Releases native resources; the backend and its matrices are unusable afterwards. */
    @Override
    void close();
}
