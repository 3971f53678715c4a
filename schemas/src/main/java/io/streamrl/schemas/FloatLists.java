package io.streamrl.schemas;

import java.util.ArrayList;
import java.util.List;

/**
 * Between the {@code List<Float>} that Avro's generated classes hold for {@code array<float>}
 * fields and the primitive arrays the rest of streamrl works with.
 */
public final class FloatLists {

    private FloatLists() {
    }

    public static List<Float> of(float[] values) {
        List<Float> out = new ArrayList<>(values.length);
        for (float v : values) {
            out.add(v);
        }
        return out;
    }

    /** Narrowed to float32, the width the schemas store. */
    public static List<Float> of(double[] values) {
        List<Float> out = new ArrayList<>(values.length);
        for (double v : values) {
            out.add((float) v);
        }
        return out;
    }

    /** {@code null} stays {@code null} (an absent optional field); a {@code null} element becomes NaN, which validation rejects. */
    public static float[] toArray(List<Float> values) {
        if (values == null) {
            return null;
        }
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            Float v = values.get(i);
            out[i] = v == null ? Float.NaN : v;
        }
        return out;
    }
}
