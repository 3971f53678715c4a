package io.streamrl.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrl.broker.testing.EmbeddedKafkaExtension;
import io.streamrl.broker.testing.SharedKafka;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.producer.BadRowException.Reason;
import io.streamrl.schemas.Topics;
import io.streamrl.schemas.avro.DeadLetter;
import io.streamrl.schemas.avro.Transition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Replay and export against a real (embedded) broker; one namespace per test. */
@ExtendWith(EmbeddedKafkaExtension.class)
class ReplayTest {

    /** Values for the optional columns the test files have: episode, step, timestamp, log_density. */
    private static final String OPTIONAL = ",0,1,1700000000000,";

    @TempDir
    Path dir;

    private SharedKafka broker;
    private KafkaSettings kafka;

    @BeforeEach
    void namespace(SharedKafka broker, TestInfo test) {
        this.broker = broker;
        kafka = KafkaSettings.of(broker.bootstrapServers(),
                broker.freshNamespace("replay-" + test.getTestMethod().orElseThrow().getName()));
    }

    @Test
    void goodRowsArePublishedAndBadOnesDeadLetteredWithFileLineAndReason() throws IOException {
        Path csv = csv("mixed.csv", 100, Map.of(10L, "0,0,0,9,-1,0,0,0,false,false" + OPTIONAL, 50L,
                "0,0,0,0,-1,0,0,0,false", 77L, "0,x,0,0,-1,0,0,0,false,false" + OPTIONAL));

        Replay.Summary s = replay(csv, FileFormat.CSV, false, false);

        assertThat(s.read()).isEqualTo(100);
        assertThat(s.published()).isEqualTo(97);
        assertThat(s.rejected()).containsOnly(Map.entry(Reason.OUT_OF_BOUNDS, 1L), Map.entry(Reason.COLUMN_COUNT, 1L),
                Map.entry(Reason.NOT_A_NUMBER, 1L));
        assertThat(s.deadLettered()).isEqualTo(3);
        assertThat(s.complete()).isFalse();
        List<ConsumerRecord<byte[], byte[]>> records = read(kafka.topics().transitions().name());
        assertThat(records).hasSize(97);
        assertThat(lines(records)).doesNotContain(10L, 50L, 77L).hasSize(97);
        List<DeadLetter> letters = read(kafka.topics().deadLetter().name()).stream()
                .map(r -> kafka.topics().deadLetter().decodeValue(r.value())).toList();
        assertThat(letters).extracting(DeadLetter::getOriginalOffset).containsExactlyInAnyOrder(10L, 50L, 77L);
        assertThat(letters).allSatisfy(l -> assertThat(l.getOriginalTopic()).isEqualTo("file:" + csv));
        DeadLetter outOfBounds = letters.stream().filter(l -> l.getOriginalOffset() == 10).findFirst().orElseThrow();
        assertThat(outOfBounds.getReason()).isEqualTo(csv + " line 10: action_0 is 9.0; allowed: [-2.0, 2.0] for"
                + " Pendulum-v1 (out_of_bounds)");
        assertThat(StandardCharsets.UTF_8.decode(outOfBounds.getOriginalValue()).toString())
                .isEqualTo("0,0,0,9,-1,0,0,0,false,false" + OPTIONAL);
    }

    @Test
    void strictStopsAtTheFirstBadRowHavingPublishedNothingAfterIt() throws IOException {
        Path csv = csv("strict.csv", 100, Map.of(40L, "0,0,0,0,inf,0,0,0,false,false" + OPTIONAL, 60L,
                "0,0,0,9,-1,0,0,0,false,false" + OPTIONAL));

        Replay.Summary s = replay(csv, FileFormat.CSV, true, false);

        assertThat(s.stoppedAt().line()).isEqualTo(40);
        assertThat(s.stoppedAt().getMessage()).isEqualTo(csv + " line 40: reward is Infinity; allowed: a finite"
                + " number (not_finite)");
        assertThat(s.published()).isEqualTo(38); // lines 2 to 39
        assertThat(s.deadLettered()).isZero();
        assertThat(lines(read(kafka.topics().transitions().name()))).hasSize(38).allMatch(line -> line < 40);
        assertThat(read(kafka.topics().deadLetter().name())).isEmpty();
    }

    @Test
    void resumeAfterAnInterruptionPublishesEveryRowExactlyOnce() throws IOException {
        Path csv = csv("big.csv", 3_000, Map.of(1_000L, "0,0,0,0,-1,0,0,0"));
        AtomicBoolean interrupted = new AtomicBoolean();
        Replay first = new Replay(kafka, settings(csv, FileFormat.CSV, false, false, 5_000), Clock.systemUTC());
        Replay.Summary partial = first.run(p -> {
            if (p.read() >= 1_200 && interrupted.compareAndSet(false, true)) {
                first.close();
            }
        });
        assertThat(partial.interrupted()).isTrue();
        assertThat(partial.read()).isBetween(1_200L, 2_999L);

        Replay.Summary rest = new Replay(kafka, settings(csv, FileFormat.CSV, false, true, 0), Clock.systemUTC())
                .run(p -> { });

        assertThat(rest.skipped()).isEqualTo(partial.read());
        assertThat(rest.read()).isEqualTo(3_000);
        assertThat(rest.rejectedTotal()).isZero(); // line 1000 was dead-lettered by the first run
        List<Long> lines = lines(read(kafka.topics().transitions().name()));
        assertThat(lines).hasSize(2_999).doesNotHaveDuplicates();
        assertThat(read(kafka.topics().deadLetter().name())).hasSize(1);
    }

