package io.streamrl.app;

import io.streamrl.core.agent.DdpgConfig;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.pipeline.pricing.PricingDay;
import io.streamrl.pipeline.pricing.PricingLoop;
import io.streamrl.pipeline.pricing.PricingShares;
import io.streamrl.pipeline.pricing.ShopsConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * {@code streamrl demo --env pricing}: the whole production loop through HTTP (learner, serve
 * with the reward join, simulated shops), reporting per simulated day the share of the optimal
 * profit that learned and holdout shops earned.
 */
final class PricingDemo {

    /** The learned shops' share over the last week that counts as learned. */
    static final double TARGET_SHARE = 0.95;
    /** The summary's shares are over this many last simulated days. */
    static final int LAST_WEEK = 7;
    static final String CSV_HEADER = "day,learned_share,holdout_share,learned_expected_profit,"
            + "learned_optimal_profit,holdout_expected_profit,holdout_optimal_profit,learned_shops,holdout_shops,"
            + "other_shops,decisions_ok,decisions_failed,rewards_scheduled,rewards_lost,other_share";

    /** The options only {@code demo --env pricing} reads. */
    static final class Options {
        @Option(names = "--shops", defaultValue = "20", description = "Pricing demo: simulated shops, each its own"
                + " Pricing-v0 (default: ${DEFAULT-VALUE}).")
        int shops;

        @Option(names = "--days", defaultValue = "600", description = "Pricing demo: simulated days; each shop asks"
                + " for one price a day (default: ${DEFAULT-VALUE}).")
        int days;

        @Option(names = "--day-millis", defaultValue = "80", description = "Pricing demo: wall-clock milliseconds per"
                + " simulated day (default: ${DEFAULT-VALUE}).")
        long dayMillis;

        @Option(names = "--reward-wait", defaultValue = "PT5S", paramLabel = "DURATION", description = "Pricing"
                + " demo: the join's reward wait (default: ${DEFAULT-VALUE}).")
        String rewardWait;

        @Option(names = "--max-reward-lag-millis", description = "Pricing demo: each day's profit is reported after a"
                + " uniform random lag up to this (default: the reward wait).")
        Long maxRewardLagMillis;

        @Option(names = "--lost-reward-share", defaultValue = "0.1", description = "Pricing demo: share of profits never"
                + " reported (default: ${DEFAULT-VALUE}).")
        double lostRewards;

        @Option(names = "--holdout", defaultValue = "0.2", description = "Pricing demo: share of shops always priced"
                + " by the fallback, for comparison (default: ${DEFAULT-VALUE}).")
        double holdout;

        @Option(names = "--fallback-price", defaultValue = "12", description = "Pricing demo: the holdout shops'"
                + " fixed price, also the answer before the first policy (default: ${DEFAULT-VALUE}).")
        double fallbackPrice;
    }

    private PricingDemo() {
    }

    /**
     * Runs the loop and writes {@code curve.csv}, {@code curve.png} and {@code summary.json}.
     *
     * @return 0 when the learned shops earned at least {@link #TARGET_SHARE} of the optimal profit
     *     over the last simulated week, 1 otherwise
     */
    /**
     * The loop's settings from the options, checked before anything starts.
     *
     * @throws IllegalArgumentException naming the option of a bad value
     */
    static PricingLoop.Settings settings(Options o, DdpgConfig agent, long seed, long publishEvery, Path out) {
        Duration wait = JoinOptions.duration("reward-wait", o.rewardWait);
        long lag = o.maxRewardLagMillis != null ? o.maxRewardLagMillis : wait.toMillis();
        ShopsConfig shops = new ShopsConfig("http://127.0.0.1", o.shops, o.days, o.dayMillis, lag, o.lostRewards,
                seed);
        return new PricingLoop.Settings(shops, o.holdout, o.fallbackPrice, wait, agent.exploration().noiseSigma(),
                agent, publishEvery, seed, out.resolve("join-state"));
    }

