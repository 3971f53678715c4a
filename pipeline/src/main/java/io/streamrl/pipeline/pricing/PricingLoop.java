package io.streamrl.pipeline.pricing;

import io.streamrl.actor.serve.ControlClient;
import io.streamrl.actor.serve.ServeConfig;
import io.streamrl.actor.serve.ServeService;
import io.streamrl.core.agent.DdpgConfig;
import io.streamrl.core.env.PricingEnv;
import io.streamrl.core.train.TrainListener;
import io.streamrl.join.JoinConfig;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.kafka.TopicBootstrap;
import io.streamrl.learner.LearnerConfig;
import io.streamrl.learner.LearnerResult;
import io.streamrl.learner.LearnerService;
import io.streamrl.learner.LearnerStats;
import io.streamrl.pipeline.LearnerRuns;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dynamic pricing learned end to end through HTTP: a learner, {@code serve} with the reward
 * join inside it, and simulated shops ({@link PricingShops}) that ask serve for each day's price,
 * sell, and report the day's profit after a random lag, some of it never. The only path from the
 * shops to the learner is the production one: HTTP, the decisions and rewards topics, the join,
 * the transitions topic. Pricing-v0's prices do not change tomorrow's market, so the join runs
 * in bandit mode (one-step transitions).
 */
public final class PricingLoop {

    private static final Logger log = LoggerFactory.getLogger(PricingLoop.class);

    /**
     * @param shops the simulated shops (the serve URL in it is ignored: the loop's own serve is used)
     * @param holdoutShare share of shops answered by the fallback price, for a standing comparison
     * @param fallbackPrice the holdout shops' price, and the answer before the first policy
     * @param rewardWait the join's reward wait; lags beyond it make rewards late
     * @param noiseSigma serve's exploration (normalised action units)
     * @param agent the learner's hyperparameters
     * @param publishEvery updates between policy snapshots
     * @param seed seeds the learner and serve
     * @param joinStateDir where the join keeps its stores
     */
    public record Settings(ShopsConfig shops, double holdoutShare, double fallbackPrice, Duration rewardWait,
                           double noiseSigma, DdpgConfig agent, long publishEvery, long seed, Path joinStateDir) {
        public Settings {
            Objects.requireNonNull(shops, "shops");
            if (!(holdoutShare >= 0 && holdoutShare < 1)) {
                throw new IllegalArgumentException("holdout is " + holdoutShare + "; allowed: [0, 1)");
            }
            if (!(fallbackPrice >= PricingEnv.MIN_PRICE && fallbackPrice <= PricingEnv.MAX_PRICE)) {
                throw new IllegalArgumentException("fallback-price is " + fallbackPrice + "; allowed: ["
                        + PricingEnv.MIN_PRICE + ", " + PricingEnv.MAX_PRICE + "]");
            }
            if (shops.maxRewardLagMillis() > rewardWait.toMillis()) {
                throw new IllegalArgumentException("max-reward-lag (" + shops.maxRewardLagMillis()
                        + " ms) is longer than reward-wait (" + rewardWait + "); allowed: at most the wait, or"
                        + " every reward lagging beyond it would be late");
            }
            Objects.requireNonNull(agent, "agent");
            Objects.requireNonNull(joinStateDir, "joinStateDir");
        }
    }

    /** The shops' result and the learner's counters at the end. */
    public record Outcome(ShopsResult shops, LearnerStats learner, LearnerResult learnerResult, long[] serveRecords) {
    }

    private final KafkaSettings kafka;
    /** Longer than the join's commit interval (500 ms) and punctuation (200 ms) together, several times over. */
    private static final Duration DRAIN_QUIET = Duration.ofSeconds(3);
    private static final Duration DRAIN_SLACK = Duration.ofSeconds(10);
    private static final Duration DRAIN_POLL = Duration.ofMillis(50);

    private final Settings settings;
    private final Clock clock;

    public PricingLoop(KafkaSettings kafka, Settings settings, Clock clock) {
        this.kafka = Objects.requireNonNull(kafka, "kafka");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Runs every simulated day; {@code onDay} sees each day as it ends. */
    public Outcome run(Consumer<PricingDay> onDay) throws InterruptedException {
        TopicBootstrap.ensureTopics(kafka, kafka.topics().all(), clock);
        String policy = PricingEnv.ID;
        if (settings.holdoutShare() > 0) {
            new ControlClient(kafka, clock).publish(policy, c -> c.setHoldoutShare(settings.holdoutShare()),
                    "pricing-demo");
        }
        LearnerConfig learnerConfig = LearnerConfig.builder("pricing").algorithm(settings.agent())
                .seed(settings.seed()).publishEvery(settings.publishEvery()).build();
        LearnerService learner = new LearnerService(kafka, learnerConfig, clock, TrainListener.NONE);
        CompletableFuture<LearnerResult> learnerRun = LearnerRuns.start(learner, "pricing-learner");
        ServeConfig serveConfig = new ServeConfig("pricing", policy, "serve-pricing-demo", "127.0.0.1", 0,
                new double[] {settings.fallbackPrice()}, settings.noiseSigma(), settings.seed(),
                ServeConfig.DEFAULT_THREADS);
        JoinConfig join = JoinConfig.defaults().withRewardWait(settings.rewardWait()).withBandit(true)
                .withDefaultReward(null).withPunctuateEvery(Duration.ofMillis(200));
        ShopsResult shops;
        long[] serveRecords;
        try (ServeService serve = ServeService.start(serveConfig, kafka, clock,
                new ServeService.EmbeddedJoin(join, settings.joinStateDir()))) {
            ShopsConfig atServe = settings.shops().withUrl("http://127.0.0.1:" + serve.port());
            log.info("pricing loop: {} shops for {} days against serve on port {}", atServe.shops(), atServe.days(),
                    serve.port());
            shops = new PricingShops(atServe, clock).run(onDay);
            // The last rewards are still on their way through the join when the shops stop: let them
            // reach the learner (or stop arriving) before anything closes, so that none is cut off.
            drain(learner, shops.rewardsOk(), settings.rewardWait().plus(DRAIN_SLACK));
            serveRecords = serve.recordCounts();
        } finally {
            learner.close();
        }
        return new Outcome(shops, learner.stats(), LearnerRuns.awaitStopped(learnerRun), serveRecords);
    }

    /**
     * Waits until the learner has received {@code expected} transitions, or none has come for
     * {@link #DRAIN_QUIET} (a reward that came too late is dropped by the join, never sent), or
     * {@code longest} has passed.
     */
    private static void drain(LearnerService learner, long expected, Duration longest) throws InterruptedException {
        long deadline = System.nanoTime() + longest.toNanos();
        long seen = -1;
        long changedAt = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long received = learner.stats().transitionsReceived();
            if (received >= expected) {
                return;
            }
            if (received != seen) {
                seen = received;
                changedAt = System.nanoTime();
            } else if (System.nanoTime() - changedAt > DRAIN_QUIET.toNanos()) {
                return;
            }
            Thread.sleep(DRAIN_POLL.toMillis());
        }
    }
}