    @Test
    void replayThenExportThenReplayGivesIdenticalRecordsInEveryFormat() throws IOException {
        Path csv = csv("origin.csv", 500, Map.of());
        assertThat(replay(csv, FileFormat.CSV, true, false).complete()).isTrue();
        List<Transition> original = transitions(kafka);

        for (FileFormat format : FileFormat.values()) {
            Path exported = dir.resolve("export." + format.extension());
            Export.Summary e = new Export(kafka, new Export.Settings(Topics.TRANSITIONS, exported, format, null, null,
                    null, Duration.ofSeconds(1)), Clock.systemUTC()).run(p -> { });
            assertThat(e.written()).isEqualTo(500);

            KafkaSettings other = KafkaSettings.of(broker.bootstrapServers(),
                    broker.freshNamespace("replay-again-" + format.extension()));
            Replay.Summary again = new Replay(other, settings(exported, format, true, false, 0), Clock.systemUTC())
                    .run(p -> { });
            assertThat(again.complete()).as(format + ": " + again).isTrue();
            assertThat(transitions(other)).as(format.name()).isEqualTo(original);
        }
    }

    @Test
    void exportTakesAnOffsetOrATimeWindow() throws IOException {
        Instant before = Instant.now().minusSeconds(60);
        assertThat(replay(csv("window.csv", 100, Map.of()), FileFormat.CSV, true, false).published()).isEqualTo(100);

        assertThat(export(50L, null, null).written()).isEqualTo(50); // one partition: the file's actor id
        Export.Summary beforeReplay = export(null, null, before);
        assertThat(beforeReplay.written()).isZero();
        assertThat(beforeReplay.outsideTime()).isEqualTo(100);
        assertThat(export(null, before, null).written()).isEqualTo(100);
        assertThat(export(null, Instant.now().plusSeconds(3_600), null).written()).isZero();
        assertThat(export(500L, null, null).written()).isZero(); // past the end: nothing, not an error
    }

    private Export.Summary export(Long fromOffset, Instant fromTime, Instant until) throws IOException {
        return new Export(kafka, new Export.Settings(Topics.TRANSITIONS, dir.resolve("window.jsonl"), FileFormat.JSONL,
                fromOffset, fromTime, until, Duration.ofSeconds(1)), Clock.systemUTC()).run(p -> { });
    }

    private Replay.Summary replay(Path file, FileFormat format, boolean strict, boolean resume) throws IOException {
        return new Replay(kafka, settings(file, format, strict, resume, 0), Clock.systemUTC()).run(p -> { });
    }

    private static Replay.Settings settings(Path file, FileFormat format, boolean strict, boolean resume,
                                            double rate) {
        return new Replay.Settings(file, format, TransitionFileTest.PENDULUM, Replay.Settings.defaultActorId(file),
                strict, resume, rate, Duration.ofMillis(20));
    }

    /** A header and {@code rows} rows (lines 2..rows+1) of valid transitions, some lines replaced. */
    private Path csv(String name, int rows, Map<Long, String> replaced) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(TransitionFileTest.HEADER + ",episode,step,timestamp,log_density");
        for (int i = 0; i < rows; i++) {
            long line = i + 2;
            Transition t = SampleTransitions.pendulum("a", i);
            lines.add(replaced.getOrDefault(line, String.join(",", t.getObservation().get(0).toString(),
                    t.getObservation().get(1).toString(), t.getObservation().get(2).toString(),
                    t.getAction().get(0).toString(), Double.toString(t.getReward()),
                    t.getNextObservation().get(0).toString(), t.getNextObservation().get(1).toString(),
                    t.getNextObservation().get(2).toString(), Boolean.toString(t.getTerminated()),
                    Boolean.toString(t.getTruncated()), Long.toString(t.getEpisode()), Integer.toString(t.getStep()),
                    Long.toString(t.getEventTime().toEpochMilli()),
                    t.getLogDensity() == null ? "" : t.getLogDensity().toString())));
        }
        return Files.write(dir.resolve(name), lines);
    }

    private static List<Long> lines(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> Long.parseLong(new String(r.headers().lastHeader(ReplayHeaders.LINE).value(),
                StandardCharsets.US_ASCII))).toList();
    }

    private static List<Transition> transitions(KafkaSettings kafka) {
        return read(kafka, kafka.topics().transitions().name()).stream()
                .map(r -> kafka.topics().transitions().decodeValue(r.value())).toList();
    }

    private List<ConsumerRecord<byte[], byte[]>> read(String topic) {
        return read(kafka, topic);
    }

    /** Everything on the topic now, partition by partition in offset order. */
    private static List<ConsumerRecord<byte[], byte[]>> read(KafkaSettings kafka, String topic) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumer("test-reader", null))) {
            List<TopicPartition> partitions = TopicScan.partitions(consumer, topic, Duration.ofSeconds(30));
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            TopicScan.scan(consumer, begin, end, out::add, () -> false);
        }
        Set<Integer> seen = new HashSet<>();
        out.forEach(r -> seen.add(r.partition()));
        return out.stream().sorted((a, b) -> a.partition() != b.partition()
                ? Integer.compare(a.partition(), b.partition()) : Long.compare(a.offset(), b.offset())).toList();
    }
}
