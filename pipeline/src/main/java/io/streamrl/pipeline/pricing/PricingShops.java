package io.streamrl.pipeline.pricing;

import io.streamrl.core.env.PricingEnv;
import io.streamrl.core.env.PricingStep;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Simulated shops that price through the decision API of {@code streamrl serve}: the customer
 * side of the demo and of the end-to-end test.
 *
 * <p>Each shop ({@code shop-0}, {@code shop-1}, ...) owns a {@link PricingEnv} (Pricing-v0) and
 * runs it episode after episode. Each simulated day every shop posts the features of its day to
 * {@code POST /v1/decisions}, charges the answered price, and, unless the day's profit is lost
 * ({@link ShopsConfig#lostRewardShare()}), reports that realised profit to {@code POST
 * /v1/rewards} after a uniform random lag in [0, {@link ShopsConfig#maxRewardLagMillis()}] ms:
 * a shop learns its takings later, and some never reach the system.
 *
 * <p><b>Order and pacing.</b> One day's decisions run concurrently across shops (at most
 * {@link ShopsConfig#connections()} in flight); a day ends when every shop has priced it, so a
 * shop's days are strictly in order. Day {@code d} is due {@code d * dayMillis} after the start,
 * by the clock: a day that overran its slot is followed at once by the next, and a slow server
 * stretches the run rather than piling up requests. Rewards are sent from a timer and may
 * overlap later days.
 *
 * <p><b>Failures.</b> A decision that fails (non-2xx, I/O, timeout, a 2xx without a usable
 * action) is counted by kind and the shop charges its previous price (10 before the first
 * answer) so that its market keeps moving and the run never stalls; it has no decision id, so
 * no reward follows. Failed rewards are counted by kind. Before {@link #run} returns it waits
 * for the rewards still pending, at most {@code maxRewardLagMillis + timeoutMillis + 1 s};
 * what is left then counts as unsent.
 *
 * <p><b>Who priced.</b> The serve decides which entities are holdouts; each shop-day is
 * classified by the mode of its answer ({@link PricingDay}).
 *
 * <p><b>Reproducibility.</b> Every shop's market and its reward lags and losses come from
 * generators split from {@link ShopsConfig#seed()} in shop order, and each shop draws in day
 * order; so, given the same answers, a run with the same seed charges the same prices, sees the
 * same markets and loses the same rewards, whatever the threads did.
 *
 * <p>A {@code PricingShops} runs once; make a new one for another run.
 */
public final class PricingShops {

    /** Added to the last lag and the request timeout when waiting for the last rewards. */
    static final long REWARD_GRACE_MILLIS = 1_000;
    /** Added to twice the request timeout when waiting for a day's decisions; the client's timeout ends them first. */
    private static final long DAY_GRACE_MILLIS = 5_000;
    /** Longest single sleep while waiting for a day, so that {@link #stop()} is seen promptly. */
    private static final long MAX_SLEEP_MILLIS = 50;
    private static final String LEARNED = "learned";
    private static final String HOLDOUT = "holdout";

    private final ShopsConfig config;
    private final Clock clock;
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean stopRequested;

    /**
     * @param clock the timetable of the days and the times in the result; it must advance unless
     *     {@link ShopsConfig#dayMillis()} is 0
     */
    public PricingShops(ShopsConfig config, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Ends the run after the day under way (Ctrl-C); pending rewards are still sent, within the bound. */
    public void stop() {
        stopRequested = true;
    }

    /** {@link #run(Consumer)} without a per-day callback. */
    public ShopsResult run() throws InterruptedException {
        return run(day -> { });
    }

    /**
     * Runs every day (until {@link #stop()}) and returns what happened.
     *
     * @param onDay called with each day as soon as every shop has priced it, on the calling
     *     thread (progress lines); an exception from it ends the run and is thrown from here
     */
    public ShopsResult run(Consumer<PricingDay> onDay) throws InterruptedException {
        Objects.requireNonNull(onDay, "onDay");
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("a PricingShops runs once; make a new one");
        }
        Shop[] shops = openShops();
        Instant startedAt = clock.instant();
        long start = startedAt.toEpochMilli();
        List<PricingDay> days = new ArrayList<>(Math.min(config.days(), 10_000));
        try (ServeClient client = new ServeClient(config); RewardCourier courier = new RewardCourier(client)) {
            Session session = new Session(shops, client, courier);
            for (int d = 0; d < config.days(); d++) {
                if (!awaitDay(start + d * config.dayMillis())) {
                    break;
                }
                PricingDay day = session.runDay(d);
                days.add(day);
                onDay.accept(day);
            }
            RewardCourier.Delivery delivery = courier.finish(
                    config.maxRewardLagMillis() + config.timeoutMillis() + REWARD_GRACE_MILLIS);
            return new ShopsResult(config, startedAt, clock.millis() - start, days.size() < config.days(), days,
                    session.modes(), session.decisionFailures.snapshot(), delivery.ok(), delivery.failures(),
                    delivery.unsent());
        }
    }

    /** Shop {@code i} gets the {@code 2i}-th and {@code (2i+1)}-th split of the seed: market, then deliveries. */
    private Shop[] openShops() {
        SplittableRandom root = new SplittableRandom(config.seed());
        Shop[] shops = new Shop[config.shops()];
        for (int i = 0; i < shops.length; i++) {
            SplittableRandom market = root.split();
            SplittableRandom delivery = root.split();
            shops[i] = new Shop(config.entityId(i), market, delivery);
        }
        return shops;
    }

    /** Sleeps until {@code dueMillis} by the clock; false when stopped. */
    private boolean awaitDay(long dueMillis) throws InterruptedException {
        for (long left = dueMillis - clock.millis(); left > 0; left = dueMillis - clock.millis()) {
            if (stopRequested) {
                return false;
            }
            Thread.sleep(Math.min(left, MAX_SLEEP_MILLIS));
        }
        return !stopRequested;
    }

    /** Who priced a shop-day. */
    private enum Kind { LEARNED, HOLDOUT, OTHER }

    /** One shop's day, written by its callback and read by the run's thread after the day's latch. */
    private record ShopDay(Kind kind, double expectedReward, double optimalExpectedReward, boolean decided,
                           boolean rewardScheduled, boolean rewardLost) {
    }

    /** The state of the one run. */
    private final class Session {
        private final Shop[] shops;
        private final ServeClient client;
        private final RewardCourier courier;
        private final Semaphore slots = new Semaphore(config.connections());
        private final ConcurrentMap<String, LongAdder> modes = new ConcurrentHashMap<>();
        final FailureTally decisionFailures = new FailureTally();
        /** A bug in a callback (never a network failure): ends the run after the day. */
        private final AtomicReference<RuntimeException> crash = new AtomicReference<>();

        Session(Shop[] shops, ServeClient client, RewardCourier courier) {
            this.shops = shops;
            this.client = client;
            this.courier = courier;
        }

        PricingDay runDay(int day) throws InterruptedException {
            int n = shops.length;
            ShopDay[] outcomes = new ShopDay[n];
            CountDownLatch done = new CountDownLatch(n);
            for (int i = 0; i < n; i++) {
                slots.acquire();
                int index = i;
                Shop shop = shops[i];
                client.decide(shop.entity(), shop.observation(), o -> settle(shop, o, outcomes, index, done));
            }
            long bound = 2 * config.timeoutMillis() + DAY_GRACE_MILLIS;
            if (!done.await(bound, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("day " + day + ": " + done.getCount() + " of " + n
                        + " decisions had no outcome after " + bound + " ms although each times out after "
                        + config.timeoutMillis() + " ms");
            }
            RuntimeException e = crash.get();
            if (e != null) {
                throw new IllegalStateException("day " + day + ": a shop's day failed: " + e, e);
            }
            return sum(day, outcomes);
        }

        /** On a client thread: the shop charges the answered (or its previous) price and plans the reward. */
        private void settle(Shop shop, ServeClient.Outcome o, ShopDay[] outcomes, int index, CountDownLatch done) {
            try {
                ServeClient.Answer a = o.answer();
                PricingStep step = shop.charge(a != null ? a.price() : shop.lastPrice());
                Shop.RewardPlan plan = shop.planReward(config.lostRewardShare(), config.maxRewardLagMillis());
                if (a == null) {
                    decisionFailures.add(o.failureKind(), o.example());
                    outcomes[index] = new ShopDay(Kind.OTHER, step.expectedReward(), step.optimalExpectedReward(),
                            false, false, false);
                    return;
                }
                String mode = a.mode() == null ? "unknown" : a.mode();
                modes.computeIfAbsent(mode, k -> new LongAdder()).increment();
                Kind kind = mode.equals(LEARNED) ? Kind.LEARNED : mode.equals(HOLDOUT) ? Kind.HOLDOUT : Kind.OTHER;
                if (!plan.lost()) {
                    // The realised profit, as the shop's books show it; expected values stay on this side.
                    courier.schedule(a.decisionId(), step.reward(), plan.lagMillis());
                }
                outcomes[index] = new ShopDay(kind, step.expectedReward(), step.optimalExpectedReward(), true,
                        !plan.lost(), plan.lost());
            } catch (RuntimeException e) {
                crash.compareAndSet(null, e);
            } finally {
                slots.release();
                done.countDown();
            }
        }

        /** Sums in shop order, so that a day's figures do not depend on the order answers arrived in. */
        private PricingDay sum(int day, ShopDay[] outcomes) {
            double[] expected = new double[Kind.values().length];
            double[] optimal = new double[expected.length];
            long[] count = new long[expected.length];
            long ok = 0;
            long scheduled = 0;
            long lost = 0;
            for (ShopDay s : outcomes) {
                int k = s.kind().ordinal();
                expected[k] += s.expectedReward();
                optimal[k] += s.optimalExpectedReward();
                count[k]++;
                ok += s.decided() ? 1 : 0;
                scheduled += s.rewardScheduled() ? 1 : 0;
                lost += s.rewardLost() ? 1 : 0;
            }
            return new PricingDay(day, group(Kind.LEARNED, expected, optimal, count),
                    group(Kind.HOLDOUT, expected, optimal, count), group(Kind.OTHER, expected, optimal, count),
                    ok, outcomes.length - ok, scheduled, lost);
        }

        private PricingDay.Group group(Kind k, double[] expected, double[] optimal, long[] count) {
            int i = k.ordinal();
            return new PricingDay.Group(expected[i], optimal[i], count[i]);
        }

        Map<String, Long> modes() {
            Map<String, Long> m = new TreeMap<>();
            modes.forEach((k, v) -> m.put(k, v.sum()));
            return m;
        }
    }
}
