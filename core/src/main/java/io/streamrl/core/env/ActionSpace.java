package io.streamrl.core.env;

/** Gymnasium's action spaces that streamrl supports. */
public sealed interface ActionSpace permits ActionSpace.Box, ActionSpace.Discrete {

    /** Number of entries in an action vector passed to {@link Env#step(double[])}. */
    int dim();

    /** A continuous box {@code [low, high]} per dimension. */
    record Box(double[] low, double[] high) implements ActionSpace {
        public Box {
            if (low.length == 0 || low.length != high.length) {
                throw new IllegalArgumentException("Box bounds need equal, non-zero lengths, got "
                        + low.length + " and " + high.length);
            }
            low = low.clone();
            high = high.clone();
            for (int i = 0; i < low.length; i++) {
                if (!(low[i] < high[i])) {
                    throw new IllegalArgumentException("Box bound " + i + ": low " + low[i]
                            + " must be below high " + high[i]);
                }
            }
        }

        @Override
        public double[] low() {
            return low.clone();
        }

        @Override
        public double[] high() {
            return high.clone();
        }

        public double low(int i) {
            return low[i];
        }

        public double high(int i) {
            return high[i];
        }

        @Override
        public int dim() {
            return low.length;
        }
    }

    /** {@code n} discrete actions numbered {@code 0 .. n-1}. */
    record Discrete(int n) implements ActionSpace {
        public Discrete {
            if (n < 2) {
                throw new IllegalArgumentException("Discrete space needs at least 2 actions, got " + n);
            }
        }

        @Override
        public int dim() {
            return 1;
        }
    }
}
