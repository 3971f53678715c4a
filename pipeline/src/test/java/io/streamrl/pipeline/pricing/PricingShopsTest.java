package io.streamrl.pipeline.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamrl.pipeline.pricing.PricingStandIn.Decision;
import io.streamrl.pipeline.pricing.PricingStandIn.Reply;
import io.streamrl.pipeline.pricing.PricingStandIn.Reward;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The shops against a stand-in decision API on 127.0.0.1 (a few seconds in all, most of it warming up the client). */
class PricingShopsTest {

    private static final long SEED = 7;
    private static final double HOLDOUT_PRICE = 10.0;

    /** Every fourth shop is a holdout, as the serve's hash would make some. */
    private static boolean isHoldout(String entity) {
        return Integer.parseInt(entity.substring(ShopsConfig.ENTITY_PREFIX.length())) % 4 == 0;
    }

    /** The optimal price for the posted state (mode learned), or the fixed price (mode holdout). */
    private static Reply optimalOrHoldout(String entity, int day, float[] state) {
        return isHoldout(entity) ? Reply.price(HOLDOUT_PRICE, "holdout") : Reply.price(Market.optimalPrice(state), "learned");
    }

    private static ShopsResult run(ShopsConfig config, List<PricingDay> seen) throws InterruptedException {
        return new PricingShops(config, Clock.systemUTC()).run(seen::add);
    }

    private static String key(String entity, int day) {
        return entity + "@" + day;
    }

