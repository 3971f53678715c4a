package io.streamrl.core.ope;

import io.streamrl.core.ope.Estimate.Estimator;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not part of the suite (a minute or more): how often the intervals hold the truth over many
 * logs, for the numbers in docs/off-policy-evaluation.md. Run with
 * {@code mvn -B -q -o -pl core test -Dtest=CoverageStudyTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dope.study=1 [-Dope.seeds=40 -Dope.shops=1000 -Dope.days=40 -Dope.truthEpisodes=40000]}; it
 * prints per candidate and estimator the coverage, bias, RMSE and mean standard error, with
 * intervals over episodes and, for comparison, over rows.
 */
@EnabledIfSystemProperty(named = "ope.study", matches = ".+")
class CoverageStudyTest {

    @Test
    void coverage() {
        int seeds = Integer.getInteger("ope.seeds", 40);
        int shops = Integer.getInteger("ope.shops", 1000);
        int days = Integer.getInteger("ope.days", 40);
        int truthEpisodes = Integer.getInteger("ope.truthEpisodes", 40_000);
        double h = OffPolicyEvaluatorTest.BANDWIDTH;
        List<OffPolicyEvaluatorTest.Candidate> candidates = OffPolicyEvaluatorTest.CANDIDATES;
        int c = candidates.size();
        double[][] truth = new double[c][];
        for (int i = 0; i < c; i++) {
            truth[i] = PricingLogs.trueValue(candidates.get(i).policy(), h, OffPolicyEvaluatorTest.TRUTH_SEED,
                    truthEpisodes, days);
        }
        IntervalUnit[] units = {IntervalUnit.EPISODE, IntervalUnit.ROW};
        int[][][] cover = new int[units.length][c][3];
        double[][] bias = new double[c][3];
        double[][] squared = new double[c][3];
        double[][][] se = new double[units.length][c][3];
        int[] ranked = new int[3];
        for (int s = 0; s < seeds; s++) {
            LoggedDecisions log = PricingLogs.log(1000 + s, shops, days, PricingLogs.fixedPrice(10), 0.3, true);
            for (int u = 0; u < units.length; u++) {
                OffPolicyEvaluator evaluator = new OffPolicyEvaluator(OpeConfig.defaults().withBandwidth(h)
                        .withUnit(units[u]).withLimits(1000, 100, 2));
                OffPolicyEvaluator.Prepared prepared = evaluator.prepare(log);
                double[][] values = new double[3][c];
                for (int i = 0; i < c; i++) {
                    OpeReport r = evaluator.evaluate(prepared, candidates.get(i).policy());
                    for (int e = 0; e < 3; e++) {
                        Estimate est = r.estimates().get(e);
                        cover[u][i][e] += est.covers(truth[i][0]) ? 1 : 0;
                        se[u][i][e] += est.standardError() / seeds;
                        values[e][i] = est.value();
                        if (u == 0) {
                            bias[i][e] += (est.value() - truth[i][0]) / seeds;
                            squared[i][e] += Math.pow(est.value() - truth[i][0], 2) / seeds;
                        }
                    }
                }
                for (int e = 0; u == 0 && e < 3; e++) {
                    ranked[e] += values[e][0] > values[e][1] && values[e][1] > values[e][2] ? 1 : 0;
                }
            }
        }
        System.out.printf(Locale.ROOT, "%d logs of %d shops x %d days; truth from %d episodes%n", seeds, shops, days,
                truthEpisodes);
        for (int i = 0; i < c; i++) {
            for (int e = 0; e < 3; e++) {
                System.out.printf(Locale.ROOT, "%-22s %-3s truth %.4f (se %.4f)  covered %d/%d (over rows: %d/%d)  bias"
                                + " %+.4f  rmse %.4f  mean se %.4f (over rows %.4f)%n", candidates.get(i).name(),
                        Estimator.values()[e], truth[i][0], truth[i][1], cover[0][i][e], seeds, cover[1][i][e], seeds,
                        bias[i][e], Math.sqrt(squared[i][e]), se[0][i][e], se[1][i][e]);
            }
        }
        System.out.printf(Locale.ROOT, "ranked right: IS %d/%d, WIS %d/%d, DR %d/%d%n", ranked[0], seeds, ranked[1],
                seeds, ranked[2], seeds);
    }
}
