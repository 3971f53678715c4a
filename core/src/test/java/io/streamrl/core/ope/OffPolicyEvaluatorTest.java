package io.streamrl.core.ope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamrl.core.env.Envs;
import io.streamrl.core.env.PricingEnv;
import io.streamrl.core.explore.DeterministicPolicy;
import io.streamrl.core.ope.Estimate.Estimator;
import io.streamrl.core.ope.Refusal.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Off-policy evaluation where the truth is known: Pricing-v0 logs of a known Gaussian behaviour
 * policy (price 10 plus noise of 0.3 normalised units, about 2.85 in price), three candidates
 * of clearly different value, each one's true value measured by running it (smoothed the same
 * way) with another seed. Fixed seeds throughout.
 */
class OffPolicyEvaluatorTest {

    static final long LOG_SEED = 1L;
    static final long TRUTH_SEED = 777L;
    static final int SHOPS = 1_000;
    static final int DAYS = 40;
    static final int TRUTH_EPISODES = 40_000;
    static final double BEHAVIOUR_PRICE = 10;
    static final double BEHAVIOUR_SIGMA = 0.3;
    static final double BANDWIDTH = 0.1;

    record Candidate(String name, DeterministicPolicy policy) {
    }

    static final List<Candidate> CANDIDATES = List.of(
            new Candidate("optimal price 4 + c/2", PricingLogs.optimalPrice()),
            new Candidate("fixed price 12", PricingLogs.fixedPrice(12)),
            new Candidate("fixed price 16", PricingLogs.fixedPrice(16)));

    static LoggedDecisions log;
    static OffPolicyEvaluator evaluator;
    static OffPolicyEvaluator.Prepared prepared;
    /** Per candidate: its true value and that value's standard error. */
    static List<double[]> truths;

    @BeforeAll
    static void logDecisionsAndMeasureTheTruth() {
        log = PricingLogs.log(LOG_SEED, SHOPS, DAYS, PricingLogs.fixedPrice(BEHAVIOUR_PRICE), BEHAVIOUR_SIGMA, true);
        evaluator = new OffPolicyEvaluator(OpeConfig.defaults().withBandwidth(BANDWIDTH));
        prepared = evaluator.prepare(log);
        truths = CANDIDATES.stream().map(c -> PricingLogs.trueValue(c.policy(), BANDWIDTH, TRUTH_SEED, TRUTH_EPISODES,
                DAYS)).toList();
    }

    @Test
    void wisAndDrIntervalsHoldTheTrueValueOfEachCandidateAndRankThemRight() {
        assertThat(prepared.refusal()).isNull();
        List<Double> wis = new ArrayList<>();
        List<Double> dr = new ArrayList<>();
        // Soft: a failure lists every candidate and estimator that missed, not only the first.
        SoftAssertions softly = new SoftAssertions();
        for (int i = 0; i < CANDIDATES.size(); i++) {
            Candidate c = CANDIDATES.get(i);
            OpeReport report = evaluator.evaluate(prepared, c.policy());
            double[] truth = truths.get(i);
            System.out.printf(Locale.ROOT, "%-22s truth %.4f (se %.4f)  ESS %.0f of %d, mean weight %.3f%n", c.name(),
                    truth[0], truth[1], report.ess(), report.rowsUsed(), report.meanWeight());
            assertThat(report.refused()).as("%s: %s", c.name(), report.refusal()).isFalse();
            for (Estimate e : report.estimates()) {
                System.out.printf(Locale.ROOT, "    %-3s %.4f [%.4f, %.4f] se %.4f%n", e.estimator(), e.value(),
                        e.low(), e.high(), e.standardError());
            }
            assertThat(report.rowsUsed()).isEqualTo(SHOPS * DAYS);
            assertThat(report.units()).isEqualTo(SHOPS);
            // The truth is measured well enough for the check to mean something.
            assertThat(truth[1]).as(c.name() + ": truth's standard error")
                    .isLessThan(report.estimate(Estimator.WIS).standardError() / 3);
            for (Estimator e : List.of(Estimator.WIS, Estimator.DR)) {
                Estimate estimate = report.estimate(e);
                softly.assertThat(estimate.covers(truth[0])).as("%s %s %.4f [%.4f, %.4f] holds the truth %.4f",
                        c.name(), e, estimate.value(), estimate.low(), estimate.high(), truth[0]).isTrue();
            }
            wis.add(report.estimate(Estimator.WIS).value());
            dr.add(report.estimate(Estimator.DR).value());
        }
        // The candidates differ clearly, and both estimators order them as the truth does.
        softly.assertThat(truths.get(0)[0]).isGreaterThan(truths.get(1)[0] + 0.05);
        softly.assertThat(truths.get(1)[0]).isGreaterThan(truths.get(2)[0] + 0.05);
        softly.assertThat(wis).as("WIS ranking").isSortedAccordingTo(java.util.Comparator.reverseOrder());
        softly.assertThat(dr).as("DR ranking").isSortedAccordingTo(java.util.Comparator.reverseOrder());
        softly.assertAll();
    }

