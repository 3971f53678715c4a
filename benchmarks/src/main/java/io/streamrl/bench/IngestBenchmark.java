package io.streamrl.bench;

import io.streamrl.core.agent.DdpgConfig;
import io.streamrl.core.train.TrainListener;
import io.streamrl.kafka.KafkaClientConfig;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.pipeline.KafkaTarget;
import io.streamrl.kafka.TopicBootstrap;
import io.streamrl.learner.LearnerConfig;
import io.streamrl.learner.LearnerResult;
import io.streamrl.learner.LearnerService;
import io.streamrl.learner.LearnerStats;
import io.streamrl.schemas.RecordCodec;
import io.streamrl.schemas.avro.Transition;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The learner's ingest rate next to the raw Kafka rates for the same records, on one broker in
 * one JVM: Pendulum transitions are produced into a fresh transitions topic (the raw produce
 * rate), then each round reads them all with a plain {@code KafkaConsumer<byte[], byte[]>} (the
 * raw consume rate: the most any Kafka reader could do here) and with a {@link LearnerService}
 * whose {@code learning-starts} lies above the record count, so that it only ingests (decode,
 * validate, convert, buffer) and never trains.
 *
 * <p>A third reader, the plain consumer that also decodes every value, shows how much of the
 * gap is Avro decoding rather than the learner's own work. Every consume rate counts the
 * records after the first poll's worth and divides by the time from that first batch to the
 * last record, so that start-up (connecting, assigning partitions) is left out alike. The
 * learner's progress is read from its {@link LearnerStats} every millisecond.
 */
public final class IngestBenchmark {

    private static final Logger log = LoggerFactory.getLogger(IngestBenchmark.class);
    private static final Duration READ_TIMEOUT = Duration.ofMinutes(5);
    private static final long STATS_POLL_NANOS = 1_000_000L;

    /**
     * @param records transitions to produce and read back each round
     * @param partitions partitions of the transitions topic (records are spread evenly)
     * @param warmupRounds rounds first run and printed but left out of the medians: they measure the JIT compiling
     * @param rounds times the readers read the topic, one result line each
     * @param bootstrapServer an existing cluster, or null for an in-process broker
     * @param kafkaConfig the cluster's client properties ({@code --kafka-config}); none for the in-process broker
     */
    public record Settings(int records, int partitions, int warmupRounds, int rounds, int ingestThreads,
                           String bootstrapServer, KafkaClientConfig kafkaConfig) {
        public Settings {
            Objects.requireNonNull(kafkaConfig, "kafkaConfig must not be null; use KafkaClientConfig.none()");
            if (warmupRounds < 0 || warmupRounds > 10) {
                throw new IllegalArgumentException("warmup-rounds must be in [0, 10], got " + warmupRounds);
            }
            if (ingestThreads < 1 || ingestThreads > 64) {
                throw new IllegalArgumentException("ingest-threads must be in [1, 64], got " + ingestThreads);
            }
            if (records < 1 || records > 50_000_000) {
                throw new IllegalArgumentException("records must be in [1, 50000000], got " + records);
            }
            if (partitions < 1 || partitions > 1000) {
                throw new IllegalArgumentException("partitions must be in [1, 1000], got " + partitions);
            }
            if (rounds < 1 || rounds > 100) {
                throw new IllegalArgumentException("rounds must be in [1, 100], got " + rounds);
            }
        }
    }

    /** A reader's pass over the topic: how many records it counted, and its rate after the first batch. */
    public record Read(long records, long firstBatch, double seconds) {
        public double perSecond() {
            return seconds > 0 ? (records - firstBatch) / seconds : Double.NaN;
        }
    }

    /**
     * One round over the same records: the raw consumer, the raw consumer that also decodes each
     * value with the schemas module's codec (what any Avro reader pays), then the learner.
     */
    public record Round(int round, Read raw, Read decoded, Read learner) {
        /** Learner ingest rate over raw consume rate; the target is at least 0.70. */
        public double ratio() {
            return learner.perSecond() / raw.perSecond();
        }
    }

