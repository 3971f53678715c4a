package io.streamrl.core.compute;

/**
 * Element-wise activations. The derivative is expressed through the activation's output
 * {@code y = f(x)} so that backward passes need only the cached forward outputs.
 */
public enum Activation {
    IDENTITY {
        @Override
        public float apply(float x) {
            return x;
        }

        @Override
        public float derivativeFromOutput(float y) {
            return 1f;
        }
    },
    RELU {
        @Override
        public float apply(float x) {
            // x > 0 ? x : 0 maps NaN to 0; keep NaN visible so the update's finiteness check sees it.
            return x > 0f ? x : (x <= 0f ? 0f : x);
        }

        @Override
        public float derivativeFromOutput(float y) {
            return y > 0f ? 1f : 0f;
        }
    },
    TANH {
        @Override
        public float apply(float x) {
            return (float) Math.tanh(x);
        }

        @Override
        public float derivativeFromOutput(float y) {
            return 1f - y * y;
        }
    };

    /** f(x), computed the same way by every backend and by policy snapshots. */
    public abstract float apply(float x);

    /** f'(x) written in terms of y = f(x). */
    public abstract float derivativeFromOutput(float y);

    /** Parses a lower-case or upper-case name; the error lists the valid names. */
    public static Activation parse(String name) {
        for (Activation a : values()) {
            if (a.name().equalsIgnoreCase(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown activation '" + name + "', valid: identity, relu, tanh");
    }
}