    @Test
    void learnedShopsEarnTheOptimumHoldoutsTheFixedPriceAndEveryRewardFollowsItsDecision() throws Exception {
        int shops = 24;
        int days = 30;
        long maxLag = 40;
        double lostShare = 0.25;
        try (PricingStandIn server = PricingStandIn.start(PricingShopsTest::optimalOrHoldout)) {
            ShopsConfig config = new ShopsConfig(server.url() + "/", shops, days, 0, maxLag, lostShare, SEED);
            List<PricingDay> seen = new ArrayList<>();
            ShopsResult r = run(config, seen);

            // Every day every shop priced once, classified by the answered mode.
            assertThat(r.days()).hasSize(days).isEqualTo(seen);
            assertThat(r.stoppedEarly()).isFalse();
            for (int d = 0; d < days; d++) {
                PricingDay day = r.days().get(d);
                assertThat(day.day()).isEqualTo(d);
                assertThat(day.learned().shops()).isEqualTo(18);
                assertThat(day.holdout().shops()).isEqualTo(6);
                assertThat(day.other().shops()).isZero();
                assertThat(day.decisionsOk()).isEqualTo(shops);
                assertThat(day.decisionsFailed()).isZero();
                assertThat(day.rewardsScheduled() + day.rewardsLost()).isEqualTo(shops);
            }
            assertThat(r.modes()).isEqualTo(Map.of("learned", 18L * days, "holdout", 6L * days));
            assertThat(r.decisionFailures().counts()).isEmpty();
            assertThat(server.decisions).hasSize(shops * days);

            // Each shop's requests are its days in order (the weekday advances by one), with only
            // the two fields the serve accepts.
            for (int i = 0; i < shops; i++) {
                List<Decision> own = server.decisionsOf(config.entityId(i));
                assertThat(own).hasSize(days);
                for (Decision d : own) {
                    assertThat(d.fields()).containsExactly("entity", "state");
                    assertThat(d.state()).hasSize(4);
                    assertThat(Market.weekday(d.state())).as("weekday of day %d", d.day()).isEqualTo(d.day() % 7);
                }
            }

            // The economics, recomputed from the posted states in closed form.
            double[] learnedExpected = new double[days];
            double[] learnedOptimal = new double[days];
            double[] holdoutExpected = new double[days];
            double[] holdoutOptimal = new double[days];
            for (Decision d : server.decisions) {
                double expected = Market.expectedReward(d.reply().price(), d.state());
                double optimal = Market.optimalExpectedReward(d.state());
                if (isHoldout(d.entity())) {
                    holdoutExpected[d.day()] += expected;
                    holdoutOptimal[d.day()] += optimal;
                } else {
                    learnedExpected[d.day()] += expected;
                    learnedOptimal[d.day()] += optimal;
                }
            }
            for (int d = 0; d < days; d++) {
                PricingDay day = r.days().get(d);
                assertThat(day.holdout().expectedReward()).isCloseTo(holdoutExpected[d], within(1e-5 * holdoutExpected[d]));
                assertThat(day.holdout().optimalExpectedReward()).isCloseTo(holdoutOptimal[d], within(1e-5 * holdoutOptimal[d]));
                assertThat(day.learned().expectedReward()).isCloseTo(learnedExpected[d], within(1e-5 * learnedExpected[d]));
            }
            double holdoutShare = sum(holdoutExpected) / sum(holdoutOptimal);
            assertThat(r.learned().share()).isGreaterThanOrEqualTo(0.99).isCloseTo(1.0, within(1e-6));
            assertThat(r.holdout().share()).isCloseTo(holdoutShare, within(1e-6)).isLessThan(0.99);
            assertThat(r.holdout().share()).isLessThan(r.learned().share() - 0.01);
            PricingShares last = r.sharesOverLast(10);
            assertThat(last.days()).isEqualTo(10);
            assertThat(last.holdout()).isCloseTo(sum(holdoutExpected, 20, 30) / sum(holdoutOptimal, 20, 30),
                    within(1e-6));
            assertThat(last.learned()).isCloseTo(1.0, within(1e-6));

            // Which days' rewards are lost, and each one's lag, follow from the seed: shop i draws
            // from the (2i+1)-th split, a loss and a lag per day.
            SplittableRandom root = new SplittableRandom(SEED);
            Set<String> lost = new HashSet<>();
            Map<String, Long> lags = new HashMap<>();
            for (int i = 0; i < shops; i++) {
                root.split();
                SplittableRandom delivery = root.split();
                for (int d = 0; d < days; d++) {
                    boolean isLost = delivery.nextDouble() < lostShare;
                    long lag = delivery.nextLong(maxLag + 1);
                    if (isLost) {
                        lost.add(key(config.entityId(i), d));
                    } else {
                        lags.put(key(config.entityId(i), d), lag);
                    }
                }
            }
            int decisions = shops * days;
            // The seed's losses are a fair draw: within 4 standard deviations of the binomial mean.
            assertThat((double) lost.size()).isCloseTo(lostShare * decisions,
                    within(4 * Math.sqrt(decisions * lostShare * (1 - lostShare))));
            assertThat(r.rewardsLost()).isEqualTo(lost.size());
            assertThat(r.rewardsScheduled()).isEqualTo(decisions - lost.size());

            // Every reward arrived before run returned, names a decision the stand-in issued (once),
            // after its lag, and reports the realised profit: (price - 4) x whole units / 100.
            assertThat(server.rewards).hasSize(decisions - lost.size());
            assertThat(r.rewardsOk()).isEqualTo(decisions - lost.size());
            assertThat(r.rewardsUnsent()).isZero();
            assertThat(r.rewardFailures().counts()).isEmpty();
            Set<String> rewarded = new HashSet<>();
            for (Reward reward : server.rewards) {
                Decision d = server.issued(reward.decisionId());
                assertThat(d).as("decision %s was issued", reward.decisionId()).isNotNull();
                assertThat(reward.fields()).containsExactly("decision_id", "reward");
                String k = key(d.entity(), d.day());
                assertThat(rewarded.add(k)).as("rewarded twice: %s", k).isTrue();
                assertThat(lags).containsKey(k);
                long lagNanos = reward.arrivedNanos() - d.answeredNanos();
                assertThat(lagNanos).as("lag of %s", k).isGreaterThanOrEqualTo(lags.get(k) * 1_000_000L)
                        .isLessThan((lags.get(k) + 2_000) * 1_000_000L);
                double units = reward.reward() * 100 / (d.reply().price() - 4);
                assertThat(units).isGreaterThanOrEqualTo(0).isCloseTo(Math.rint(units), within(1e-6));
            }
            assertThat(rewarded).isEqualTo(lags.keySet());
            assertThat(r.summary()).hasSize(4);
            assertThat(r.summary().get(1)).contains("learned 100.00%");
        }
    }

