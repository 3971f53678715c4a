package io.streamrl.core.policy;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What a policy network's output means, and the small per-row computations on it (softmax,
 * log-probabilities, entropy, sampling) that the learner and every actor share, so that both
 * sides choose the same action from the same output and the same generator.
 *
 * <p>These run on host arrays in double precision: over two to a handful of outputs per row
 * they cost less than moving the data to a backend and back.
 */
public enum PolicyHead {

    /**
     * DDPG/TD3: the (tanh) output is the action in [-1, 1]; exploration noise is added outside
     * the policy ({@code BehaviourPolicy}).
     */
    DETERMINISTIC,

    /**
     * A2C with {@code n} discrete actions: the output is {@code n} logits, {@code pi = softmax}.
     * Greedy action: the arg max (the first on ties); exploration samples from {@code pi}.
     */
    CATEGORICAL,

    /**
     * A2C with a box: the (unsquashed) output is the mean in normalised action units, with a
     * state-independent learned log standard deviation per action entry. Greedy action: the
     * mean; exploration samples {@code mean + exp(logStd) * N(0, 1)}. The sample is what the
     * log-probability refers to; it is clipped to [-1, 1] only to step the environment, as
     * Stable-Baselines3 clips (to the box) without changing the stored action.
     */
    GAUSSIAN;

    private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

    /** Lower-case name, as snapshots and logs write it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@link #label()} (any case); the error lists the valid names. */
    public static PolicyHead parse(String name) {
        for (PolicyHead h : values()) {
            if (h.name().equalsIgnoreCase(name)) {
                return h;
            }
        }
        throw new IllegalArgumentException("unknown policy head '" + name + "', valid: deterministic, categorical,"
                + " gaussian");
    }

    // ------------------------------------------------------------ categorical

    /** Index of the largest of {@code logits[offset .. offset+n)}; the first one on ties. */
    public static int argmax(float[] logits, int offset, int n) {
        int best = 0;
        for (int j = 1; j < n; j++) {
            if (logits[offset + j] > logits[offset + best]) {
                best = j;
            }
        }
        return best;
    }

    /**
     * {@code log softmax} of {@code logits[offset .. offset+n)} into {@code out[0 .. n)}, shifted
     * by the maximum so that large logits do not overflow.
     */
    public static void logSoftmax(float[] logits, int offset, int n, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, logits[offset + j]);
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
            sum += Math.exp(logits[offset + j] - max);
        }
        double logZ = max + Math.log(sum);
        for (int j = 0; j < n; j++) {
            out[j] = logits[offset + j] - logZ;
        }
    }

    /**
     * Draws an action from {@code softmax(logits[offset .. offset+n))} with one uniform draw
     * (inverse CDF); {@code scratch} holds at least {@code n} entries.
     */
    public static int sampleCategorical(float[] logits, int offset, int n, SplittableRandom random,
                                        double[] scratch) {
        logSoftmax(logits, offset, n, scratch);
        double u = random.nextDouble();
        double cumulative = 0;
        for (int j = 0; j < n - 1; j++) {
            cumulative += Math.exp(scratch[j]);
            if (u < cumulative) {
                return j;
            }
        }
        return n - 1;
    }

    /** Entropy {@code -sum_j p_j log p_j} from log-probabilities {@code logProbs[0 .. n)}. */
    public static double categoricalEntropy(double[] logProbs, int n) {
        double h = 0;
        for (int j = 0; j < n; j++) {
            h -= Math.exp(logProbs[j]) * logProbs[j];
        }
        return h;
    }

    // ------------------------------------------------------------ gaussian

    /**
     * {@code log N(action; mean, exp(logStd)^2)} summed over {@code d} independent entries:
     * {@code sum_k -(a_k - mu_k)^2 / (2 sigma_k^2) - log sigma_k - log sqrt(2 pi)}.
     */
    public static double gaussianLogProb(float[] action, int actionOffset, float[] mean, int meanOffset,
                                         float[] logStd, int d) {
        double lp = 0;
        for (int k = 0; k < d; k++) {
            double z = (action[actionOffset + k] - (double) mean[meanOffset + k]) / Math.exp(logStd[k]);
            lp += -0.5 * z * z - logStd[k] - LOG_SQRT_2PI;
        }
        return lp;
    }

    /** Entropy of the diagonal Gaussian: {@code sum_k 0.5 + log sqrt(2 pi) + logStd_k}, whatever the mean. */
    public static double gaussianEntropy(float[] logStd) {
        double h = 0;
        for (float ls : logStd) {
            h += 0.5 + LOG_SQRT_2PI + ls;
        }
        return h;
    }

    /** One draw {@code mean + exp(logStd) * N(0, 1)} per entry, written into {@code out} from {@code outOffset}. */
    public static void sampleGaussian(float[] mean, int meanOffset, float[] logStd, int d, SplittableRandom random,
                                      float[] out, int outOffset) {
        for (int k = 0; k < d; k++) {
            out[outOffset + k] = (float) (mean[meanOffset + k] + Math.exp(logStd[k]) * random.nextGaussian());
        }
    }

    /** {@code a} clipped to [-1, 1], the normalised box, as it is when stepping an environment. */
    public static float clipUnit(float a) {
        return Math.max(-1f, Math.min(1f, a));
    }

    /**
     * Row {@code row} of a batch of actions ({@code actDim} entries each) as the environment takes
     * it: the index for {@link #CATEGORICAL}; otherwise the row clipped to [-1, 1] and scaled to
     * the box {@code low}..{@code high} (the batch keeps the unclipped sample its log-probability
     * refers to).
     */
    public double[] environmentAction(float[] actions, int row, int actDim, double[] low, double[] high) {
        if (this == CATEGORICAL) {
            return new double[] {actions[row]};
        }
        float[] clipped = new float[actDim];
        for (int k = 0; k < actDim; k++) {
            clipped[k] = clipUnit(actions[row * actDim + k]);
        }
        return ActionScaling.toEnvironment(clipped, low, high);
    }
}
