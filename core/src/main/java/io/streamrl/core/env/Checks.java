package io.streamrl.core.env;

/** Validation of what callers hand to an environment; every message names the environment. */
final class Checks {

    private Checks() {
    }

    /** The single entry of a one-dimensional {@link ActionSpace.Box} action, checked to be finite. */
    static double boxScalar(EnvSpec spec, double[] action) {
        requireLength(spec, action, 1);
        double a = action[0];
        if (!Double.isFinite(a)) {
            throw new IllegalArgumentException(spec.id() + ": action[0] is " + a
                    + "; actions must be finite numbers (out-of-range values are clipped, NaN and infinities are not)");
        }
        return a;
    }

    /** The action index of a {@link ActionSpace.Discrete} action, which must be an integral value in range. */
    static int discrete(EnvSpec spec, double[] action) {
        requireLength(spec, action, 1);
        int n = ((ActionSpace.Discrete) spec.actionSpace()).n();
        double a = action[0];
        if (!(a >= 0 && a < n && a == Math.rint(a))) {
            throw new IllegalArgumentException(spec.id() + ": action must be an integer in [0, " + (n - 1)
                    + "], got " + a);
        }
        return (int) a;
    }

    /** A defensive copy of a state vector after checking its length and that every entry is finite. */
    static double[] finiteState(String envId, double[] state, String... fieldNames) {
        if (state == null) {
            throw new IllegalArgumentException(envId + ": state must not be null");
        }
        if (state.length != fieldNames.length) {
            throw new IllegalArgumentException(envId + ": state must have " + fieldNames.length + " entries "
                    + String.join(", ", fieldNames) + ", got " + state.length);
        }
        for (int i = 0; i < state.length; i++) {
            if (!Double.isFinite(state[i])) {
                throw new IllegalArgumentException(envId + ": state " + fieldNames[i] + " is " + state[i]
                        + "; state values must be finite");
            }
        }
        return state.clone();
    }

    private static void requireLength(EnvSpec spec, double[] action, int length) {
        if (action == null) {
            throw new IllegalArgumentException(spec.id() + ": action must not be null");
        }
        if (action.length != length) {
            throw new IllegalArgumentException(spec.id() + ": action must have " + length + " entr"
                    + (length == 1 ? "y" : "ies") + ", got " + action.length);
        }
    }
}
