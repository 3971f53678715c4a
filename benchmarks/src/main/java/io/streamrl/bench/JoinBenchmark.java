package io.streamrl.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamrl.join.JoinConfig;
import io.streamrl.join.JoinService;
import io.streamrl.kafka.KafkaClientConfig;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.kafka.TopicBootstrap;
import io.streamrl.pipeline.KafkaTarget;
import io.streamrl.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reward join's throughput: decisions and rewards turned into transitions per second, on one
 * broker in one JVM. Each round uses a fresh namespace: the decisions and rewards topics are
 * filled first (as a live system writes them, a decision and later its reward; see
 * {@link JoinWorkload}), then a {@link JoinService} starts on them and the clock runs until the
 * transitions topic holds every transition expected, counted by a {@code read_committed}
 * consumer as the learner would read them.
 *
 * <p>The rate leaves out the start-up (group join, task assignment, store creation; reported
 * apart as {@code start_s}) because a running join pays it once, not per record. Outside bandit
 * mode each entity's last decision waits for its s' (its next decision, or the episode gap), so
 * a round expects {@code decisions - entities} transitions; in bandit mode every decision is one.
 */
public final class JoinBenchmark {

    private static final Logger log = LoggerFactory.getLogger(JoinBenchmark.class);
    /**
     * Long enough for every reward to come in time (they come within a second) and short enough
     * that a test of waiting is not what the round measures; a run must finish processing within
     * it of the first decision's time, or its decisions settle with the default reward.
     */
    static final Duration REWARD_WAIT = Duration.ofMinutes(1);
    private static final Duration READ_TIMEOUT = Duration.ofMinutes(10);
    /** How long the transitions count may stand still before the round is given up. */
    private static final Duration STALL_TIMEOUT = Duration.ofMinutes(2);
    /** After the last expected transition: long enough for a few more commits to show any extra one. */
    private static final Duration SETTLE = Duration.ofSeconds(1);
    private static final long SEED = 20_261_207L;

    /**
     * @param decisions decisions per round, each with one reward
     * @param entities entities the decisions are spread over (each one's decisions in time order)
     * @param warmupRounds rounds first run and printed but left out of the medians: they measure the JIT compiling
     * @param rounds measured rounds, one result line each
     * @param bandit one-step transitions (every decision one transition, sent as its reward comes)
     * @param threads the join's stream threads ({@code num.stream.threads})
     * @param bootstrapServer an existing cluster, or null for an in-process broker
     * @param kafkaConfig the cluster's client properties ({@code --kafka-config}); none for the in-process broker
     */
    public record Settings(int decisions, int entities, int warmupRounds, int rounds, boolean bandit, int threads,
                           String bootstrapServer, KafkaClientConfig kafkaConfig) {
        public Settings {
            Objects.requireNonNull(kafkaConfig, "kafkaConfig must not be null; use KafkaClientConfig.none()");
            if (decisions < 1 || decisions > 50_000_000) {
                throw new IllegalArgumentException("decisions must be in [1, 50000000], got " + decisions);
            }
            if (entities < 1 || entities > decisions) {
                throw new IllegalArgumentException("entities must be in [1, decisions=" + decisions + "], got "
                        + entities);
            }
            if (warmupRounds < 0 || warmupRounds > 10) {
                throw new IllegalArgumentException("warmup-rounds must be in [0, 10], got " + warmupRounds);
            }
            if (rounds < 1 || rounds > 100) {
                throw new IllegalArgumentException("rounds must be in [1, 100], got " + rounds);
            }
            if (threads < 1 || threads > JoinService.MAX_STREAM_THREADS) {
                throw new IllegalArgumentException("threads must be in [1, " + JoinService.MAX_STREAM_THREADS
                        + "], got " + threads);
            }
        }

        /** Transitions a round waits for: every decision but each entity's last, which has no s' yet (bandit: all). */
        public long expectedTransitions() {
            return bandit ? decisions : (long) decisions - entities;
        }
    }

    /**
     * One round.
     *
     * @param produceSeconds writing the decisions and rewards (acknowledged), before the join starts
     * @param startSeconds from starting the join to its running (group joined, tasks assigned)
     * @param processSeconds from running to the last expected transition committed
     */
    public record Round(int round, long decisions, long rewards, long transitions, double produceSeconds,
                        double startSeconds, double processSeconds, JoinCounts counts) {

        /** Decisions and rewards taken in per second of processing. */
        public double recordsPerSecond() {
            return (decisions + rewards) / processSeconds;
        }

        public double transitionsPerSecond() {
            return transitions / processSeconds;
        }

        public double producePerSecond() {
            return (decisions + rewards) / produceSeconds;
        }
    }

