package io.streamrl.bench;

import io.streamrl.kafka.KafkaClientConfig;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.pipeline.KafkaTarget;
import io.streamrl.kafka.TopicBootstrap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Environment steps per second of 1, 2, 4 ... simulation actor processes (separate JVMs, as
 * users run {@code streamrl actor}) publishing to one broker, without a learner and without
 * flow control. Before the actors start, one policy snapshot is published, so that they act
 * as they would in training (policy forward pass plus noise) rather than at random.
 *
 * <p>Rates come from the transitions themselves, read back once every actor has exited: each
 * record's timestamp is set by the actor's producer when the step is sent, so JVM start-up and
 * connecting are left out. An actor's rate is {@code (steps - 1) / (last - first)} over its own
 * records; the total is every step over the span from the first step of any actor to the last
 * of any, so a staggered start counts against it.
 */
public final class ActorsBenchmark {

    private static final Logger log = LoggerFactory.getLogger(ActorsBenchmark.class);
    private static final String POLICY = "Pendulum-v1";

    /**
     * @param actorCounts how many actor processes to run together, one measurement each
     * @param stepsPerActor environment steps each actor takes
     * @param hidden hidden width of the policy the actors run (two layers)
     * @param timeout longest one measurement may take before its processes are killed
     * @param bootstrapServer an existing cluster, or null for an in-process broker
     * @param kafkaConfig the cluster's client properties ({@code --kafka-config}); none for the in-process broker
     */
    public record Settings(List<Integer> actorCounts, long stepsPerActor, int hidden, Duration timeout,
                           String bootstrapServer, KafkaClientConfig kafkaConfig) {
        public Settings {
            Objects.requireNonNull(kafkaConfig, "kafkaConfig must not be null; use KafkaClientConfig.none()");
            actorCounts = List.copyOf(actorCounts);
            if (actorCounts.isEmpty() || actorCounts.stream().anyMatch(c -> c < 1 || c > 64)) {
                throw new IllegalArgumentException("actor counts must each be in [1, 64], got " + actorCounts);
            }
            if (stepsPerActor < 2) {
                throw new IllegalArgumentException("steps per actor must be >= 2, got " + stepsPerActor);
            }
            if (hidden < 1 || hidden > 4096) {
                throw new IllegalArgumentException("hidden must be in [1, 4096], got " + hidden);
            }
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, got " + timeout);
            }
        }
    }

    /** One actor's steps as they arrived at the broker. */
    public record ActorRun(String actorId, long steps, long firstMillis, long lastMillis) {
        public double perSecond() {
            return lastMillis > firstMillis ? (steps - 1) * 1000.0 / (lastMillis - firstMillis) : Double.NaN;
        }
    }

    /** One measurement: {@code actors.size()} processes together. */
    public record Measurement(String kafka, long stepsPerActor, List<ActorRun> actors) {
        public long totalSteps() {
            return actors.stream().mapToLong(ActorRun::steps).sum();
        }

        /** From the first step of any actor to the last step of any. */
        public double spanSeconds() {
            long first = actors.stream().mapToLong(ActorRun::firstMillis).min().orElseThrow();
            long last = actors.stream().mapToLong(ActorRun::lastMillis).max().orElseThrow();
            return (last - first) / 1000.0;
        }

        /** How long every actor was stepping at once. */
        public double allRunningSeconds() {
            long lastStart = actors.stream().mapToLong(ActorRun::firstMillis).max().orElseThrow();
            long firstEnd = actors.stream().mapToLong(ActorRun::lastMillis).min().orElseThrow();
            return Math.max(0, firstEnd - lastStart) / 1000.0;
        }

        public double totalPerSecond() {
            double span = spanSeconds();
            return span > 0 ? (totalSteps() - 1) / span : Double.NaN;
        }

        public Map<String, Object> line() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("benchmark", "actors");
            m.put("kafka", kafka);
            m.put("actors", actors.size());
            m.put("steps_per_actor", stepsPerActor);
            m.put("total_steps", totalSteps());
            m.put("total_steps_per_s", Json.round(totalPerSecond(), 0));
            m.put("mean_per_actor_steps_per_s", Json.round(actors.stream().mapToDouble(ActorRun::perSecond)
                    .average().orElse(Double.NaN), 0));
            m.put("per_actor_steps_per_s", actors.stream().map(a -> Json.round(a.perSecond(), 0)).toList());
            m.put("span_s", Json.round(spanSeconds(), 3));
            m.put("all_running_s", Json.round(allRunningSeconds(), 3));
            return m;
        }
    }

    private final Clock clock;
    private final ActorLauncher launcher;

    public ActorsBenchmark(Clock clock, ActorLauncher launcher) {
        this.clock = clock;
        this.launcher = launcher;
    }

    public List<Measurement> run(Settings s) throws InterruptedException {
        List<Measurement> out = new ArrayList<>();
        try (KafkaTarget target = KafkaTarget.open(s.bootstrapServer(), s.kafkaConfig(), clock)) {
            for (int count : s.actorCounts()) {
                KafkaSettings kafka = target.fresh("bench-actors" + count);
                Measurement m = measure(target.description(), kafka, count, s);
                log.info("{} actor process(es): {} steps/s in all", count, Math.round(m.totalPerSecond()));
                out.add(m);
            }
        }
        return out;
    }

    private Measurement measure(String description, KafkaSettings kafka, int count, Settings s)
            throws InterruptedException {
        var topics = kafka.topics();
        TopicBootstrap.ensureTopics(kafka, List.of(topics.transitions(), topics.policy(), topics.episodes()), clock);
        publishPolicy(kafka, s.hidden(), clock.millis());
        Path logs = createLogDirectory();
        List<Process> processes = new ArrayList<>();
        Thread killer = new Thread(() -> processes.forEach(ActorsBenchmark::kill), "bench-actors-cleanup");
        Runtime.getRuntime().addShutdownHook(killer);
        boolean ok = false;
        try {
            for (int i = 1; i <= count; i++) {
                String id = "bench-actor-" + i;
                ProcessBuilder builder = new ProcessBuilder(launcher.command(id, i, s.stepsPerActor(), kafka))
                        .redirectErrorStream(true)
                        .redirectOutput(logs.resolve(id + ".log").toFile());
                processes.add(builder.start());
            }
            log.info("started {} actor process(es) of {} steps each; their output is in {}", count,
                    s.stepsPerActor(), logs);
            long deadline = System.nanoTime() + s.timeout().toNanos();
            for (int i = 0; i < processes.size(); i++) {
                Process p = processes.get(i);
                if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    throw new IllegalStateException("actor process " + (i + 1) + " of " + count + " did not finish "
                            + s.stepsPerActor() + " steps within " + s.timeout().toSeconds() + " s; output: "
                            + tail(logs.resolve("bench-actor-" + (i + 1) + ".log")));
                }
                if (p.exitValue() != 0) {
                    throw new IllegalStateException("actor process " + (i + 1) + " of " + count + " exited with "
                            + p.exitValue() + "; output: " + tail(logs.resolve("bench-actor-" + (i + 1) + ".log")));
                }
            }
            Measurement m = new Measurement(description, s.stepsPerActor(), readBack(kafka, count * s.stepsPerActor()));
            if (m.actors().size() != count || m.actors().stream().anyMatch(a -> a.steps() != s.stepsPerActor())) {
                throw new IllegalStateException("expected " + s.stepsPerActor() + " transitions from each of " + count
                        + " actors, found " + m.actors());
            }
            ok = true;
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start an actor process: " + e.getMessage(), e);
        } finally {
            processes.forEach(ActorsBenchmark::kill);
            Runtime.getRuntime().removeShutdownHook(killer);
            if (ok) {
                deleteLogs(logs);
            }
        }
    }

    private static void publishPolicy(KafkaSettings kafka, int hidden, long createdAtMillis) {
        String topic = kafka.topics().policy().name();
        byte[] value = new PendulumRecords(3).encodedPolicy(POLICY, 1, hidden, createdAtMillis);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producer("bench-actors-policy"))) {
            producer.send(new ProducerRecord<>(topic, POLICY.getBytes(StandardCharsets.UTF_8), value)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing the benchmark policy", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot publish the benchmark policy to " + topic + ": " + e.getCause(), e);
        }
    }

    /** Every transition's key and timestamp, per actor. */
    private static List<ActorRun> readBack(KafkaSettings kafka, long expected) {
        String topic = kafka.topics().transitions().name();
        Map<String, long[]> byActor = new HashMap<>(); // count, first, last
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(kafka.consumer("bench-actors-reader", null))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, kafka.connectTimeout()).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long read = 0;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    long[] a = byActor.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8),
                            k -> new long[] {0, Long.MAX_VALUE, Long.MIN_VALUE});
                    a[0]++;
                    a[1] = Math.min(a[1], r.timestamp());
                    a[2] = Math.max(a[2], r.timestamp());
                    read++;
                }
            }
            log.debug("read back {} of {} expected transitions", read, expected);
        }
        return byActor.entrySet().stream()
                .map(e -> new ActorRun(e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[2]))
                .sorted(Comparator.comparing(ActorRun::actorId))
                .toList();
    }

    private static void kill(Process p) {
        if (p.isAlive()) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    private static Path createLogDirectory() {
        try {
            return Files.createTempDirectory("streamrl-bench-actors-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for the actors' output: " + e.getMessage(), e);
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    private static void deleteLogs(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            log.warn("cannot delete {}: {}", dir, e.getMessage());
        }
    }
}
