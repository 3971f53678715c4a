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
