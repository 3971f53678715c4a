package io.streamrl.core.ope;

import io.streamrl.core.explore.DeterministicPolicy;
import io.streamrl.core.noise.ExplorationNoise;
import io.streamrl.core.ope.Estimate.Estimator;
import io.streamrl.core.ope.Refusal.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * Off-policy evaluation of a deterministic candidate on logged decisions that carry the
 * behaviour log-density, for continuous actions.
 *
 * <p>The candidate is smoothed with bandwidth {@code h} ({@link SmoothedPolicy}; Kallus and Zhou
 * 2018), so that row {@code i}, with reward {@code r_i}, normalised action {@code a_i} and
 * behaviour log-density {@code log b_i}, gets the importance weight
 * {@code w_i = exp(log pi_h(a_i | s_i) - log b_i)}. Then, over the {@code n} usable rows:
 * <ul>
 *   <li>IS, importance sampling (Precup, Sutton and Singh 2000, per-decision):
 *       {@code mean(w_i r_i)}, unbiased;</li>
 *   <li>WIS, weighted importance sampling (ibid.): {@code sum(w_i r_i) / sum(w_i)}, biased by
 *       O(1/n) and usually of much lower variance;</li>
 *   <li>DR, doubly robust (Dudík, Langford and Li 2011; Jiang and Li 2016):
 *       {@code mean(E_{a ~ pi_h} Q(s_i, a) + w_i (r_i - Q(s_i, a_i)))} with a fitted critic
 *       {@code Q} ({@link RidgeCritic}), unbiased when either the weights or the critic are right.
 *       The critic is cross-fitted over two folds of the independent units (Chernozhukov et al.
 *       2018): the rows of one fold are corrected with the critic fitted on the other, so no row
 *       corrects a critic fitted on itself. {@code E_{a ~ pi_h} Q} is the mean over
 *       {@code critic-samples} draws of the smoothed action.</li>
 * </ul>
 * Every estimate is the mean of one term per row (for WIS, of its linearisation
 * {@code w_i (r_i - V) / mean(w)}: the delta method), so its standard error is that of a mean,
 * cluster-robust over the {@link IntervalUnit}: {@code SE^2 = G / (G - 1) sum_g (sum_{i in g}
 * (x_i - V))^2 / n^2} over the {@code G} units, and the interval is {@code V +- t SE} with
 * Student's {@code t} quantile for {@code G - 1} degrees of freedom. The effective sample size
 * is Kish's {@code (sum w)^2 / sum w^2}.
 *
 * <p>Refusals, in the order checked: a stateful environment without {@code per-decision}; no row
 * with a density; rows without one unless {@code drop-missing-density}; fewer than
 * {@code min-rows} rows or {@code min-units} units; then, per candidate, an effective sample size
 * below {@code min-ess}.
 *
 * <p>Use: {@link #prepare} a log once (the checks that do not depend on the candidate, and the
 * critic's fit), then {@link #evaluate} any number of candidates on it. Deterministic for a
 * given seed. Immutable and thread-safe.
 */
public final class OffPolicyEvaluator {

    private final OpeConfig config;

    public OffPolicyEvaluator(OpeConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    public OpeConfig config() {
        return config;
    }

    /**
     * A log checked and its critic fitted, ready for {@link #evaluate}. Immutable.
     */
    public static final class Prepared {
        private final LoggedDecisions log;
        private final int[] rows;
        private final int[] unitOf;
        private final int units;
        private final int[] foldOf;
        private final RidgeCritic[] criticFor;
        private final double[] loggedQ;
        private final Refusal refusal;
        private final List<String> notes;

        private Prepared(LoggedDecisions log, int[] rows, int[] unitOf, int units, int[] foldOf,
                         RidgeCritic[] criticFor, double[] loggedQ, Refusal refusal, List<String> notes) {
            this.log = log;
            this.rows = rows;
            this.unitOf = unitOf;
            this.units = units;
            this.foldOf = foldOf;
            this.criticFor = criticFor;
            this.loggedQ = loggedQ;
            this.refusal = refusal;
            this.notes = List.copyOf(notes);
        }

        public LoggedDecisions log() {
            return log;
        }

        /** Why no candidate can be evaluated on this log; null when one can. */
        public Refusal refusal() {
            return refusal;
        }

        public int rowsUsed() {
            return rows.length;
        }

        public int units() {
            return units;
        }
    }

    /** Checks the log and fits the doubly robust critic on it. */
    public Prepared prepare(LoggedDecisions log) {
        Objects.requireNonNull(log, "log");
        List<String> notes = new ArrayList<>();
        int n = log.size();
        int missing = log.rowsWithoutDensity();
        String env = log.spec().id();
        if (!log.spec().contextualBandit()) {
            String why = env + "'s states depend on the actions taken, so the expected reward per decision on the"
                    + " logged states is not a policy's value (a policy changes the states it meets)";
            if (!config.perDecision()) {
                return refused(log, new Refusal(Reason.STATE_DEPENDS_ON_ACTION, why + "; pass --per-decision to"
                        + " estimate the per-decision reward anyway"), notes);
            }
            notes.add("per-decision estimates: " + why);
        }
        if (n == 0 || missing == n) {
            return refused(log, new Refusal(Reason.NO_DENSITIES, n == 0 ? "the log holds no rows"
                    : "none of the " + n + " rows carries a behaviour log-density (log_density), so no importance"
                    + " weight can be computed; log it with each decision (serve does for the decisions it explores,"
                    + " and the reward join carries it into their transitions)"), notes);
        }
        if (missing > 0) {
            if (!config.dropMissingDensity()) {
                return refused(log, new Refusal(Reason.MISSING_DENSITIES, missing + " of the " + n + " rows carry no"
                        + " behaviour log-density (a fallback, a guardrail's change, no exploration, or a writer"
                        + " that did not record it); pass --drop-missing-density to estimate from the other "
                        + (n - missing) + ", for the states those rows cover"), notes);
            }
            notes.add(missing + " of the " + n + " rows carry no behaviour log-density and were left out: the"
                    + " estimates are for the states the other rows cover");
        }
        int[] rows = new int[n - missing];
        for (int i = 0, k = 0; i < n; i++) {
            if (log.hasDensity(i)) {
                rows[k++] = i;
            }
        }
        if (rows.length < config.minRows()) {
            return refused(log, new Refusal(Reason.TOO_FEW_ROWS, "the log has " + rows.length + " usable rows;"
                    + " --min-rows is " + config.minRows()), notes);
        }
        int[] unitOf = new int[rows.length];
        int units = units(log, rows, unitOf);
        if (units < config.minUnits()) {
            String what = config.unit() == IntervalUnit.ACTOR ? "actor ids" : config.unit() == IntervalUnit.EPISODE
                    ? "episodes (actor id and episode)" : "rows";
            return refused(log, new Refusal(Reason.TOO_FEW_UNITS, "the usable rows come from " + units + " " + what
                    + "; intervals need at least --min-units " + config.minUnits() + " independent units"
                    + (config.unit() == IntervalUnit.ROW ? "" : ", since the rows of one share their states; if every"
                    + " row's state was drawn independently, pass --unit row")), notes);
        }
        int inputs = log.spec().observationDim() + log.spec().actionDim();
        int degree = RidgeCritic.degreeFor(inputs, config.criticDegree());
        if (degree < config.criticDegree()) {
            notes.add("critic degree lowered from " + config.criticDegree() + " to " + degree + " for " + inputs
                    + " inputs (at most " + RidgeCritic.MAX_FEATURES + " features)");
        }
        // Cross-fitting: units (not rows, which share states within a unit) split into two folds at random.
        SplittableRandom random = new SplittableRandom(config.seed());
        int[] order = new int[units];
        for (int u = 0; u < units; u++) {
            order[u] = u;
        }
        for (int u = units - 1; u > 0; u--) {
            int j = random.nextInt(u + 1);
            int t = order[u];
            order[u] = order[j];
            order[j] = t;
        }
        int[] unitFold = new int[units];
        for (int p = 0; p < units; p++) {
            unitFold[order[p]] = p < (units + 1) / 2 ? 0 : 1;
        }
        int[] foldOf = new int[rows.length];
        int[][] foldRows = new int[2][];
        int inFirst = 0;
        for (int k = 0; k < rows.length; k++) {
            foldOf[k] = unitFold[unitOf[k]];
            inFirst += foldOf[k] == 0 ? 1 : 0;
        }
        foldRows[0] = new int[inFirst];
        foldRows[1] = new int[rows.length - inFirst];
        for (int k = 0, a = 0, b = 0; k < rows.length; k++) {
            if (foldOf[k] == 0) {
                foldRows[0][a++] = rows[k];
            } else {
                foldRows[1][b++] = rows[k];
            }
        }
        // The critic that corrects fold f's rows is fitted on the other fold.
        RidgeCritic[] criticFor = {
            RidgeCritic.fit(log, foldRows[1], degree, config.criticRidge()),
            RidgeCritic.fit(log, foldRows[0], degree, config.criticRidge()),
        };
        double[] loggedQ = new double[rows.length];
        Scratch s = new Scratch(log, criticFor);
        for (int k = 0; k < rows.length; k++) {
            log.observation(rows[k], s.obs);
            log.action(rows[k], s.act);
            loggedQ[k] = criticFor[foldOf[k]].predict(s.obs, s.act, s.x, s.z, s.f);
        }
        return new Prepared(log, rows, unitOf, units, foldOf, criticFor, loggedQ, null, notes);
    }

    /** {@link #prepare} and {@link #evaluate(Prepared, DeterministicPolicy)} in one. */
    public OpeReport evaluate(LoggedDecisions log, DeterministicPolicy candidate) {
        return evaluate(prepare(log), candidate);
    }

    /**
     * Estimates the candidate's expected reward per decision on the prepared log.
     *
     * @param candidate an observation (as logged) in, an action in [-1, 1] out, e.g. a policy
     *     snapshot's {@code actNormalized}
     */
    public OpeReport evaluate(Prepared prepared, DeterministicPolicy candidate) {
        Objects.requireNonNull(candidate, "candidate");
        LoggedDecisions log = prepared.log;
        if (prepared.refusal != null) {
            return report(prepared, Double.NaN, Double.NaN, Double.NaN, List.of(), prepared.refusal);
        }
        SmoothedPolicy target = new SmoothedPolicy(candidate, config.bandwidth());
        int[] rows = prepared.rows;
        int m = rows.length;
        int actDim = log.spec().actionDim();
        float[][] means = new float[m][];
        double[] logW = new double[m];
        double maxLogW = Double.NEGATIVE_INFINITY;
        float[] obs = new float[log.spec().observationDim()];
        float[] act = new float[actDim];
        for (int k = 0; k < m; k++) {
            int i = rows[k];
            log.observation(i, obs);
            log.action(i, act);
            means[k] = target.mean(obs);
            if (means[k].length != actDim) {
                throw new IllegalArgumentException("the candidate gives " + means[k].length + " action values; "
                        + log.spec().id() + " has " + actDim);
            }
            logW[k] = target.logDensity(means[k], act) - log.logDensity(i);
            maxLogW = Math.max(maxLogW, logW[k]);
        }
        // Kish's ESS and the largest weight's share, from weights scaled by the largest: no overflow.
        double s1 = 0;
        double s2 = 0;
        for (double l : logW) {
            double v = Math.exp(l - maxLogW);
            s1 += v;
            s2 += v * v;
        }
        double ess = s1 * s1 / s2;
        double maxShare = 1 / s1;
        double[] w = new double[m];
        double sumW = 0;
        for (int k = 0; k < m; k++) {
            w[k] = Math.exp(logW[k]);
            sumW += w[k];
        }
        double meanW = sumW / m;
        if (!Double.isFinite(sumW) || !(sumW > 0)) {
            return report(prepared, ess, Double.NaN, maxShare, List.of(), new Refusal(Reason.LOW_ESS, String.format(
                    Locale.ROOT, "the importance weights sum to %s (the largest is e^%.0f; effective sample size %.1f"
                    + " of %d rows): the candidate takes actions the behaviour policy almost never took, or the"
                    + " densities are not log-densities of the normalised action; a larger --bandwidth (now %s) or"
                    + " a log that explored closer to it helps", sumW, maxLogW, ess, m, trim(config.bandwidth()))));
        }
        if (ess < config.minEss()) {
            return report(prepared, ess, meanW, maxShare, List.of(), new Refusal(Reason.LOW_ESS, String.format(
                    Locale.ROOT, "the importance weights' effective sample size is %.1f of %d rows (the largest"
                    + " weight is %.1f%% of their sum), below --min-ess %s: the candidate takes actions the"
                    + " behaviour policy rarely took; a larger --bandwidth (now %s) or a log that explored"
                    + " closer to it helps", ess, m, 100 * maxShare, trim(config.minEss()), trim(config.bandwidth()))));
        }
        double t = quantile(prepared.units);
        // IS
        double[] terms = new double[m];
        double sumWr = 0;
        for (int k = 0; k < m; k++) {
            terms[k] = w[k] * log.reward(rows[k]);
            sumWr += terms[k];
        }
        Estimate is = meanEstimate(Estimator.IS, terms, prepared, t);
        // WIS, through its linearisation
        double wis = sumWr / sumW;
        for (int k = 0; k < m; k++) {
            terms[k] = w[k] * (log.reward(rows[k]) - wis) / meanW;
        }
        Estimate wisEstimate = interval(Estimator.WIS, wis, clusteredSe(terms, 0, prepared), t);
        // DR, with the cross-fitted critic averaged over draws of the smoothed candidate
        SplittableRandom draws = new SplittableRandom(config.seed()).split();
        ExplorationNoise smoothing = target.noise(actDim, draws);
        Scratch s = new Scratch(log, prepared.criticFor);
        for (int k = 0; k < m; k++) {
            int i = rows[k];
            log.observation(i, s.obs);
            RidgeCritic critic = prepared.criticFor[prepared.foldOf[k]];
            double expected = 0;
            for (int j = 0; j < config.criticSamples(); j++) {
                System.arraycopy(means[k], 0, s.act, 0, actDim);
                smoothing.perturb(s.act);
                expected += critic.predict(s.obs, s.act, s.x, s.z, s.f);
            }
            expected /= config.criticSamples();
            terms[k] = expected + w[k] * (log.reward(i) - prepared.loggedQ[k]);
        }
        Estimate dr = meanEstimate(Estimator.DR, terms, prepared, t);
        return report(prepared, ess, meanW, maxShare, List.of(is, wisEstimate, dr), null);
    }

    private OpeReport report(Prepared p, double ess, double meanW, double maxShare, List<Estimate> estimates,
                             Refusal refusal) {
        LoggedDecisions log = p.log;
        return new OpeReport(log.spec().id(), config.bandwidth(), config.confidence(), config.unit(), log.size(),
                log.rowsWithoutDensity(), p.rows.length, p.units, ess, meanW, maxShare, estimates, refusal, p.notes);
    }

    private Prepared refused(LoggedDecisions log, Refusal refusal, List<String> notes) {
        return new Prepared(log, new int[0], new int[0], 0, new int[0], null, new double[0], refusal, notes);
    }

    /** Numbers each used row's unit densely from 0, in order of first appearance; returns how many. */
    private int units(LoggedDecisions log, int[] rows, int[] unitOf) {
        if (config.unit() == IntervalUnit.ROW) {
            for (int k = 0; k < rows.length; k++) {
                unitOf[k] = k;
            }
            return rows.length;
        }
        int[] dense = new int[config.unit() == IntervalUnit.ACTOR ? log.actors() : log.episodes()];
        java.util.Arrays.fill(dense, -1);
        int units = 0;
        for (int k = 0; k < rows.length; k++) {
            int raw = config.unit() == IntervalUnit.ACTOR ? log.actorOf(rows[k]) : log.episodeOf(rows[k]);
            if (dense[raw] < 0) {
                dense[raw] = units++;
            }
            unitOf[k] = dense[raw];
        }
        return units;
    }

    private Estimate meanEstimate(Estimator estimator, double[] terms, Prepared p, double t) {
        double sum = 0;
        for (double x : terms) {
            sum += x;
        }
        double value = sum / terms.length;
        return interval(estimator, value, clusteredSe(terms, value, p), t);
    }

    /**
     * The cluster-robust standard error of the mean of {@code terms} around {@code centre}:
     * {@code sqrt(G / (G - 1) sum_g (sum_{k in g} (x_k - centre))^2) / n}.
     */
    private static double clusteredSe(double[] terms, double centre, Prepared p) {
        double[] byUnit = new double[p.units];
        for (int k = 0; k < terms.length; k++) {
            byUnit[p.unitOf[k]] += terms[k] - centre;
        }
        double ss = 0;
        for (double u : byUnit) {
            ss += u * u;
        }
        return Math.sqrt(ss * p.units / (p.units - 1.0)) / terms.length;
    }

    private Estimate interval(Estimator estimator, double value, double se, double t) {
        return new Estimate(estimator, value, value - t * se, value + t * se, se);
    }

    /** Student's t quantile for the two-sided {@code confidence} with {@code units - 1} degrees of freedom. */
    private double quantile(int units) {
        return new TDistribution(null, units - 1.0).inverseCumulativeProbability(0.5 + config.confidence() / 2);
    }

    private static String trim(double x) {
        return x == Math.rint(x) && Math.abs(x) < 1e15 ? Long.toString((long) x) : Double.toString(x);
    }

    /** Per-call buffers for the critic. */
    private static final class Scratch {
        final float[] obs;
        final float[] act;
        final double[] x;
        final double[] z;
        final double[] f;

        Scratch(LoggedDecisions log, RidgeCritic[] critics) {
            obs = new float[log.spec().observationDim()];
            act = new float[log.spec().actionDim()];
            x = new double[obs.length + act.length];
            z = new double[Math.max(critics[0].inputCount(), critics[1].inputCount())];
            f = new double[Math.max(critics[0].featureCount(), critics[1].featureCount())];
        }
    }
}