    static int run(PricingLoop.Settings settings, KafkaSettings kafka, String target, Path out, PrintWriter console,
                   ProgressLine progress, Clock clock) throws InterruptedException {
        ShopsConfig shopsConfig = settings.shops();
        DdpgConfig agent = settings.agent();
        int totalDays = shopsConfig.days();
        List<PricingDay> days = new ArrayList<>();
        try (RunOutput output = new RunOutput(out, CSV_HEADER)) {
            long start = clock.millis();
            PricingLoop.Outcome outcome = new PricingLoop(kafka, settings, clock).run(day -> {
                days.add(day);
                output.appendRow(csvRow(day));
                PricingShares recent = PricingShares.overLast(days, LAST_WEEK);
                progress.show(String.format(Locale.ROOT, "day %,d/%,d | share of optimal profit, last week: learned"
                        + " %s, holdout %s | %.1f s", day.day() + 1, totalDays, percent(recent.learned()),
                        percent(recent.holdout()), (clock.millis() - start) / 1000.0));
            });
            progress.end();
            PricingShares last = outcome.shops().sharesOverLast(LAST_WEEK);
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("env", "Pricing-v0");
            summary.put("share_of_optimal_profit", last.learned());
            summary.put("holdout_share_of_optimal_profit", last.holdout());
            summary.put("share_days", last.days());
            summary.put("target_share", TARGET_SHARE);
            summary.put("learned_share_all_days", outcome.shops().learned().share());
            summary.put("holdout_share_all_days", outcome.shops().holdout().share());
            summary.put("shops", shopsConfig.shops());
            summary.put("days", days.size());
            summary.put("day_millis", shopsConfig.dayMillis());
            summary.put("reward_wait", settings.rewardWait().toString());
            summary.put("max_reward_lag_millis", shopsConfig.maxRewardLagMillis());
            summary.put("lost_reward_share", shopsConfig.lostRewardShare());
            summary.put("holdout", settings.holdoutShare());
            summary.put("fallback_price", settings.fallbackPrice());
            summary.put("decisions_ok", outcome.shops().decisionsOk());
            summary.put("decisions_failed", outcome.shops().decisionsFailed());
            summary.put("rewards_sent", outcome.shops().rewardsOk());
            summary.put("rewards_lost", outcome.shops().rewardsLost());
            summary.put("modes", outcome.shops().modes());
            summary.put("transitions_received", outcome.learner().transitionsReceived());
            summary.put("updates", outcome.learner().updates());
            summary.put("policy_versions_published", outcome.learner().policiesPublished());
            summary.put("wall_s", (clock.millis() - start) / 1000.0);
            summary.put("seed", settings.seed());
            summary.put("algorithm", agent.algorithmName());
            summary.put("bootstrap_server", target);
            output.writeSummary(summary);
            Map<String, List<double[]>> series = new LinkedHashMap<>();
            series.put("learned shops", shares(days, PricingDay::learned));
            series.put("holdout shops (price " + settings.fallbackPrice() + ")", shares(days, PricingDay::holdout));
            // Fallback answers for other reasons than holdout: before the first policy, or the kill switch.
            series.put("fallback, before a policy (price " + settings.fallbackPrice() + ")",
                    shares(days, PricingDay::other));
            output.writeLines("Pricing-v0 through HTTP: share of the optimal profit per day", "simulated day",
                    "share of optimal profit", series, TARGET_SHARE, "target " + TARGET_SHARE);
            boolean reached = last.learned() >= TARGET_SHARE;
            console.printf("Pricing-v0 through HTTP, %d shops, %d days: learned shops earned %s of the optimal profit"
                            + " over the last week (holdout %s; target %s): %s. %,d decisions, %,d rewards sent, %,d"
                            + " transitions learned from, %,d policies. Output: %s%n", shopsConfig.shops(), days.size(),
                    percent(last.learned()), percent(last.holdout()), percent(TARGET_SHARE),
                    reached ? "REACHED" : "not reached", outcome.shops().decisionsOk(), outcome.shops().rewardsOk(),
                    outcome.learner().transitionsReceived(), outcome.learner().policiesPublished(), out);
            console.flush();
            return reached ? 0 : 1;
        }
    }

    /** (day, share) of one kind of shop, on the days it had any. */
    private static List<double[]> shares(List<PricingDay> days, Function<PricingDay, PricingDay.Group> group) {
        List<double[]> points = new ArrayList<>();
        for (PricingDay d : days) {
            double share = group.apply(d).share();
            if (!Double.isNaN(share)) {
                points.add(new double[] {d.day(), share});
            }
        }
        return points;
    }

    static String csvRow(PricingDay d) {
        return String.join(",", Integer.toString(d.day()), number(d.learned().share()), number(d.holdout().share()),
                number(d.learned().expectedReward()), number(d.learned().optimalExpectedReward()),
                number(d.holdout().expectedReward()), number(d.holdout().optimalExpectedReward()),
                Long.toString(d.learned().shops()), Long.toString(d.holdout().shops()), Long.toString(d.other().shops()),
                Long.toString(d.decisionsOk()), Long.toString(d.decisionsFailed()), Long.toString(d.rewardsScheduled()),
                Long.toString(d.rewardsLost()), number(d.other().share()));
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6f", v);
    }

    private static String percent(double share) {
        return Double.isNaN(share) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * share);
    }
}
