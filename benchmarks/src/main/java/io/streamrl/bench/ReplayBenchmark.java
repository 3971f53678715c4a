package io.streamrl.bench;

import io.streamrl.core.env.Envs;
import io.streamrl.kafka.KafkaClientConfig;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.kafka.TopicBootstrap;
import io.streamrl.pipeline.KafkaTarget;
import io.streamrl.producer.Export;
import io.streamrl.producer.FileFormat;
import io.streamrl.producer.Replay;
import io.streamrl.producer.TransitionShape;
import io.streamrl.schemas.RecordCodec;
import io.streamrl.schemas.Topics;
import io.streamrl.schemas.avro.Transition;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.apache.avro.file.DataFileWriter;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * How fast {@code streamrl replay} publishes a file, against the plain Kafka producer sending
 * records of the same size with the same key and headers, in the same run on the same broker;
 * and how fast {@code streamrl export} writes a topic back. The files (CSV and Avro, the same
 * Pendulum-v1 rows) are written once, before the rounds; each round replays into fresh topics.
 *
 * <p>Replay's time is the whole job as the command does it: hashing the file for its source id,
 * parsing, checking and encoding every row, and publishing until the last acknowledgement. The
 * raw producer's time is from its first send to its last acknowledgement, with the records
 * encoded beforehand: what Kafka alone costs for the same bytes.
 */
public final class ReplayBenchmark {

    private static final long SEED = 20_261_207L;
    /** Distinct encoded records the raw producer cycles through: same sizes as the file's, without holding a million. */
    private static final int RAW_POOL = 10_000;

    /**
     * @param rows rows per file
     * @param warmupRounds rounds run first and printed but left out of the medians
     * @param rounds measured rounds
     * @param bootstrapServer an existing cluster, or null for an in-process broker
     * @param kafkaConfig the cluster's client properties
     * @param workDir where the files are written (and deleted after)
     */
    public record Settings(int rows, int warmupRounds, int rounds, String bootstrapServer, KafkaClientConfig kafkaConfig,
                           Path workDir) {
        public Settings {
            Objects.requireNonNull(kafkaConfig, "kafkaConfig must not be null; use KafkaClientConfig.none()");
            Objects.requireNonNull(workDir, "workDir");
            if (rows < 1 || rows > 100_000_000) {
                throw new IllegalArgumentException("rows must be in [1, 100000000], got " + rows);
            }
            if (warmupRounds < 0 || warmupRounds > 10) {
                throw new IllegalArgumentException("warmup-rounds must be in [0, 10], got " + warmupRounds);
            }
            if (rounds < 1 || rounds > 100) {
                throw new IllegalArgumentException("rounds must be in [1, 100], got " + rounds);
            }
        }
    }

