package io.streamrl.bench;

import io.streamrl.actor.PolicyFit;
import io.streamrl.actor.PolicyListener;
import io.streamrl.actor.PolicyRejection;
import io.streamrl.actor.PolicySubscriber;
import io.streamrl.actor.PolicySwap;
import io.streamrl.kafka.KafkaClientConfig;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.pipeline.KafkaTarget;
import io.streamrl.kafka.TopicBootstrap;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publish-to-swap latency of a policy: a publisher sends snapshot versions to the policy topic
 * at a fixed spacing, with the learner's producer (transactional, one transaction per snapshot,
 * as one learner per policy publishes); an actor-side {@link PolicySubscriber} accepts them.
 * Latency runs from the start of publishing (sealing and encoding the snapshot, {@code send},
 * the commit) to {@link PolicySwap#acceptedAtNanos()} (decoded,
 * checksum verified, held), both on {@link System#nanoTime()} of this JVM. The first
 * {@code warmup} versions (connection set-up, JIT) are sent but not counted.
 */
public final class PropagationBenchmark {

    private static final Logger log = LoggerFactory.getLogger(PropagationBenchmark.class);
    private static final String POLICY = "bench-propagation";
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

    /**
     * @param versions snapshots measured
     * @param warmup snapshots sent first and not measured
     * @param intervalMillis spacing of the sends
     * @param hidden width of the actor's two hidden layers
     * @param bootstrapServer an existing cluster, or null for an in-process broker
     * @param kafkaConfig the cluster's client properties ({@code --kafka-config}); none for the in-process broker
     */
    public record Settings(int versions, int warmup, long intervalMillis, int hidden, String bootstrapServer,
                           KafkaClientConfig kafkaConfig) {
        public Settings {
            Objects.requireNonNull(kafkaConfig, "kafkaConfig must not be null; use KafkaClientConfig.none()");
            if (versions < 1 || versions > 1_000_000) {
                throw new IllegalArgumentException("versions must be in [1, 1000000], got " + versions);
            }
            if (warmup < 0 || warmup > 1_000_000) {
                throw new IllegalArgumentException("warmup must be in [0, 1000000], got " + warmup);
            }
            if (intervalMillis < 0 || intervalMillis > 60_000) {
                throw new IllegalArgumentException("interval must be in [0, 60000] ms, got " + intervalMillis);
            }
            if (hidden < 1 || hidden > 4096) {
                throw new IllegalArgumentException("hidden must be in [1, 4096], got " + hidden);
            }
        }
    }

    /**
     * @param sent measured versions sent (and acknowledged by the broker)
     * @param accepted of those, versions the subscriber swapped in
     * @param rejected of those, versions the subscriber refused
     * @param lost of those, versions the subscriber never saw within the drain timeout
     * @param snapshotBytes size of one encoded policy record
     */
    public record Result(String kafka, int hidden, long intervalMillis, int sent, int accepted, int rejected, int lost,
                         int snapshotBytes, double p50Ms, double p90Ms, double p99Ms, double maxMs, double meanMs) {
        public Map<String, Object> line() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("benchmark", "propagation");
            m.put("kafka", kafka);
            m.put("hidden", hidden + "-" + hidden);
            m.put("interval_ms", intervalMillis);
            m.put("snapshot_bytes", snapshotBytes);
            m.put("sent", sent);
            m.put("accepted", accepted);
            m.put("rejected", rejected);
            m.put("lost", lost);
            m.put("p50_ms", Json.round(p50Ms, 2));
            m.put("p90_ms", Json.round(p90Ms, 2));
            m.put("p99_ms", Json.round(p99Ms, 2));
            m.put("max_ms", Json.round(maxMs, 2));
            m.put("mean_ms", Json.round(meanMs, 2));
            return m;
        }
    }

    private final Clock clock;

    public PropagationBenchmark(Clock clock) {
        this.clock = clock;
    }

    public Result run(Settings s) throws InterruptedException {
        try (KafkaTarget target = KafkaTarget.open(s.bootstrapServer(), s.kafkaConfig(), clock)) {
            KafkaSettings kafka = target.fresh("bench-propagation");
            TopicBootstrap.ensureTopics(kafka, List.of(kafka.topics().policy()), clock);
            String topic = kafka.topics().policy().name();
            byte[] key = POLICY.getBytes(StandardCharsets.UTF_8);
            PendulumRecords records = new PendulumRecords(2);

            Map<Long, Long> sentAt = new ConcurrentHashMap<>();
            Map<Long, Long> acceptedAt = new ConcurrentHashMap<>();
            Map<Long, PolicyRejection> rejections = new ConcurrentHashMap<>();
            AtomicReference<Exception> sendFailure = new AtomicReference<>();
            PolicyListener listener = new PolicyListener() {
                @Override
                public void onSwap(PolicySwap swap) {
                    acceptedAt.put(swap.snapshot().version(), swap.acceptedAtNanos());
                }

                @Override
                public void onRejected(PolicyRejection rejection) {
                    rejections.put(rejection.version(), rejection);
                }
            };
            int total = s.warmup() + s.versions();
            int snapshotBytes = 0;
            try (PolicySubscriber subscriber = PolicySubscriber.start(kafka, "bench-propagation-subscriber", POLICY,
                    PolicyFit.forEnv(PendulumRecords.spec()), clock, listener);
                 // The learner's own producer: transactional, one transaction per snapshot (one learner per policy).
                 KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                         kafka.learnerPolicyProducer("bench-propagation", POLICY))) {
                if (!subscriber.awaitCaughtUp(kafka.connectTimeout())) {
                    throw new IllegalStateException("the policy subscriber did not start reading " + topic + " within "
                            + kafka.connectTimeout().toSeconds() + " s");
                }
                producer.initTransactions();
                producer.partitionsFor(topic);
                long start = System.nanoTime();
                for (long version = 1; version <= total; version++) {
                    long due = start + (version - 1) * s.intervalMillis() * 1_000_000L;
                    for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                        LockSupport.parkNanos(wait);
                    }
                    long t0 = System.nanoTime();
                    byte[] value = records.encodedPolicy(POLICY, version, s.hidden(), clock.millis());
                    sentAt.put(version, t0);
                    producer.beginTransaction();
                    producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
                        if (error != null) {
                            sendFailure.compareAndSet(null, error);
                        }
                    });
                    // Subscribers read read_committed: the snapshot is visible once the commit is.
                    producer.commitTransaction();
                    snapshotBytes = value.length;
                }
                if (sendFailure.get() != null) {
                    throw new IllegalStateException("publishing a policy to " + topic + " failed: " + sendFailure.get(),
                            sendFailure.get());
                }
                long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
                while (acceptedAt.size() + rejections.size() < total && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
            }
            return result(target.description(), s, snapshotBytes, sentAt, acceptedAt, rejections);
        }
    }

    private static Result result(String kafka, Settings s, int snapshotBytes, Map<Long, Long> sentAt,
                                 Map<Long, Long> acceptedAt, Map<Long, PolicyRejection> rejections) {
        int accepted = 0;
        int rejected = 0;
        double[] latencies = new double[s.versions()];
        for (long version = s.warmup() + 1; version <= s.warmup() + s.versions(); version++) {
            Long at = acceptedAt.get(version);
            if (at != null) {
                latencies[accepted++] = (at - sentAt.get(version)) / 1e6;
            } else if (rejections.containsKey(version)) {
                log.warn("version {} was refused: {}", version, rejections.get(version).reason());
                rejected++;
            }
        }
        int lost = s.versions() - accepted - rejected;
        if (accepted == 0) {
            return new Result(kafka, s.hidden(), s.intervalMillis(), s.versions(), 0, rejected, lost, snapshotBytes,
                    Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        Percentiles p = new Percentiles(Arrays.copyOf(latencies, accepted));
        return new Result(kafka, s.hidden(), s.intervalMillis(), s.versions(), accepted, rejected, lost, snapshotBytes,
                p.median(), p.at(90), p.at(99), p.max(), p.mean());
    }
}
