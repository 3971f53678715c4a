package io.streamrl.core.policy;

import java.util.Arrays;

/**
 * The fixed affine map {@code x' = (x - shift) * scale} applied to observations before they
 * reach a network, both in the learner and in every actor (it travels inside the
 * {@link PolicySnapshot}). Float arithmetic in one order everywhere, so that both sides see
 * identical inputs.
 */
public final class ObservationNormalizer {

    private final float[] shift;
    private final float[] scale;

    public ObservationNormalizer(float[] shift, float[] scale) {
        if (shift.length == 0 || shift.length != scale.length) {
            throw new IllegalArgumentException("normaliser shift and scale need equal, non-zero lengths, got "
                    + shift.length + " and " + scale.length);
        }
        for (int i = 0; i < shift.length; i++) {
            if (!Float.isFinite(shift[i]) || !Float.isFinite(scale[i]) || scale[i] == 0f) {
                throw new IllegalArgumentException("normaliser entry " + i + " must have a finite shift and a finite,"
                        + " non-zero scale, got shift " + shift[i] + ", scale " + scale[i]);
            }
        }
        this.shift = shift.clone();
        this.scale = scale.clone();
    }

    /** The identity map for {@code dim} features. */
    public static ObservationNormalizer identity(int dim) {
        float[] ones = new float[dim];
        Arrays.fill(ones, 1f);
        return new ObservationNormalizer(new float[dim], ones);
    }

    /**
     * TD3+BC's state normalisation (Fujimoto and Gu 2021, section 5): {@code s' = (s - mu) /
     * (sigma + epsilon)} with the dataset's per-dimension mean {@code mu} and standard deviation
     * {@code sigma}; the paper takes {@code epsilon = 1e-3}. Kept as the shift {@code mu} and the
     * scale {@code 1 / (sigma + epsilon)}, like every normaliser.
     *
     * @throws IllegalArgumentException when the lengths differ, or a mean or deviation is not
     *     finite, or a deviation is negative, or epsilon is not positive
     */
    public static ObservationNormalizer standardizing(double[] mean, double[] std, double epsilon) {
        if (mean.length != std.length) {
            throw new IllegalArgumentException("mean and std need equal lengths, got " + mean.length + " and "
                    + std.length);
        }
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be a positive number, got " + epsilon);
        }
        float[] shift = new float[mean.length];
        float[] scale = new float[mean.length];
        for (int i = 0; i < mean.length; i++) {
            if (!Double.isFinite(mean[i]) || !Double.isFinite(std[i]) || std[i] < 0) {
                throw new IllegalArgumentException("dimension " + i + " needs a finite mean and a finite, non-negative"
                        + " std, got " + mean[i] + " and " + std[i]);
            }
            shift[i] = (float) mean[i];
            scale[i] = (float) (1.0 / (std[i] + epsilon));
        }
        return new ObservationNormalizer(shift, scale);
    }

    /**
     * This map followed by {@code next}, as one map: {@code ((x - a) * b - c) * d = (x - (a + c /
     * b)) * (b * d)}. After the identity it is {@code next} itself, bit for bit.
     */
    public ObservationNormalizer andThen(ObservationNormalizer next) {
        if (next.dim() != dim()) {
            throw new IllegalArgumentException("normalisers of " + dim() + " and " + next.dim() + " entries do not"
                    + " compose");
        }
        float[] shift = new float[dim()];
        float[] scale = new float[dim()];
        for (int i = 0; i < dim(); i++) {
            shift[i] = this.shift[i] + next.shift[i] / this.scale[i];
            scale[i] = this.scale[i] * next.scale[i];
        }
        return new ObservationNormalizer(shift, scale);
    }

    public int dim() {
        return shift.length;
    }

    public float[] shift() {
        return shift.clone();
    }

    public float[] scale() {
        return scale.clone();
    }

    /** Normalises {@code observation} into {@code out} from {@code offset} on, for a row of a batch. */
    public void apply(float[] observation, float[] out, int offset) {
        if (observation.length != shift.length) {
            throw new IllegalArgumentException("observation must have " + shift.length + " values, got "
                    + observation.length);
        }
        for (int i = 0; i < shift.length; i++) {
            out[offset + i] = (observation[i] - shift[i]) * scale[i];
        }
    }

    /** A normalised copy of {@code observation}. */
    public float[] apply(float[] observation) {
        float[] out = new float[observation.length];
        apply(observation, out, 0);
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ObservationNormalizer n && Arrays.equals(shift, n.shift) && Arrays.equals(scale, n.scale);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shift) + Arrays.hashCode(scale);
    }
}
