package io.streamrl.core.policy;

/**
 * Maps between the normalised action range [-1, 1] that networks, noise and the replay buffer
 * use and an environment's box bounds {@code [low, high]}.
 */
public final class ActionScaling {

    private ActionScaling() {
    }

    /** {@code low + (a + 1) / 2 * (high - low)} per dimension. */
    public static double[] toEnvironment(float[] normalized, double[] low, double[] high) {
        requireSameLength(normalized.length, low, high);
        double[] out = new double[normalized.length];
        for (int i = 0; i < normalized.length; i++) {
            out[i] = low[i] + (normalized[i] + 1.0) * 0.5 * (high[i] - low[i]);
        }
        return out;
    }

    /**
     * The inverse map, clipped to [-1, 1] (an environment may have received a clipped value).
     * Takes the float32 action a transition record carries; the arithmetic is in double.
     */
    public static float[] toNormalized(float[] action, double[] low, double[] high) {
        float[] out = new float[action.length];
        toNormalized(action, low, high, out, 0);
        return out;
    }

    /** The same map written into {@code out} from {@code offset} on, for a row of a batch. */
    public static void toNormalized(float[] action, double[] low, double[] high, float[] out, int offset) {
        requireSameLength(action.length, low, high);
        for (int i = 0; i < action.length; i++) {
            double a = 2.0 * (action[i] - low[i]) / (high[i] - low[i]) - 1.0;
            out[offset + i] = (float) Math.max(-1.0, Math.min(1.0, a));
        }
    }

    private static void requireSameLength(int actionLength, double[] low, double[] high) {
        if (low.length != actionLength || high.length != actionLength) {
            throw new IllegalArgumentException("an action of " + actionLength + " values needs bounds of the same"
                    + " length, got low " + low.length + " and high " + high.length);
        }
    }
}