    /** One round's rates, rows per second. */
    public record Round(String label, double rawPerSecond, double csvPerSecond, double avroPerSecond,
                        double exportPerSecond) {

        Map<String, Object> line(Settings s, String kafka, int recordBytes) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("benchmark", "replay");
            m.put("kafka", kafka);
            m.put("round", label);
            m.put("rows", s.rows());
            m.put("record_bytes", recordBytes);
            m.put("raw_producer_per_s", Json.round(rawPerSecond, 0));
            m.put("replay_csv_per_s", Json.round(csvPerSecond, 0));
            m.put("replay_avro_per_s", Json.round(avroPerSecond, 0));
            m.put("csv_vs_raw", Json.round(csvPerSecond / rawPerSecond, 3));
            m.put("avro_vs_raw", Json.round(avroPerSecond / rawPerSecond, 3));
            m.put("export_avro_per_s", Json.round(exportPerSecond, 0));
            return m;
        }
    }

    private final Clock clock;

    public ReplayBenchmark(Clock clock) {
        this.clock = clock;
    }

    /** Runs the rounds; one JSON-ready map per round, then the medians. */
    public List<Map<String, Object>> run(Settings s) throws IOException {
        TransitionShape shape = TransitionShape.of(Envs.spec("pendulum"));
        Path csv = s.workDir().resolve("replay-bench.csv");
        Path avro = s.workDir().resolve("replay-bench.avro");
        Path exported = s.workDir().resolve("replay-bench-export.avro");
        List<byte[]> pool = new ArrayList<>();
        writeFiles(s.rows(), csv, avro, pool);
        List<Map<String, Object>> out = new ArrayList<>();
        try (KafkaTarget target = KafkaTarget.open(s.bootstrapServer(), s.kafkaConfig(), clock)) {
            List<Round> measured = new ArrayList<>();
            int recordBytes = pool.get(0).length;
            for (int r = 1; r <= s.warmupRounds() + s.rounds(); r++) {
                boolean warmup = r <= s.warmupRounds();
                String label = warmup ? "warmup-" + r : Integer.toString(r - s.warmupRounds());
                double raw = raw(target.fresh("bench-replay-raw"), pool, s.rows());
                KafkaSettings csvTopics = target.fresh("bench-replay-csv");
                double csvRate = replay(csvTopics, csv, FileFormat.CSV, shape);
                double avroRate = replay(target.fresh("bench-replay-avro"), avro, FileFormat.AVRO, shape);
                Export.Summary e = new Export(csvTopics, new Export.Settings(Topics.TRANSITIONS, exported,
                        FileFormat.AVRO, null, null, null, Duration.ofHours(1)), clock).run(p -> { });
                Round round = new Round(label, raw, csvRate, avroRate, e.written() * 1000.0 / e.elapsedMillis());
                out.add(round.line(s, target.description(), recordBytes));
                if (!warmup) {
                    measured.add(round);
                }
            }
            Round median = new Round("median", median(measured, Round::rawPerSecond),
                    median(measured, Round::csvPerSecond), median(measured, Round::avroPerSecond),
                    median(measured, Round::exportPerSecond));
            out.add(median.line(s, target.description(), recordBytes));
        } finally {
            Files.deleteIfExists(csv);
            Files.deleteIfExists(avro);
            Files.deleteIfExists(exported);
        }
        return out;
    }

    private double replay(KafkaSettings kafka, Path file, FileFormat format, TransitionShape shape) throws IOException {
        // Created before the clock starts, as the raw producer's topic is: creating topics is no part of the rate.
        TopicBootstrap.ensureTopics(kafka, List.of(kafka.topics().transitions(), kafka.topics().deadLetter()), clock);
        Replay.Summary summary = new Replay(kafka, new Replay.Settings(file, format, shape,
                Replay.Settings.defaultActorId(file), true, false, 0, Duration.ofHours(1)), clock).run(p -> { });
        if (!summary.complete()) {
            throw new IllegalStateException("the benchmark's replay of " + file + " did not publish every row: "
                    + summary);
        }
        return summary.read() * 1000.0 / summary.elapsedMillis();
    }

    /** The plain producer: same settings as replay's, same key, record sizes and headers; encoded beforehand. */
    private double raw(KafkaSettings kafka, List<byte[]> pool, int rows) {
        String topic = kafka.topics().transitions().name();
        TopicBootstrap.ensureTopics(kafka, List.of(kafka.topics().transitions()), clock);
        byte[] key = "replay-replay-bench.csv".getBytes(StandardCharsets.UTF_8);
        byte[] source = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producer("bench-raw"))) {
            for (int i = 0; i < rows; i++) {
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, key, pool.get(i % pool.size()));
                record.headers().add("streamrl.replay.source", source);
                record.headers().add("streamrl.replay.line", Integer.toString(i + 2).getBytes(StandardCharsets.US_ASCII));
                producer.send(record);
            }
            producer.flush();
        }
        return rows / ((System.nanoTime() - start) / 1e9);
    }

    /** The same Pendulum rows as CSV and as an Avro container; the first encoded records fill the raw producer's pool. */
    private static void writeFiles(int rows, Path csv, Path avro, List<byte[]> pool) throws IOException {
        RecordCodec<Transition> codec = RecordCodec.transition();
        SplittableRandom random = new SplittableRandom(SEED);
        try (BufferedWriter out = Files.newBufferedWriter(csv);
             DataFileWriter<Transition> avroOut = new DataFileWriter<>(codec.containerWriter())) {
            avroOut.create(codec.currentSchema(), avro.toFile());
            out.write("obs_0,obs_1,obs_2,action_0,reward,next_obs_0,next_obs_1,next_obs_2,terminated,truncated,"
                    + "episode,step,timestamp\n");
            for (int i = 0; i < rows; i++) {
                float[] o = {(float) random.nextDouble(-1, 1), (float) random.nextDouble(-1, 1),
                    (float) random.nextDouble(-8, 8)};
                float a = (float) random.nextDouble(-2, 2);
                double reward = -random.nextDouble(0, 16.3);
                float[] n = {(float) random.nextDouble(-1, 1), (float) random.nextDouble(-1, 1),
                    (float) random.nextDouble(-8, 8)};
                long episode = i / 200;
                int step = i % 200 + 1;
                long time = 1_700_000_000_000L + i;
                out.write(o[0] + "," + o[1] + "," + o[2] + "," + a + "," + reward + "," + n[0] + "," + n[1] + ","
                        + n[2] + ",false," + (step == 200) + "," + episode + "," + step + "," + time + "\n");
                Transition t = Transition.newBuilder().setActorId("replay-replay-bench.csv").setEnvId("Pendulum-v1")
                        .setEpisode(episode).setStep(step).setObservation(List.of(o[0], o[1], o[2]))
                        .setAction(List.of(a)).setReward(reward).setNextObservation(List.of(n[0], n[1], n[2]))
                        .setTerminated(false).setTruncated(step == 200).setPolicyVersion(-1)
                        .setExplorationNoise(List.of()).setEventTime(Instant.ofEpochMilli(time)).setDecisionId(null)
                        .setLogDensity(null).setJoin(null).build();
                avroOut.append(t);
                if (pool.size() < RAW_POOL) {
                    pool.add(codec.encode(t));
                }
            }
        }
    }

    private static double median(List<Round> rounds, ToDoubleFunction<Round> f) {
        double[] v = rounds.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
