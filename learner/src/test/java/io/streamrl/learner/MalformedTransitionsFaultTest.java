package io.streamrl.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamrl.broker.testing.EmbeddedKafkaExtension;
import io.streamrl.broker.testing.SharedKafka;
import io.streamrl.core.agent.DdpgConfig;
import io.streamrl.core.env.EnvSpec;
import io.streamrl.core.env.Envs;
import io.streamrl.core.replay.Batch;
import io.streamrl.core.train.TrainListener;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.learner.TransitionFuzz.Sample;
import io.streamrl.schemas.TopicSpec;
import io.streamrl.schemas.Topics;
import io.streamrl.schemas.avro.DeadLetter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fault test (issue 15): 10,000 seeded malformed records (random bytes, truncations, every field
 * out of range, unknown and older schema versions, values close to the topic's 256 KiB limit),
 * with good ones among them. Nothing may crash; every malformed record is rejected and
 * dead-lettered (or counted as a dead-letter failure), every good one reaches the buffer, and
 * the counts add up exactly.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
@Timeout(120)
class MalformedTransitionsFaultTest {

    private static final Logger log = LoggerFactory.getLogger(MalformedTransitionsFaultTest.class);
    private static final long SEED = 15;
    private static final int MALFORMED = 10_000;
    /** About one good record for every four malformed ones, interleaved. */
    private static final double GOOD_SHARE = 0.2;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String POLICY = "Pendulum-v1";

    private final ExecutorService runner = Executors.newSingleThreadExecutor();
    private LearnerService learner;

    @AfterEach
    void stop() throws InterruptedException {
        if (learner != null) {
            learner.close();
        }
        runner.shutdown();
        assertThat(runner.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    /**
     * The same records through the learner's converter alone, one by one, so that a failure names
     * the record and its kind: a malformed one must end in a {@link SerializationException} (what
     * the ingest thread dead-letters) and nothing else, a good one in a finite row.
     */
    @Test
    void everyMalformedRecordIsRejectedAsBadDataAndEveryGoodOneBecomesAFiniteRow() {
        List<Sample> samples = TransitionFuzz.records(SEED, MALFORMED, GOOD_SHARE);
        EnvSpec pendulum = Envs.spec("pendulum");
        TransitionConverter converter = new TransitionConverter(Topics.of("fuzz").transitions(), pendulum,
                TransitionFuzz.NORMALIZER);
        Batch row = converter.newBatch(1);
        Map<String, Integer> rejectedByKind = new TreeMap<>();
        Map<String, Integer> acceptedByKind = new TreeMap<>();
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            try {
                converter.convert(s.value(), row, 0);
                if (s.good()) {
                    acceptedByKind.merge(s.kind(), 1, Integer::sum);
                    String problem = rowProblem(row);
                    if (problem != null) {
                        wrong.add("#" + i + " " + s.kind() + ": accepted into a bad row: " + problem);
                    }
                } else {
                    wrong.add("#" + i + " " + s.kind() + ": accepted, but it is malformed");
                }
            } catch (SerializationException e) {
                if (s.good()) {
                    wrong.add("#" + i + " " + s.kind() + ": rejected, but it is good: " + e.getMessage());
                } else {
                    rejectedByKind.merge(s.kind(), 1, Integer::sum);
                }
            } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
                // What would end the ingest thread: the crash this test is about.
                wrong.add("#" + i + " " + s.kind() + ": crashed the converter with " + e);
            }
        }
        log.info("rejected by kind: {}; accepted by kind: {}", rejectedByKind, acceptedByKind);
        assertThat(wrong).as("records handled wrongly").isEmpty();
        assertThat(rejectedByKind.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(MALFORMED);
        assertThat(rejectedByKind.keySet()).as("every kind of malformed record was tried")
                .containsExactlyInAnyOrderElementsOf(TransitionFuzz.malformedKinds());
        assertThat(acceptedByKind.values().stream().mapToInt(Integer::intValue).sum())
                .isEqualTo(samples.size() - MALFORMED).isGreaterThan(MALFORMED / 10);
    }

    @Test
    void tenThousandMalformedRecordsAmongGoodOnesAreAllDeadLetteredAndTheLearnerKeepsRunning(SharedKafka broker)
            throws Exception {
        long started = System.nanoTime();
        KafkaSettings kafka = KafkaSettings.of(broker.bootstrapServers(), broker.freshNamespace("fault-malformed"));
        // Ingest only (learning would start after more transitions than are sent): this test is
        // about what comes in, and training would only slow it down.
        DdpgConfig ingestOnly = DdpgConfig.ddpg().with(Map.of("actor-hidden", "16,16", "critic-hidden", "16,16",
                "buffer-capacity", "20000", "learning-starts", "20000"));
        learner = new LearnerService(kafka, LearnerConfig.builder("pendulum").algorithm(ingestOnly)
                .observationNormalizer(TransitionFuzz.NORMALIZER).metricsPort(0).build(), Clock.systemUTC(),
                TrainListener.NONE);
        Future<LearnerResult> run = runner.submit(learner::run);
        await().atMost(WAIT).until(() -> learner.stats().phase() == LearnerPhase.RUNNING);

        List<Sample> samples = TransitionFuzz.records(SEED, MALFORMED, GOOD_SHARE);
        long good = samples.stream().filter(Sample::good).count();
        String topic = kafka.topics().transitions().name();
        int[] partitions = new int[samples.size()];
        long[] offsets = new long[samples.size()];
        AtomicInteger acknowledged = new AtomicInteger();
        ConcurrentLinkedQueue<String> sendErrors = new ConcurrentLinkedQueue<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producer("fuzz-producer"))) {
            for (int i = 0; i < samples.size(); i++) {
                int index = i;
                Sample s = samples.get(i);
                producer.send(new ProducerRecord<>(topic, s.key(), s.value()), (metadata, error) -> {
                    if (error == null) {
                        partitions[index] = metadata.partition();
                        offsets[index] = metadata.offset();
                        acknowledged.incrementAndGet();
                    } else {
                        sendErrors.add("#" + index + " " + s.kind() + ": " + error);
                    }
                });
            }
            producer.flush();
        }
        assertThat(sendErrors).as("records the transitions topic refused").isEmpty();
        assertThat(acknowledged.get()).isEqualTo(samples.size());
        long sent = System.nanoTime();

        await().atMost(WAIT).until(() -> learner.stats().transitionsReceived() == samples.size()
                && learner.stats().bufferSize() == good);
        // Letters are acknowledged after ingest counted their records.
        await().atMost(WAIT).until(() -> learner.stats().transitionsDeadLettered()
                + learner.stats().deadLetterFailures() == learner.stats().transitionsRejected());
        // Nothing is counted twice: the numbers stay put once everything was read.
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> learner.stats().transitionsReceived() == samples.size());
        LearnerStats stats = learner.stats();
        log.info("{} records ({} malformed, {} good) handled {} s after the last send: {}", samples.size(), MALFORMED,
                good, String.format("%.1f", (System.nanoTime() - sent) / 1e9), stats);

        assertThat(run.isDone()).as("the learner ended: %s", run.isDone() ? run.get() : null).isFalse();
        assertThat(stats.phase()).isEqualTo(LearnerPhase.RUNNING);
        assertThat(stats.transitionsReceived()).isEqualTo(samples.size());
        assertThat(stats.transitionsRejected()).isEqualTo(MALFORMED);
        assertThat(stats.transitionsAccepted()).isEqualTo(good);
        assertThat(stats.bufferSize()).isEqualTo((int) good);
        assertThat(stats.transitionsDeadLettered() + stats.deadLetterFailures()).isEqualTo(stats.transitionsRejected());
        assertThat(stats.deadLetterFailures()).as("dead letters lost").isZero();
        assertThat(stats.updates()).isZero();
        assertThat(stats.updateFailures()).isZero();

        // The dead-letter topic holds one letter per malformed record, found by where it was, with
        // its bytes; no good record among them, none twice.
        Map<String, Sample> malformedAt = new HashMap<>();
        for (int i = 0; i < samples.size(); i++) {
            if (!samples.get(i).good()) {
                malformedAt.put(partitions[i] + "@" + offsets[i], samples.get(i));
            }
        }
        List<DeadLetter> letters = readDeadLetters(kafka, (int) stats.transitionsDeadLettered());
        assertThat(letters).hasSize((int) stats.transitionsDeadLettered());
        List<String> wrongLetters = new ArrayList<>();
        for (DeadLetter letter : letters) {
            String at = letter.getOriginalPartition() + "@" + letter.getOriginalOffset();
            Sample original = malformedAt.remove(at);
            if (original == null) {
                wrongLetters.add(at + ": not a malformed record, or dead-lettered twice");
            } else if (!letter.getOriginalTopic().equals(topic)
                    || !Arrays.equals(LearnerTests.bytes(letter.getOriginalValue()), original.value())
                    || !Arrays.equals(LearnerTests.bytes(letter.getOriginalKey()), original.key())
                    || letter.getOriginalValueTruncated()) {
                wrongLetters.add(at + " (" + original.kind() + "): the letter does not hold the record as it was");
            }
        }
        assertThat(wrongLetters).isEmpty();
        assertThat(malformedAt).as("malformed records without a letter").isEmpty();

        String policy = "{policy=\"" + POLICY + "\"} ";
        assertThat(LearnerTests.scrape(learner.metricsPort().orElseThrow()))
                .contains("learner_transitions_received_total" + policy + samples.size() + ".0")
                .contains("learner_transitions_rejected_total" + policy + MALFORMED + ".0")
                .contains("learner_transitions_dead_lettered_total" + policy + MALFORMED + ".0")
                .contains("learner_dead_letter_failures_total" + policy + "0.0")
                .contains("learner_buffer_size" + policy + good + ".0")
                .contains("learner_update_failures_total" + policy + "0.0");

        learner.close();
        LearnerResult result = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(result.outcome()).isEqualTo(LearnerResult.Outcome.STOPPED);
        assertThat(result.stats().transitionsRejected()).isEqualTo(MALFORMED);
        log.info("fault test done in {} s", String.format("%.1f", (System.nanoTime() - started) / 1e9));
    }

    /** Null when the row holds what the buffer may store: finite values, the action in [-1, 1]. */
    private static String rowProblem(Batch row) {
        float[][] finite = {row.observations(), row.nextObservations(), row.rewards()};
        for (float[] column : finite) {
            for (int i = 0; i < column.length; i++) {
                if (!Float.isFinite(column[i])) {
                    return "a value is " + column[i];
                }
            }
        }
        for (float a : row.actions()) {
            if (!(a >= -1f && a <= 1f)) {
                return "action " + a + " is outside [-1, 1]";
            }
        }
        return null;
    }

    /** Every letter on the (single-partition) dead-letter topic, once there are {@code expected}. */
    private static List<DeadLetter> readDeadLetters(KafkaSettings kafka, int expected) {
        // One spec, hence one codec, for all letters: Topics builds a new codec (parsing every
        // schema version) on each call, about a millisecond.
        TopicSpec<byte[], DeadLetter> topic = kafka.topics().deadLetter();
        List<DeadLetter> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumer("fuzz-reader", null))) {
            TopicPartition partition = new TopicPartition(topic.name(), 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            // Polled back to back (not through Awaitility, whose poll interval would add 100 ms
            // per 500 records).
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(topic.decodeValue(r.value()));
                }
            }
            // Nothing beyond them.
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                out.add(topic.decodeValue(r.value()));
            }
        }
        return out;
    }


}