    @Test
    void drWithAPoorCriticAgreesWithDrWithAGoodOneBecauseItsCorrectionRepairsIt() {
        // A linear critic cannot follow the profit curve (p - 4) exp(-2p / c): alone it would put the optimal
        // price near 0.73 and price 16 near 0.91. The weighted correction w (r - Q) makes up for it.
        OffPolicyEvaluator linear = new OffPolicyEvaluator(OpeConfig.defaults().withBandwidth(BANDWIDTH)
                .withCriticDegree(1));
        OffPolicyEvaluator.Prepared poor = linear.prepare(log);
        SoftAssertions softly = new SoftAssertions();
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < CANDIDATES.size(); i++) {
            Estimate dr = linear.evaluate(poor, CANDIDATES.get(i).policy()).estimate(Estimator.DR);
            Estimate good = evaluator.evaluate(prepared, CANDIDATES.get(i).policy()).estimate(Estimator.DR);
            System.out.printf(Locale.ROOT, "linear critic, %-22s DR %.4f [%.4f, %.4f] se %.4f; cubic critic %.4f;"
                    + " truth %.4f%n", CANDIDATES.get(i).name(), dr.value(), dr.low(), dr.high(), dr.standardError(),
                    good.value(), truths.get(i)[0]);
            softly.assertThat(dr.value()).as("%s: DR with a linear critic against DR with a cubic one",
                    CANDIDATES.get(i).name()).isCloseTo(good.value(), within(dr.standardError()));
            values.add(dr.value());
        }
        softly.assertThat(values).as("DR ranking with a linear critic")
                .isSortedAccordingTo(java.util.Comparator.reverseOrder());
        softly.assertAll();
    }

    @Test
    void theBehaviourPolicyItselfGetsWeightOneAndTheLogsMeanReward() {
        // Evaluated with its own noise as the bandwidth, the behaviour policy's weights are 1.
        OffPolicyEvaluator same = new OffPolicyEvaluator(OpeConfig.defaults().withBandwidth(BEHAVIOUR_SIGMA));
        OpeReport report = same.evaluate(log, PricingLogs.fixedPrice(BEHAVIOUR_PRICE));
        double mean = 0;
        for (int i = 0; i < log.size(); i++) {
            mean += log.reward(i) / log.size();
        }
        assertThat(report.meanWeight()).isCloseTo(1.0, within(1e-4));
        assertThat(report.ess()).isCloseTo(log.size(), within(log.size() * 1e-6));
        assertThat(report.estimate(Estimator.IS).value()).isCloseTo(mean, within(1e-4));
        assertThat(report.estimate(Estimator.WIS).value()).isCloseTo(mean, within(1e-6));
        assertThat(report.estimate(Estimator.DR).value()).isCloseTo(mean, within(0.01));
    }

    @Test
    void intervalsOverRowsOfWholeYearsWouldBeTooNarrowSoTheyAreOverEpisodes() {
        // 60 shops for a year each: rows of one year share a slowly drifting competitor price.
        LoggedDecisions years = PricingLogs.log(LOG_SEED + 1, 60, PricingEnv.EPISODE_DAYS,
                PricingLogs.fixedPrice(BEHAVIOUR_PRICE), BEHAVIOUR_SIGMA, true);
        OpeConfig config = OpeConfig.defaults().withBandwidth(BANDWIDTH);
        Estimate episodes = new OffPolicyEvaluator(config).evaluate(years, PricingLogs.optimalPrice())
                .estimate(Estimator.WIS);
        Estimate rows = new OffPolicyEvaluator(config.withUnit(IntervalUnit.ROW)).evaluate(years,
                PricingLogs.optimalPrice()).estimate(Estimator.WIS);
        assertThat(episodes.value()).isEqualTo(rows.value());
        assertThat(episodes.standardError()).isGreaterThan(2.5 * rows.standardError());
    }

    @Test
    void refusesALogWithoutDensities() {
        LoggedDecisions none = PricingLogs.log(1, 50, 40, PricingLogs.fixedPrice(10), 0.3, false);
        OpeReport report = evaluator.evaluate(none, PricingLogs.optimalPrice());
        assertThat(report.refusal().reason()).isEqualTo(Reason.NO_DENSITIES);
        assertThat(report.refusal().message()).contains("none of the 2000 rows carries a behaviour log-density");
        assertThat(report.estimates()).isEmpty();
    }

    @Test
    void refusesRowsWithoutADensityUnlessToldToDropThemAndCountsThem() {
        LoggedDecisions mixed = mixed(1_500, 300);
        OpeReport refused = evaluator.evaluate(mixed, PricingLogs.optimalPrice());
        assertThat(refused.refusal().reason()).isEqualTo(Reason.MISSING_DENSITIES);
        assertThat(refused.refusal().message()).startsWith("300 of the 1800 rows carry no behaviour log-density")
                .contains("--drop-missing-density");
        assertThat(refused.rowsWithoutDensity()).isEqualTo(300);

        OpeReport dropped = new OffPolicyEvaluator(OpeConfig.defaults().withDropMissingDensity(true))
                .evaluate(mixed, PricingLogs.optimalPrice());
        assertThat(dropped.refused()).isFalse();
        assertThat(dropped.rowsUsed()).isEqualTo(1_500);
        assertThat(dropped.notes()).anyMatch(n -> n.startsWith("300 of the 1800 rows carry no behaviour"));
    }

    @Test
    void refusesTooFewRows() {
        LoggedDecisions small = PricingLogs.log(2, 20, 40, PricingLogs.fixedPrice(10), 0.3, true);
        OpeReport report = evaluator.evaluate(small, PricingLogs.optimalPrice());
        assertThat(report.refusal().reason()).isEqualTo(Reason.TOO_FEW_ROWS);
        assertThat(report.refusal().message()).isEqualTo("the log has 800 usable rows; --min-rows is 1000");
    }

    @Test
    void refusesTooFewEpisodesForAnIntervalUnlessRowsAreIndependent() {
        // Three shops for a year: plenty of rows, three independent units.
        LoggedDecisions three = PricingLogs.log(3, 3, PricingEnv.EPISODE_DAYS, PricingLogs.fixedPrice(10), 0.3, true);
        OpeReport report = evaluator.evaluate(three, PricingLogs.optimalPrice());
        assertThat(report.refusal().reason()).isEqualTo(Reason.TOO_FEW_UNITS);
        assertThat(report.refusal().message()).contains("come from 3 episodes", "--min-units 10", "--unit row");
        OpeReport rows = new OffPolicyEvaluator(OpeConfig.defaults().withUnit(IntervalUnit.ROW))
                .evaluate(three, PricingLogs.optimalPrice());
        assertThat(rows.refused()).isFalse();
        assertThat(rows.units()).isEqualTo(3 * PricingEnv.EPISODE_DAYS);
    }

    @Test
    void refusesACandidateFarFromTheBehaviourForItsSmallEffectiveSampleSize() {
        // Price 19 is 9 above the behaviour's 10, over 3 of its standard deviations; a narrow bandwidth.
        OffPolicyEvaluator narrow = new OffPolicyEvaluator(OpeConfig.defaults().withBandwidth(0.02));
        OpeReport report = narrow.evaluate(log, PricingLogs.fixedPrice(19));
        assertThat(report.refusal().reason()).isEqualTo(Reason.LOW_ESS);
        assertThat(report.ess()).isLessThan(OpeConfig.DEFAULT_MIN_ESS);
        assertThat(report.refusal().message()).contains("effective sample size is", "below --min-ess 100",
                "--bandwidth (now 0.02)");
        // The same candidate near the behaviour passes.
        assertThat(narrow.evaluate(log, PricingLogs.fixedPrice(10.5)).refused()).isFalse();
    }

    @Test
    void refusesAnEnvironmentWhoseStatesDependOnTheActionsUnlessAskedForPerDecisionValues() {
        LoggedDecisions.Builder pendulum = LoggedDecisions.builder(Envs.spec("pendulum"));
        SplittableRandom random = new SplittableRandom(4);
        for (int i = 0; i < 2_000; i++) {
            float[] obs = {(float) random.nextDouble(-1, 1), (float) random.nextDouble(-1, 1), (float) random.nextDouble(-8, 8)};
            float a = (float) random.nextDouble(-2, 2);
            pendulum.add("a1", i / 200, obs, new float[] {a}, -a * a, -Math.log(2));
        }
        LoggedDecisions stateful = pendulum.build();
        OpeReport report = evaluator.evaluate(stateful, o -> new float[] {0f});
        assertThat(report.refusal().reason()).isEqualTo(Reason.STATE_DEPENDS_ON_ACTION);
        assertThat(report.refusal().message()).startsWith("Pendulum-v1's states depend on the actions taken")
                .contains("--per-decision");
        OpeReport perDecision = new OffPolicyEvaluator(OpeConfig.defaults().withPerDecision(true)
                .withBandwidth(0.5)).evaluate(stateful, o -> new float[] {0f});
        assertThat(perDecision.refused()).isFalse();
        assertThat(perDecision.notes()).anyMatch(n -> n.startsWith("per-decision estimates"));
    }

    @Test
    void optionsOutOfRangeNameTheOptionAndTheRange() {
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> OpeConfig.defaults().withBandwidth(0)))
                .hasMessage("bandwidth must be in (0.0, 2.0], got 0.0");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> OpeConfig.defaults().withLimits(0, 100, 10)))
                .hasMessage("min-rows must be in [1, 2147483647], got 0");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> OpeConfig.defaults().withLimits(10, 0.5, 10)))
                .hasMessage("min-ess must be in [1, inf), got 0.5");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> OpeConfig.defaults().withLimits(10, 10, 1)))
                .hasMessage("min-units must be in [2, 2147483647], got 1");
    }

    /** {@code with} rows with a density, then {@code without} rows without one, each shop its own episode. */
    private static LoggedDecisions mixed(int with, int without) {
        LoggedDecisions a = PricingLogs.log(5, with / 30, 30, PricingLogs.fixedPrice(10), 0.3, true);
        LoggedDecisions b = PricingLogs.log(6, without / 30, 30, PricingLogs.fixedPrice(10), 0.3, false);
        LoggedDecisions.Builder out = LoggedDecisions.builder(a.spec());
        float[] obs = new float[4];
        float[] act = new float[1];
        for (LoggedDecisions part : List.of(a, b)) {
            for (int i = 0; i < part.size(); i++) {
                part.observation(i, obs);
                part.action(i, act);
                float price = (float) PricingEnv.priceFor(act[0]);
                out.add((part == a ? "a-" : "b-") + part.episodeOf(i), 0, obs, new float[] {price}, part.reward(i),
                        part.hasDensity(i) ? part.logDensity(i) : null);
            }
        }
        return out.build();
    }
}