    public record Result(String kafka, int records, int partitions, double meanValueBytes, double produceSeconds,
                         List<Round> warmups, List<Round> rounds) {
        public double producePerSecond() {
            return records / produceSeconds;
        }

        /**
         * One JSON-ready map per warm-up round ({@code "round": "warmup-1"}, ...), one per measured
         * round, then one with the medians over the measured rounds ({@code "round": "median"}).
         */
        public List<Map<String, Object>> lines() {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Round r : warmups) {
                out.add(roundLine("warmup-" + r.round(), r));
            }
            for (Round r : rounds) {
                out.add(roundLine(r.round(), r));
            }
            out.add(line("median", median(rounds, x -> x.raw().perSecond()),
                    median(rounds, x -> x.decoded().perSecond()), median(rounds, x -> x.learner().perSecond()),
                    median(rounds, Round::ratio)));
            return out;
        }

        private Map<String, Object> roundLine(Object label, Round r) {
            Map<String, Object> m = line(label, r.raw().perSecond(), r.decoded().perSecond(), r.learner().perSecond(),
                    r.ratio());
            m.put("learner_buffered", r.learner().records());
            return m;
        }

        private Map<String, Object> line(Object round, double raw, double decoded, double learner, double ratio) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("benchmark", "ingest");
            m.put("kafka", kafka);
            m.put("round", round);
            m.put("records", records);
            m.put("partitions", partitions);
            m.put("value_bytes", Json.round(meanValueBytes, 1));
            m.put("produce_per_s", Json.round(producePerSecond(), 0));
            m.put("raw_consume_per_s", Json.round(raw, 0));
            m.put("decode_consume_per_s", Json.round(decoded, 0));
            m.put("learner_ingest_per_s", Json.round(learner, 0));
            m.put("learner_over_raw", Json.round(ratio, 3));
            return m;
        }

        private static double median(List<Round> rounds, ToDoubleFunction<Round> f) {
            return new Percentiles(rounds.stream().mapToDouble(f).toArray()).median();
        }
    }

    private final Clock clock;

    public IngestBenchmark(Clock clock) {
        this.clock = clock;
    }

    public Result run(Settings s) throws InterruptedException {
        try (KafkaTarget target = KafkaTarget.open(s.bootstrapServer(), s.kafkaConfig(), clock)) {
            KafkaSettings kafka = target.fresh("bench-ingest", s.partitions());
            TopicBootstrap.ensureTopics(kafka, kafka.topics().all(), clock);
            String topic = kafka.topics().transitions().name();

            log.info("encoding {} Pendulum transitions", s.records());
            List<byte[]> values = new PendulumRecords(1).encodedTransitions("bench-actor", s.records(), clock.millis());
            double meanBytes = values.stream().mapToInt(v -> v.length).average().orElseThrow();
            double produceSeconds = produce(kafka, topic, s.partitions(), values);
            log.info("produced {} records of {} bytes in {} s", s.records(), meanBytes, produceSeconds);
            values = null; // the rounds read from Kafka; let the encoded copies go

            RecordCodec<Transition> codec = RecordCodec.transition();
            List<Round> warmups = new ArrayList<>();
            List<Round> rounds = new ArrayList<>();
            for (int r = 1; r <= s.warmupRounds() + s.rounds(); r++) {
                boolean warmup = r <= s.warmupRounds();
                int number = warmup ? r : r - s.warmupRounds();
                Read raw = readRaw(kafka, topic, s.records(), value -> { });
                Read decoded = readRaw(kafka, topic, s.records(), value -> codec.decode(topic, value));
                Read learner = readWithLearner(kafka, s.records(), r, s.ingestThreads());
                Round round = new Round(number, raw, decoded, learner);
                log.info("{} {}: raw consume {}/s, learner ingest {}/s, ratio {}", warmup ? "warm-up round" : "round",
                        number, Math.round(raw.perSecond()), Math.round(learner.perSecond()), round.ratio());
                (warmup ? warmups : rounds).add(round);
            }
            return new Result(target.description(), s.records(), s.partitions(), meanBytes, produceSeconds, warmups,
                    rounds);
        }
    }

    /** Sends every value, spread round-robin over the partitions, and waits for every acknowledgement. */
    private static double produce(KafkaSettings kafka, String topic, int partitions, List<byte[]> values) {
        AtomicReference<Exception> failure = new AtomicReference<>();
        byte[][] keys = new byte[partitions][];
        for (int p = 0; p < partitions; p++) {
            keys[p] = ("bench-actor-" + p).getBytes(StandardCharsets.UTF_8);
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producer("bench-ingest-producer"))) {
            // The first send fetches metadata; do that before the clock starts.
            producer.partitionsFor(topic);
            long start = System.nanoTime();
            for (int i = 0; i < values.size(); i++) {
                int p = i % partitions;
                producer.send(new ProducerRecord<>(topic, p, keys[p], values.get(i)), (metadata, error) -> {
                    if (error != null) {
                        failure.compareAndSet(null, error);
                    }
                });
            }
            producer.flush();
            double seconds = (System.nanoTime() - start) / 1e9;
            if (failure.get() != null) {
                throw new IllegalStateException("producing the benchmark records to " + topic + " failed: "
                        + failure.get(), failure.get());
            }
            return seconds;
        }
    }

    /** Reads every record with a plain consumer, handing each value to {@code perValue}. */
    private static Read readRaw(KafkaSettings kafka, String topic, long expected, Consumer<byte[]> perValue) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumer("bench-raw-consumer", null))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, kafka.connectTimeout()).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            partitions.forEach(p -> consumer.position(p, kafka.connectTimeout()));
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            long count = 0;
            long firstBatch = 0;
            long firstAt = 0;
            while (count < expected) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the raw consumer read only " + count + " of " + expected
                            + " records from " + topic + " in " + READ_TIMEOUT.toMinutes() + " min");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    perValue.accept(record.value());
                    count++;
                }
                if (firstBatch == 0 && count > 0) {
                    firstBatch = count;
                    firstAt = System.nanoTime();
                }
            }
            return new Read(count, firstBatch, (System.nanoTime() - firstAt) / 1e9);
        }
    }

    private Read readWithLearner(KafkaSettings kafka, int expected, int round, int ingestThreads)
            throws InterruptedException {
        // Training never starts: the buffer must hold more than every record before the first update.
        DdpgConfig agent = DdpgConfig.ddpg().with(Map.of(
                "buffer-capacity", Integer.toString(expected + 1),
                "learning-starts", Integer.toString(expected + 1),
                "batch-size", "1"));
        LearnerConfig config = LearnerConfig.builder(PendulumRecords.ENV).algorithm(agent)
                .policyName("bench-ingest-" + round).evalEvery(0).ingestThreads(ingestThreads).build();
        LearnerService learner = new LearnerService(kafka, config, clock, TrainListener.NONE);
        CompletableFuture<LearnerResult> run = BackgroundLearner.start(learner);
        try {
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            long firstBatch = 0;
            long firstAt = 0;
            LearnerStats stats = learner.stats();
            // Counted where ingest ends, in the replay buffer the training thread samples from.
            while (stats.bufferSize() < expected) {
                if (run.isDone()) {
                    throw new IllegalStateException("the learner stopped with " + stats.bufferSize() + " of " + expected
                            + " records in its buffer: " + outcome(run));
                }
                if (stats.transitionsRejected() > 0) {
                    throw new IllegalStateException("the learner dead-lettered " + stats.transitionsRejected()
                            + " of the benchmark's records; they should all be valid Pendulum transitions (see the log)");
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the learner stored only " + stats.bufferSize() + " of " + expected
                            + " records in " + READ_TIMEOUT.toMinutes() + " min");
                }
                LockSupport.parkNanos(STATS_POLL_NANOS);
                stats = learner.stats();
                if (firstBatch == 0 && stats.bufferSize() > 0) {
                    firstBatch = stats.bufferSize();
                    firstAt = System.nanoTime();
                }
            }
            double seconds = (System.nanoTime() - firstAt) / 1e9;
            return new Read(stats.bufferSize(), firstBatch, seconds);
        } finally {
            learner.close();
            BackgroundLearner.awaitStopped(run);
        }
    }

    private static String outcome(CompletableFuture<LearnerResult> run) {
        try {
            return run.getNow(null).reason();
        } catch (RuntimeException e) {
            return e.toString();
        }
    }
}