    public record Result(String kafka, Settings settings, List<Round> warmups, List<Round> rounds) {

        /**
         * One JSON-ready map per warm-up round ({@code "round": "warmup-1"}, ...), one per measured
         * round, then one with the medians over the measured rounds ({@code "round": "median"}),
         * which also sums their defaulted and late counts.
         */
        public List<Map<String, Object>> lines() {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Round r : warmups) {
                out.add(roundLine("warmup-" + r.round(), r));
            }
            for (Round r : rounds) {
                out.add(roundLine(r.round(), r));
            }
            Map<String, Object> m = head("median");
            m.put("decisions", settings.decisions());
            m.put("transitions", settings.expectedTransitions());
            m.put("produce_per_s", Json.round(median(Round::producePerSecond), 0));
            m.put("start_s", Json.round(median(Round::startSeconds), 2));
            m.put("process_s", Json.round(median(Round::processSeconds), 2));
            m.put("records_per_s", Json.round(median(Round::recordsPerSecond), 0));
            m.put("transitions_per_s", Json.round(median(Round::transitionsPerSecond), 0));
            m.put("defaulted_total", rounds.stream().mapToLong(r -> r.counts().defaulted()).sum());
            m.put("late_total", rounds.stream().mapToLong(r -> r.counts().rewardsLate()).sum());
            out.add(m);
            return out;
        }

        private Map<String, Object> roundLine(Object label, Round r) {
            Map<String, Object> m = head(label);
            m.put("decisions", r.decisions());
            m.put("rewards", r.rewards());
            m.put("transitions", r.transitions());
            m.put("produce_s", Json.round(r.produceSeconds(), 2));
            m.put("produce_per_s", Json.round(r.producePerSecond(), 0));
            m.put("start_s", Json.round(r.startSeconds(), 2));
            m.put("process_s", Json.round(r.processSeconds(), 2));
            m.put("records_per_s", Json.round(r.recordsPerSecond(), 0));
            m.put("transitions_per_s", Json.round(r.transitionsPerSecond(), 0));
            JoinCounts c = r.counts();
            m.put("joined", c.joined());
            m.put("defaulted", c.defaulted());
            m.put("rewards_early", c.rewardsEarly());
            m.put("rewards_late", c.rewardsLate());
            m.put("rewards_orphaned", c.rewardsOrphaned());
            m.put("rewards_repeated", c.rewardsRepeated());
            m.put("dead_lettered", c.deadLettered());
            return m;
        }

