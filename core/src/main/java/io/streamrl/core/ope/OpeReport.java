package io.streamrl.core.ope;

import java.util.List;

/**
 * What {@link OffPolicyEvaluator#evaluate} found: the estimates with their intervals and the
 * diagnostics behind them, or a refusal.
 *
 * @param envId the log's environment
 * @param bandwidth the smoothing of the candidate
 * @param confidence the intervals' coverage
 * @param unit what the intervals treat as independent
 * @param rows rows in the log
 * @param rowsWithoutDensity rows in the log without a behaviour log-density
 * @param rowsUsed rows the estimates are over
 * @param units independent units among them (rows, episodes or actors)
 * @param ess Kish's effective sample size of the importance weights, {@code (sum w)^2 / sum w^2};
 *     NaN when refused before the weights were computed
 * @param meanWeight mean importance weight (1 in expectation when the behaviour covers the
 *     candidate; well below 1 when the candidate goes where the behaviour never went)
 * @param maxWeightShare the largest weight's share of their sum
 * @param estimates IS, WIS and DR, in that order; empty when refused
 * @param refusal why there are no estimates; null when there are
 * @param notes what the reader should know besides (a lowered critic degree, per-decision values)
 */
public record OpeReport(String envId, double bandwidth, double confidence, IntervalUnit unit, int rows,
                        int rowsWithoutDensity, int rowsUsed, int units, double ess, double meanWeight,
                        double maxWeightShare, List<Estimate> estimates, Refusal refusal, List<String> notes) {

    public OpeReport {
        estimates = List.copyOf(estimates);
        notes = List.copyOf(notes);
        if ((refusal == null) == estimates.isEmpty()) {
            throw new IllegalArgumentException("a report has estimates or a refusal, not both or neither");
        }
    }

    public boolean refused() {
        return refusal != null;
    }

    /** The estimate of {@code estimator}. */
    public Estimate estimate(Estimate.Estimator estimator) {
        return estimates.stream().filter(e -> e.estimator() == estimator).findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + estimator + " estimate: "
                        + (refusal == null ? "none made" : refusal.message())));
    }
}