    @Test
    void theSameSeedRunsTheSameMarketsAndLosesTheSameRewards() throws Exception {
        List<ShopsResult> results = new ArrayList<>();
        for (long seed : new long[] {11, 11, 12}) {
            try (PricingStandIn server = PricingStandIn.start(PricingShopsTest::optimalOrHoldout)) {
                results.add(run(new ShopsConfig(server.url(), 5, 8, 0, 5, 0.3, seed), new ArrayList<>()));
            }
        }
        assertThat(results.get(1).days()).isEqualTo(results.get(0).days());
        assertThat(results.get(1).rewardsLost()).isEqualTo(results.get(0).rewardsLost());
        assertThat(results.get(2).days()).isNotEqualTo(results.get(0).days());
    }

    @Test
    void shopsKeepSteppingIntoANewEpisodeAfter365Days() throws Exception {
        int days = 372;
        try (PricingStandIn server = PricingStandIn.start(PricingShopsTest::optimalOrHoldout)) {
            ShopsResult r = run(new ShopsConfig(server.url(), 2, days, 0, 0, 0.0, SEED), new ArrayList<>());

            assertThat(r.days()).hasSize(days);
            assertThat(r.decisionsOk()).isEqualTo(2L * days);
            assertThat(r.modes()).isEqualTo(Map.of("holdout", (long) days, "learned", (long) days));
            for (String entity : List.of("shop-0", "shop-1")) {
                List<Decision> own = server.decisionsOf(entity);
                assertThat(own).hasSize(days);
                for (Decision d : own) {
                    // The episode's day count restarts after 365 days: day 365 is a Monday again.
                    int episodeDay = d.day() < 365 ? d.day() : d.day() - 365;
                    assertThat(Market.weekday(d.state())).as("%s day %d", entity, d.day()).isEqualTo(episodeDay % 7);
                }
            }
            assertThat(server.rewards).hasSize(2 * days);
            assertThat(r.learned().share()).isCloseTo(1.0, within(1e-6));
            assertThat(r.holdout().shops()).isEqualTo(days);
        }
    }

    @Test
    void daysArePacedByDayMillisAndStopEndsTheRunAfterTheDayUnderWay() throws Exception {
        long dayMillis = 30;
        try (PricingStandIn server = PricingStandIn.start(PricingShopsTest::optimalOrHoldout)) {
            ShopsConfig config = new ShopsConfig(server.url(), 3, 1_000, dayMillis, 0, 0.0, SEED);
            PricingShops shops = new PricingShops(config, Clock.systemUTC());
            List<PricingDay> seen = new ArrayList<>();
            long before = System.nanoTime();
            ShopsResult r = shops.run(day -> {
                seen.add(day);
                if (day.day() == 4) {
                    shops.stop();
                }
            });

            assertThat(r.days()).hasSize(5).isEqualTo(seen);
            assertThat(r.stoppedEarly()).isTrue();
            assertThat(r.elapsedMillis()).isGreaterThanOrEqualTo(4 * dayMillis);
            List<Decision> own = server.decisionsOf("shop-1");
            assertThat(own).hasSize(5);
            for (int d = 1; d < 5; d++) {
                // Day d is due d x dayMillis after the start (less 1 ms for the clock's resolution);
                // a late day is followed by an early one, so only the start is the reference.
                assertThat(own.get(d).arrivedNanos() - before).as("day %d", d)
                        .isGreaterThanOrEqualTo((d * dayMillis - 1) * 1_000_000L);
            }
            assertThatThrownBy(shops::run).isInstanceOf(IllegalStateException.class).hasMessageContaining("runs once");
        }
    }