        private Map<String, Object> head(Object round) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("benchmark", "join");
            m.put("kafka", kafka);
            m.put("round", round);
            m.put("mode", settings.bandit() ? "bandit" : "episodic");
            m.put("threads", settings.threads());
            m.put("entities", settings.entities());
            return m;
        }

        private double median(ToDoubleFunction<Round> f) {
            return new Percentiles(rounds.stream().mapToDouble(f).toArray()).median();
        }
    }

    private final Clock clock;

    public JoinBenchmark(Clock clock) {
        this.clock = clock;
    }

    public Result run(Settings s) throws InterruptedException {
        // Default settings but for a shorter wait (see REWARD_WAIT): under first, a decision goes on at its reward.
        JoinConfig config = JoinConfig.defaults().withRewardWait(REWARD_WAIT)
                .withCombine(JoinConfig.RewardCombine.FIRST).withBandit(s.bandit());
        try (KafkaTarget target = KafkaTarget.open(s.bootstrapServer(), s.kafkaConfig(), clock)) {
            List<Round> warmups = new ArrayList<>();
            List<Round> rounds = new ArrayList<>();
            for (int r = 1; r <= s.warmupRounds() + s.rounds(); r++) {
                boolean warmup = r <= s.warmupRounds();
                int number = warmup ? r : r - s.warmupRounds();
                Round round = round(target, s, config, number, SEED + r);
                log.info("{} {}: {} transitions in {} s ({} decisions and rewards/s; start-up {} s), {}",
                        warmup ? "warm-up round" : "round", number, round.transitions(),
                        round.processSeconds(), Math.round(round.recordsPerSecond()), round.startSeconds(),
                        round.counts());
                (warmup ? warmups : rounds).add(round);
            }
            return new Result(target.description(), s, warmups, rounds);
        }
    }

    private Round round(KafkaTarget target, Settings s, JoinConfig config, int number, long seed)
            throws InterruptedException {
        KafkaSettings kafka = target.fresh("bench-join");
        Topics topics = kafka.topics();
        TopicBootstrap.ensureTopics(kafka, List.of(topics.decisions(), topics.rewards(), topics.transitions(),
                topics.lateRewards(), topics.deadLetter()), clock);
        // Event times start now: the wall-clock punctuator judges the reward wait against them.
        List<JoinWorkload.Outgoing> records = JoinWorkload.records(topics, s.decisions(), s.entities(), clock.millis(),
                seed);
        long rewards = records.size() - (long) s.decisions();
        double produceSeconds = produce(kafka, records);
        log.info("produced {} decisions and {} rewards in {} s", s.decisions(), rewards, produceSeconds);
        records = null; // the join reads them from Kafka; let the encoded copies go

        Path stateDir = createStateDir();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (KafkaConsumer<byte[], byte[]> counter = transitionCounter(kafka)) {
            long start = System.nanoTime();
            try (JoinService join = JoinService.start(kafka, config, stateDir, registry, clock, s.threads())) {
                long running = System.nanoTime();
                long counted = awaitTransitions(counter, s.expectedTransitions(), join, registry);
                long done = System.nanoTime();
                counted += countFor(counter, SETTLE);
                return new Round(number, s.decisions(), rewards, counted, produceSeconds, (running - start) / 1e9,
                        (done - running) / 1e9, JoinCounts.of(registry));
            }
        } finally {
            deleteTree(stateDir);
        }
    }

    /** Sends every record in order with one idempotent producer, as serve does, and waits for every acknowledgement. */
    private static double produce(KafkaSettings kafka, List<JoinWorkload.Outgoing> records) {
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producer("bench-join-producer"))) {
            // The first send fetches metadata; do that before the clock starts.
            producer.partitionsFor(kafka.topics().decisions().name());
            producer.partitionsFor(kafka.topics().rewards().name());
            long start = System.nanoTime();
            for (JoinWorkload.Outgoing r : records) {
                // Timestamped by the producer, as serve's records are: in the order they are written, which
                // is the order they happened, so the join takes each task's decisions and rewards in that order.
                producer.send(new ProducerRecord<>(r.topic(), r.key(), r.value()),
                        (metadata, error) -> {
                            if (error != null) {
                                failure.compareAndSet(null, error);
                            }
                        });
            }
            producer.flush();
            double seconds = (System.nanoTime() - start) / 1e9;
            if (failure.get() != null) {
                throw new IllegalStateException("producing the benchmark's decisions and rewards failed: "
                        + failure.get(), failure.get());
            }
            return seconds;
        }
    }

    /** A read_committed consumer at the start of every transitions partition, assigned before the join starts. */
    private static KafkaConsumer<byte[], byte[]> transitionCounter(KafkaSettings kafka) {
        String topic = kafka.topics().transitions().name();
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumer("bench-join-counter", null));
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, kafka.connectTimeout()).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            partitions.forEach(p -> consumer.position(p, kafka.connectTimeout()));
            return consumer;
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }

    /** Counts transitions until {@code expected} were committed; fails when the join stops or stalls. */
    private static long awaitTransitions(KafkaConsumer<byte[], byte[]> counter, long expected, JoinService join,
                                         SimpleMeterRegistry registry) {
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        long lastProgress = System.nanoTime();
        long count = 0;
        while (count < expected) {
            int batch = counter.poll(Duration.ofMillis(50)).count();
            long now = System.nanoTime();
            if (batch > 0) {
                count += batch;
                lastProgress = now;
            }
            if (join.failure() != null) {
                throw new IllegalStateException("the join failed after " + count + " of " + expected
                        + " transitions: " + join.failure(), join.failure());
            }
            if (now > deadline || now - lastProgress > STALL_TIMEOUT.toNanos()) {
                throw new IllegalStateException("the join sent only " + count + " of " + expected + " transitions ("
                        + (now > deadline ? "in " + READ_TIMEOUT.toMinutes() + " min"
                            : "none in the last " + STALL_TIMEOUT.toMinutes() + " min")
                        + "); its counters: " + JoinCounts.of(registry));
            }
        }
        return count;
    }

    private static long countFor(KafkaConsumer<byte[], byte[]> counter, Duration time) {
        long end = System.nanoTime() + time.toNanos();
        long count = 0;
        while (System.nanoTime() < end) {
            count += counter.poll(Duration.ofMillis(50)).count();
        }
        return count;
    }

    private static Path createStateDir() {
        try {
            return Files.createTempDirectory("streamrl-bench-join-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a state directory for the join", e);
        }
    }

    /** Deletes the join's stores of a round; a failure only leaves files in the temporary directory. */
    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            log.warn("could not delete the join's state directory {}: {}", root, e.toString());
        }
    }
}
