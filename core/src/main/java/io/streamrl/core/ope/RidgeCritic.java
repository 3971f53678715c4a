package io.streamrl.core.ope;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;

/**
 * The doubly robust estimator's critic {@code Q(s, a)}, the expected reward of action {@code a}
 * in state {@code s}: ridge regression of the logged reward on every monomial of the
 * standardised inputs (observation, then normalised action) up to a total degree, intercept
 * included and not penalised. Closed form, so it is deterministic and takes milliseconds; a
 * poor fit costs the doubly robust estimate variance, not bias, as long as the weights are
 * right (Dudík, Langford and Li 2011). Immutable once fitted.
 */
final class RidgeCritic {

    /** Most features; the degree is lowered until the monomials fit. */
    static final int MAX_FEATURES = 400;

    private final int obsDim;
    private final int[] inputs;
    private final double[] shift;
    private final double[] scale;
    private final int[][] terms;
    private final double[] beta;
    private final int degree;

    private RidgeCritic(int obsDim, int[] inputs, double[] shift, double[] scale, int[][] terms, double[] beta,
                        int degree) {
        this.obsDim = obsDim;
        this.inputs = inputs;
        this.shift = shift;
        this.scale = scale;
        this.terms = terms;
        this.beta = beta;
        this.degree = degree;
    }

    /** The degree used for {@code inputs} variables: {@code wanted}, or lower until the features fit. */
    static int degreeFor(int inputs, int wanted) {
        int d = wanted;
        while (d > 1 && features(inputs, d) > MAX_FEATURES) {
            d--;
        }
        return d;
    }

    /** Monomials of {@code k} variables up to total degree {@code d}, the constant included: C(k + d, d). */
    static long features(int k, int d) {
        long c = 1;
        for (int i = 1; i <= d; i++) {
            c = c * (k + i) / i;
        }
        return c;
    }

    /**
     * Fits on {@code rows} of {@code log} (at least two).
     *
     * @param degree highest total degree, already lowered with {@link #degreeFor}
     * @param ridge penalty per row on standardised features
     */
    static RidgeCritic fit(LoggedDecisions log, int[] rows, int degree, double ridge) {
        int obsDim = log.spec().observationDim();
        int actDim = log.spec().actionDim();
        int k = obsDim + actDim;
        double[] mean = new double[k];
        double[] sq = new double[k];
        double[] x = new double[k];
        float[] obs = new float[obsDim];
        float[] act = new float[actDim];
        for (int i : rows) {
            inputs(log, i, obs, act, x);
            for (int j = 0; j < k; j++) {
                mean[j] += x[j];
                sq[j] += x[j] * x[j];
            }
        }
        List<Integer> varying = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            mean[j] /= rows.length;
            double variance = Math.max(0, sq[j] / rows.length - mean[j] * mean[j]);
            // A constant input (a weekday always 0, an action never explored) adds nothing but a singular column.
            if (variance > 1e-12 * Math.max(1, mean[j] * mean[j])) {
                varying.add(j);
            }
        }
        int[] used = varying.stream().mapToInt(Integer::intValue).toArray();
        double[] shift = new double[used.length];
        double[] scale = new double[used.length];
        for (int u = 0; u < used.length; u++) {
            int j = used[u];
            shift[u] = mean[j];
            scale[u] = 1 / Math.sqrt(sq[j] / rows.length - mean[j] * mean[j]);
        }
        int[][] terms = monomials(used.length, degree);
        int p = terms.length;
        double[][] a = new double[p][p];
        double[] b = new double[p];
        double[] f = new double[p];
        double[] z = new double[used.length];
        for (int i : rows) {
            inputs(log, i, obs, act, x);
            standardise(x, used, shift, scale, z);
            features(z, terms, f);
            double y = log.reward(i);
            for (int r = 0; r < p; r++) {
                double fr = f[r];
                b[r] += fr * y;
                for (int c = r; c < p; c++) {
                    a[r][c] += fr * f[c];
                }
            }
        }
        double penalty = ridge * rows.length;
        for (int r = 0; r < p; r++) {
            for (int c = 0; c < r; c++) {
                a[r][c] = a[c][r];
            }
            if (terms[r].length > 0) {
                a[r][r] += penalty;
            }
        }
        double[] beta = new CholeskyDecomposition(new Array2DRowRealMatrix(a, false), 1e-10, 1e-14).getSolver()
                .solve(new ArrayRealVector(b, false)).toArray();
        return new RidgeCritic(obsDim, used, shift, scale, terms, beta, degree);
    }

    int degree() {
        return degree;
    }

    /**
     * {@code Q(obs, action)}.
     *
     * @param x scratch of obs + action entries
     * @param z scratch of at least {@link #inputCount()} entries
     * @param f scratch of at least {@link #featureCount()} entries
     */
    double predict(float[] obs, float[] action, double[] x, double[] z, double[] f) {
        for (int j = 0; j < obs.length; j++) {
            x[j] = obs[j];
        }
        for (int j = 0; j < action.length; j++) {
            x[obsDim + j] = action[j];
        }
        standardise(x, inputs, shift, scale, z);
        features(z, terms, f);
        double q = 0;
        for (int r = 0; r < terms.length; r++) {
            q += beta[r] * f[r];
        }
        return q;
    }

    int inputCount() {
        return inputs.length;
    }

    int featureCount() {
        return terms.length;
    }

    private static void inputs(LoggedDecisions log, int i, float[] obs, float[] act, double[] x) {
        log.observation(i, obs);
        log.action(i, act);
        for (int j = 0; j < obs.length; j++) {
            x[j] = obs[j];
        }
        for (int j = 0; j < act.length; j++) {
            x[obs.length + j] = act[j];
        }
    }

    private static void standardise(double[] x, int[] used, double[] shift, double[] scale, double[] z) {
        for (int u = 0; u < used.length; u++) {
            z[u] = (x[used[u]] - shift[u]) * scale[u];
        }
    }

    private static void features(double[] z, int[][] terms, double[] f) {
        for (int r = 0; r < terms.length; r++) {
            double v = 1;
            for (int j : terms[r]) {
                v *= z[j];
            }
            f[r] = v;
        }
    }

    /** Every multiset of at most {@code degree} of the {@code k} variables, the empty one (the intercept) first. */
    static int[][] monomials(int k, int degree) {
        List<int[]> out = new ArrayList<>();
        out.add(new int[0]);
        List<int[]> previous = List.of(new int[0]);
        for (int d = 1; d <= degree; d++) {
            List<int[]> next = new ArrayList<>();
            for (int[] t : previous) {
                int from = t.length == 0 ? 0 : t[t.length - 1];
                for (int j = from; j < k; j++) {
                    int[] longer = java.util.Arrays.copyOf(t, t.length + 1);
                    longer[t.length] = j;
                    next.add(longer);
                }
            }
            out.addAll(next);
            previous = next;
        }
        return out.toArray(int[][]::new);
    }
}