    @Test
    void aFailedDecisionIsCountedByKindAndTheShopKeepsItsPreviousPrice() throws Exception {
        int shops = 3;
        int days = 15;
        double price = 7.0;
        PricingStandIn.Policy policy = (entity, day, state) -> {
            if (day % 3 == 0) {
                return Reply.status(503, "{\"error\":\"no policy yet\"}");
            }
            if (day % 5 == 4) {
                return Reply.status(200, "{\"decision_id\":\"x\",\"mode\":\"learned\"}");
            }
            return Reply.price(price, "learned");
        };
        try (PricingStandIn server = PricingStandIn.start(policy, day -> day % 2 == 0 ? 503 : 202)) {
            ShopsResult r = run(new ShopsConfig(server.url(), shops, days, 0, 10, 0.0, SEED), new ArrayList<>());

            long unavailable = 0;
            long unusable = 0;
            long rewardsRefused = 0;
            long rewardsAccepted = 0;
            for (int d = 0; d < days; d++) {
                if (d % 3 == 0) {
                    unavailable++;
                } else if (d % 5 == 4) {
                    unusable++;
                } else if (d % 2 == 0) {
                    rewardsRefused++;
                } else {
                    rewardsAccepted++;
                }
            }
            assertThat(r.decisionFailures().counts())
                    .isEqualTo(Map.of("503", shops * unavailable, "bad_response", shops * unusable));
            assertThat(r.decisionFailures().examples().get("503")).contains("no policy yet");
            assertThat(r.decisionsFailed()).isEqualTo(shops * (unavailable + unusable));
            assertThat(r.rewardFailures().counts()).isEqualTo(Map.of("503", shops * rewardsRefused));
            assertThat(r.rewardsOk()).isEqualTo(shops * rewardsAccepted);
            assertThat(r.rewardsUnsent()).isZero();

            // A shop charges 10 until its first answer, then the last price it charged.
            double[] learnedExpected = new double[days];
            double[] otherExpected = new double[days];
            for (int i = 0; i < shops; i++) {
                double previous = Shop.START_PRICE;
                for (Decision d : server.decisionsOf("shop-" + i)) {
                    boolean answered = d.id() != null;
                    double charged = answered ? d.reply().price() : previous;
                    (answered ? learnedExpected : otherExpected)[d.day()] += Market.expectedReward(charged, d.state());
                    previous = charged;
                }
            }
            for (int d = 0; d < days; d++) {
                PricingDay day = r.days().get(d);
                assertThat(day.learned().expectedReward()).as("day %d", d)
                        .isCloseTo(learnedExpected[d], within(1e-5 * (1 + learnedExpected[d])));
                assertThat(day.other().expectedReward()).as("day %d", d)
                        .isCloseTo(otherExpected[d], within(1e-5 * (1 + otherExpected[d])));
                assertThat(day.learned().shops() + day.other().shops()).isEqualTo(shops);
            }
            assertThat(r.days().get(0).other().shops()).isEqualTo(shops);
            assertThat(r.days().get(0).learned().share()).isNaN();
        }
    }

    @Test
    void aServerThatAnswersOnly503sIsCountedAndDoesNotStallTheRun() throws Exception {
        int shops = 4;
        int days = 25;
        try (PricingStandIn server = PricingStandIn.start(
                (entity, day, state) -> Reply.status(503, "{\"error\":\"kafka is not answering\"}"))) {
            List<PricingDay> seen = new ArrayList<>();
            ShopsResult r = run(new ShopsConfig(server.url(), shops, days, 0, 50, 0.0, SEED), seen);

            assertThat(seen).hasSize(days);
            assertThat(r.decisionFailures().counts()).isEqualTo(Map.of("503", (long) shops * days));
            assertThat(r.decisionsOk()).isZero();
            assertThat(r.rewardsScheduled()).isZero();
            assertThat(server.rewards).isEmpty();
            assertThat(r.modes()).isEmpty();
            assertThat(r.learned().shops()).isZero();
            assertThat(r.learned().share()).isNaN();
            assertThat(r.holdout().share()).isNaN();
            assertThat(r.other().shops()).isEqualTo((long) shops * days);
            // Every shop kept the start price, so the market still moved and was priced at 10 every day.
            double expected = 0;
            double optimal = 0;
            for (Decision d : server.decisions) {
                expected += Market.expectedReward(Shop.START_PRICE, d.state());
                optimal += Market.optimalExpectedReward(d.state());
            }
            assertThat(r.other().share()).isCloseTo(expected / optimal, within(1e-6));
            // No wait for rewards that were never scheduled.
            assertThat(r.elapsedMillis()).isLessThan(5_000);
        }
    }

    @Test
    void nothingListeningCountsConnectFailures() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ShopsConfig config = new ShopsConfig("http://127.0.0.1:" + port, 2, 3, 0, 0, 0.0, SEED)
                .withTimeoutMillis(2_000);
        ShopsResult r = run(config, new ArrayList<>());

        assertThat(r.days()).hasSize(3);
        assertThat(r.decisionFailures().counts()).isEqualTo(Map.of("connect", 6L));
        assertThat(r.other().shops()).isEqualTo(6);
    }

    private static double sum(double[] values) {
        return sum(values, 0, values.length);
    }

    private static double sum(double[] values, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += values[i];
        }
        return s;
    }
}
