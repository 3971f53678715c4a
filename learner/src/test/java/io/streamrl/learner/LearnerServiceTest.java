package io.streamrl.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.streamrl.broker.testing.EmbeddedKafkaExtension;
import io.streamrl.broker.testing.SharedKafka;
import io.streamrl.core.agent.DdpgConfig;
import io.streamrl.core.policy.PolicySnapshot;
import io.streamrl.core.train.CurvePoint;
import io.streamrl.core.train.TrainListener;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.kafka.PolicyEnvelopes;
import io.streamrl.kafka.TopicBootstrap;
import io.streamrl.schemas.AvroSerde;
import io.streamrl.schemas.RecordDecodingException;
import io.streamrl.schemas.RecordValidationException;
import io.streamrl.schemas.TopicSpec;
import io.streamrl.schemas.Topics;
import io.streamrl.schemas.avro.DeadLetter;
import io.streamrl.schemas.avro.Transition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The learner service against a real (embedded) broker; one topic namespace per test. */
@ExtendWith(EmbeddedKafkaExtension.class)
class LearnerServiceTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private final ExecutorService runner = Executors.newCachedThreadPool();
    private final List<LearnerService> started = new ArrayList<>();
    private KafkaSettings kafka;

    @BeforeEach
    void namespace(SharedKafka broker, TestInfo test) {
        kafka = KafkaSettings.of(broker.bootstrapServers(),
                broker.freshNamespace("learner-" + test.getTestMethod().orElseThrow().getName()));
    }

    @AfterEach
    void closeLearners() throws InterruptedException {
        started.forEach(LearnerService::close);
        runner.shutdown();
        assertThat(runner.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void receivesEveryAcknowledgedTransitionExactlyOnce() throws Exception {
        DdpgConfig algorithm = small(Map.of("buffer-capacity", "16384", "learning-starts", "1000",
                "replay-ratio", "0.01"));
        // Three ingest threads over the four partitions (one thread reads two); the app's
        // integration test counts with the default single thread.
        LearnerConfig config = LearnerConfig.builder("pendulum").algorithm(algorithm).publishEvery(1_000)
                .ingestThreads(3).metricsPort(0).build();
        RunningLearner learner = start(config, TrainListener.NONE);
        learner.awaitRunning();

        int[] perActor = {6_667, 6_667, 6_666};
        AtomicLong acknowledged = new AtomicLong();
        List<Future<?>> actors = new ArrayList<>();
        for (int a = 0; a < perActor.length; a++) {
            String actorId = "actor-" + a;
            int count = perActor[a];
            long seed = a;
            actors.add(runner.submit(() -> produce(actorId, count, new SplittableRandom(seed), acknowledged)));
        }
        for (Future<?> actor : actors) {
            actor.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
        assertThat(acknowledged.get()).isEqualTo(20_000);

        await().atMost(WAIT).until(() -> learner.service.stats().transitionsReceived() == 20_000);
        // Exactly: the count must not creep past what was acknowledged.
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> learner.service.stats().transitionsReceived() == acknowledged.get());
        // The ring keeps the newest 16,384; the replay ratio allows floor(0.01 * (20,000 - 1,000)) updates.
        await().atMost(WAIT).until(() -> learner.service.stats().bufferSize() == 16_384
                && learner.service.stats().updates() == 190);
        LearnerStats stats = learner.service.stats();
        assertThat(stats.transitionsDeadLettered()).isZero();
        assertThat(stats.bufferFill()).isEqualTo(1.0);

        String metrics = LearnerTests.scrape(learner.service.metricsPort().orElseThrow());
        assertThat(metrics)
                .contains("learner_transitions_received_total{policy=\"Pendulum-v1\"} 20000.0")
                .contains("learner_transitions_dead_lettered_total{policy=\"Pendulum-v1\"} 0.0")
                .contains("learner_transitions_rejected_total{policy=\"Pendulum-v1\"} 0.0")
                .contains("learner_dead_letter_failures_total{policy=\"Pendulum-v1\"} 0.0")
                .contains("learner_buffer_size{policy=\"Pendulum-v1\"} 16384.0")
                .contains("learner_buffer_fill{policy=\"Pendulum-v1\"} 1.0")
                .contains("learner_updates_total{policy=\"Pendulum-v1\"} 190.0")
                .contains("learner_policy_version{policy=\"Pendulum-v1\"} -1.0")
                .contains("learner_update_failures_total{policy=\"Pendulum-v1\"} 0.0")
                .contains("learner_updates_per_second{policy=\"Pendulum-v1\"}")
                .contains("learner_critic_loss{policy=\"Pendulum-v1\"}")
                .contains("learner_eval_mean_return{policy=\"Pendulum-v1\"} NaN");

        LearnerResult result = learner.stop();
        assertThat(result.outcome()).isEqualTo(LearnerResult.Outcome.STOPPED);
        assertThat(result.stats().transitionsReceived()).isEqualTo(20_000);
        assertThat(result.stats().phase()).isEqualTo(LearnerPhase.STOPPED);
    }

    @Test
    void deadLettersBadRecordsWithTheirBytesAndReasonAndKeepsIngesting() throws Exception {
        SplittableRandom random = new SplittableRandom(11);
        byte[] truncatedWhole = PendulumTransitions.encode(PendulumTransitions.nth("bad-2", 0, random));
        Map<String, byte[]> bad = new LinkedHashMap<>();
        bad.put("bad-garbage", "not avro at all".getBytes(StandardCharsets.UTF_8));
        bad.put("bad-truncated", Arrays.copyOf(truncatedWhole, truncatedWhole.length - 7));
        bad.put("bad-nan-reward", PendulumTransitions.encode(
                PendulumTransitions.builder("bad-nan-reward", 0, 1, random).setReward(Double.NaN).build()));
        bad.put("bad-observation-length", PendulumTransitions.encode(
                PendulumTransitions.builder("bad-observation-length", 0, 1, random)
                        .setObservation(List.of(1f, 0f, 0f, 0f)).setNextObservation(List.of(1f, 0f, 0f, 0f)).build()));
        bad.put("bad-env", PendulumTransitions.encode(
                PendulumTransitions.builder("bad-env", 0, 1, random).setEnvId("MountainCarContinuous-v0").build()));
        bad.put("bad-tombstone", null);

        RunningLearner learner = start(LearnerConfig.builder("pendulum").algorithm(small(Map.of())).build(),
                TrainListener.NONE);
        learner.awaitRunning();
        String topic = kafka.topics().transitions().name();
        Map<String, Long> badOffsets = new LinkedHashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producer("test-actor"))) {
            // One partition, so "after" is well defined: 10 good, every bad one, 10 good.
            for (int i = 0; i < 10; i++) {
                producer.send(good(topic, "good", i, random)).get();
            }
            for (Map.Entry<String, byte[]> e : bad.entrySet()) {
                RecordMetadata md = producer.send(new ProducerRecord<>(topic, 0, utf8(e.getKey()), e.getValue())).get();
                badOffsets.put(e.getKey(), md.offset());
            }
            for (int i = 10; i < 20; i++) {
                producer.send(good(topic, "good", i, random)).get();
            }
        }

        await().atMost(WAIT).until(() -> learner.service.stats().bufferSize() == 20
                && learner.service.stats().transitionsDeadLettered() == 6);
        LearnerStats stats = learner.service.stats();
        assertThat(stats.transitionsReceived()).isEqualTo(26);
        assertThat(stats.transitionsRejected()).isEqualTo(6);
        assertThat(stats.deadLetterFailures()).isZero();
        assertThat(stats.transitionsAccepted()).isEqualTo(20);

        Map<String, DeadLetter> letters = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(kafka.topics().deadLetter().name(), 6)) {
            letters.put(new String(r.key(), StandardCharsets.UTF_8),
                    kafka.topics().deadLetter().decodeValue(r.value()));
        }
        assertThat(letters).containsOnlyKeys(bad.keySet());
        letters.forEach((key, letter) -> {
            assertThat(letter.getOriginalTopic()).isEqualTo(topic);
            assertThat(letter.getOriginalPartition()).isZero();
            assertThat(letter.getOriginalOffset()).isEqualTo(badOffsets.get(key));
            assertThat(LearnerTests.bytes(letter.getOriginalKey())).isEqualTo(utf8(key));
            assertThat(LearnerTests.bytes(letter.getOriginalValue())).isEqualTo(bad.get(key));
            assertThat(letter.getFailedAt()).isNotNull();
        });
        assertReason(letters.get("bad-garbage"), RecordDecodingException.class, "BAD_MAGIC");
        assertReason(letters.get("bad-truncated"), RecordDecodingException.class, "TRUNCATED");
        assertReason(letters.get("bad-nan-reward"), RecordValidationException.class, "reward");
        assertReason(letters.get("bad-observation-length"), RecordValidationException.class,
                "observation has 4 values; allowed: 3");
        assertReason(letters.get("bad-env"), RecordValidationException.class,
                "env_id is 'MountainCarContinuous-v0'");
        assertReason(letters.get("bad-tombstone"), RecordDecodingException.class, "the value is null");
    }

    @Test
    void aRecordTooLargeForTheDeadLetterTopicIsWrittenTruncatedAndCountedLikeTheOthers() throws Exception {
        // A transitions topic made before it had a limit of its own takes what the broker takes;
        // this one takes 2 MiB, twice what the dead-letter topic does.
        String topic = kafka.topics().transitions().name();
        TopicBootstrap.ensureTopics(kafka, List.of(new TopicSpec<>(topic, Serdes.String(), AvroSerde.transition(),
                1, Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(2 * 1024 * 1024)))),
                Clock.systemUTC());
        byte[] huge = new byte[1_048_400]; // the size of the record: accepted, but no room for the letter
        new SplittableRandom(3).nextBytes(huge);
        RunningLearner learner = start(LearnerConfig.builder("pendulum").algorithm(small(Map.of())).build(),
                TrainListener.NONE);
        learner.awaitRunning();
        Map<Long, byte[]> sentBad = new LinkedHashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producer("test-huge"))) {
            for (int i = 0; i < 9; i++) {
                byte[] junk = ("junk " + i).getBytes(StandardCharsets.UTF_8);
                sentBad.put(producer.send(new ProducerRecord<>(topic, 0, utf8("junk"), junk)).get().offset(), junk);
            }
            sentBad.put(producer.send(new ProducerRecord<>(topic, 0, utf8("huge"), huge)).get().offset(), huge);
        }

        await().atMost(WAIT).until(() -> learner.service.stats().transitionsDeadLettered()
                + learner.service.stats().deadLetterFailures() == 10);
        LearnerStats stats = learner.service.stats();
        assertThat(stats.transitionsRejected()).isEqualTo(10);
        assertThat(stats.deadLetterFailures()).isZero();
        assertThat(stats.transitionsDeadLettered()).isEqualTo(10);
        List<ConsumerRecord<byte[], byte[]>> onTopic = readAll(kafka.topics().deadLetter().name(), 10);
        assertThat(onTopic).hasSize((int) stats.transitionsDeadLettered());

        Map<Long, DeadLetter> letters = new LinkedHashMap<>();
        onTopic.forEach(r -> {
            DeadLetter letter = kafka.topics().deadLetter().decodeValue(r.value());
            letters.put(letter.getOriginalOffset(), letter);
        });
        assertThat(letters).containsOnlyKeys(sentBad.keySet());
        long hugeOffset = List.copyOf(sentBad.keySet()).get(9);
        letters.forEach((offset, letter) -> {
            byte[] original = sentBad.get(offset);
            assertThat(letter.getOriginalValueSize()).isEqualTo(original.length);
            assertThat(letter.getOriginalValueTruncated()).isEqualTo(offset == hugeOffset);
            byte[] kept = LearnerTests.bytes(letter.getOriginalValue());
            assertThat(kept).isEqualTo(Arrays.copyOf(original, kept.length));
            if (offset != hugeOffset) {
                assertThat(kept).hasSameSizeAs(original);
            }
        });
        assertThat(LearnerTests.bytes(letters.get(hugeOffset).getOriginalValue()).length)
                .isBetween(Topics.DEAD_LETTER_MAX_MESSAGE_BYTES - 2_048, Topics.DEAD_LETTER_MAX_MESSAGE_BYTES);
    }

    @Test
    void publishesIncreasingVersionsEveryPublishEveryUpdatesAndContinuesAboveThemAfterARestart() throws Exception {
        DdpgConfig algorithm = small(Map.of("learning-starts", "200", "replay-ratio", "1.0"));
        LearnerConfig config = LearnerConfig.builder("pendulum").algorithm(algorithm).policyName("swing-up")
                .publishEvery(50).build();
        produceGood(700);

        RunningLearner first = start(config, TrainListener.NONE);
        // 700 - 200 = 500 updates, a snapshot after every 50th.
        await().atMost(WAIT).until(() -> first.service.stats().policiesPublished() == 10);
        assertThat(first.service.stats().updates()).isEqualTo(500);
        assertThat(first.service.stats().policyVersion()).isEqualTo(9);
        assertThat(first.stop().outcome()).isEqualTo(LearnerResult.Outcome.STOPPED);

        List<PolicySnapshot> firstRun = policies(10);
        assertThat(firstRun).extracting(PolicySnapshot::version)
                .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(firstRun).allSatisfy(p -> {
            assertThat(p.name()).isEqualTo("swing-up");
            assertThat(p.algorithm()).isEqualTo("ddpg");
            assertThat(p.layerSizes()).containsExactly(3, 16, 16, 1);
            assertThat(p.actionLow()).containsExactly(-2.0);
            assertThat(p.actionHigh()).containsExactly(2.0);
        });
        assertThat(firstRun.get(9).weights()).isNotEqualTo(firstRun.get(0).weights());

        // A new learner (same name) refills its buffer from the topic and publishes above v9.
        RunningLearner second = start(config, TrainListener.NONE);
        await().atMost(WAIT).until(() -> second.service.stats().policiesPublished() == 10);
        assertThat(second.service.stats().policyVersion()).isEqualTo(19);
        second.stop();
        List<PolicySnapshot> all = policies(20);
        assertThat(all).extracting(PolicySnapshot::version).isSorted().doesNotHaveDuplicates();
        assertThat(all.subList(10, 20)).extracting(PolicySnapshot::version)
                .containsExactly(10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L);
    }

    @Test
    void aRestartResumesFromTheNewestValidCheckpointAndRefillsTheBufferWithoutNewCredit(@TempDir Path dir)
            throws Exception {
        DdpgConfig algorithm = small(Map.of("learning-starts", "200", "replay-ratio", "1.0"));
        LearnerConfig config = LearnerConfig.builder("pendulum").algorithm(algorithm).policyName("swing-up")
                .publishEvery(50).checkpoint(new CheckpointConfig(dir, 100, 3)).build();
        produceGood(700);

        RunningLearner first = start(config, TrainListener.NONE);
        await().atMost(WAIT).until(() -> first.service.stats().policiesPublished() == 10);
        LearnerStats before = first.stop().stats();
        assertThat(before.updates()).isEqualTo(500);
        assertThat(before.checkpointsWritten()).isEqualTo(5); // at 100, 200, ..., 500; nothing newer at shutdown
        assertThat(fileNames(dir)).containsExactly("checkpoint-000000000300.bin", "checkpoint-000000000400.bin",
                "checkpoint-000000000500.bin");

        // The restart holds the 700 transitions again, but they earned their updates before the
        // checkpoint: only the 100 new ones earn more (a restart that re-earned credit would take 1,300).
        RunningLearner second = start(config, TrainListener.NONE);
        await().atMost(WAIT).until(() -> second.service.stats().transitionsRefilled() == 700);
        assertThat(second.service.stats().updates()).isEqualTo(500);
        produceGood(100);
        await().atMost(WAIT).during(Duration.ofMillis(500))
                .until(() -> second.service.stats().updates() == 600 && second.service.stats().policyVersion() == 11);
        LearnerStats after = second.stop().stats();
        assertThat(after.transitionsReceived()).isEqualTo(100);
        assertThat(after.transitionsRefilled()).isEqualTo(700);
        assertThat(after.policiesPublished()).isEqualTo(2);

        // A damaged newest checkpoint (600) is skipped: the learner goes back to 500 and versions still rise.
        Path newest = dir.resolve("checkpoint-000000000600.bin");
        byte[] bytes = Files.readAllBytes(newest);
        bytes[bytes.length - 100] ^= 1;
        Files.write(newest, bytes);
        RunningLearner third = start(config, TrainListener.NONE);
        await().atMost(WAIT).until(() -> third.service.stats().transitionsRefilled() == 700);
        assertThat(third.service.stats().checkpointsSkipped()).isEqualTo(1);
        await().atMost(WAIT).until(() -> third.service.stats().updates() == 600
                && third.service.stats().policyVersion() == 13);
        third.stop();
        assertThat(policies(14)).extracting(PolicySnapshot::version).isSorted().doesNotHaveDuplicates();
        assertThat(fileNames(dir)).contains("checkpoint-000000000600.bin.corrupt");
    }

    @Test
    void aSecondLearnerForTheSamePolicyFencesTheFirstAndVersionsNeverInterleave() throws Exception {
        DdpgConfig algorithm = small(Map.of("learning-starts", "200", "replay-ratio", "1.0"));
        LearnerConfig config = LearnerConfig.builder("pendulum").algorithm(algorithm).policyName("swing-up")
                .publishEvery(50).build();
        produceGood(700);

        RunningLearner first = start(config, TrainListener.NONE);
        await().atMost(WAIT).until(() -> first.service.stats().policiesPublished() == 10);

        // The second learner takes over while the first is still running (waiting for data).
        RunningLearner second = start(config, TrainListener.NONE);
        await().atMost(WAIT).until(() -> second.service.stats().policiesPublished() == 10);
        assertThat(second.service.stats().policyVersion()).isEqualTo(19);
        assertThat(first.result().isDone()).isFalse();

        // New data: both train; the first one's next publish finds it fenced, and it ends.
        produceGood(200);
        LearnerResult fenced = first.result().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(fenced.outcome()).isEqualTo(LearnerResult.Outcome.FENCED);
        assertThat(fenced.failed()).isTrue();
        assertThat(fenced.reason()).contains("another learner for policy swing-up in namespace "
                + kafka.topics().namespace() + " took over (transactional id " + kafka.topics().namespace()
                + ".learner.swing-up)");
        assertThat(fenced.stats().policiesPublished()).isEqualTo(10);
        assertThat(fenced.stats().policyVersion()).isEqualTo(9);

        await().atMost(WAIT).until(() -> second.service.stats().policiesPublished() == 14);
        assertThat(second.stop().outcome()).isEqualTo(LearnerResult.Outcome.STOPPED);
        // read_committed, in offset order: one version after the other, none twice.
        assertThat(policies(24)).extracting(PolicySnapshot::version)
                .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L,
                        19L, 20L, 21L, 22L, 23L);
    }

    @Test
    void startingAtTheEndSkipsWhatWasAlreadyOnTheTopic() {
        produceGood(100);
        RunningLearner learner = start(LearnerConfig.builder("pendulum").algorithm(small(Map.of()))
                .startPosition(StartPosition.LATEST).build(), TrainListener.NONE);
        learner.awaitRunning();
        produceGood(30);
        await().atMost(WAIT).until(() -> learner.service.stats().bufferSize() == 30);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3))
                .until(() -> learner.service.stats().transitionsReceived() == 30);
    }

    @Test
    void aRefusedUpdateEndsTheRunWithTheReason() throws Exception {
        DdpgConfig algorithm = small(Map.of("learning-starts", "100", "replay-ratio", "1.0",
                "max-consecutive-trips", "2"));
        RunningLearner learner = start(LearnerConfig.builder("pendulum").algorithm(algorithm).publishEvery(10).build(),
                TrainListener.NONE);
        String topic = kafka.topics().transitions().name();
        SplittableRandom random = new SplittableRandom(5);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producer("test-extreme"))) {
            for (int i = 0; i < 200; i++) {
                // Valid by every rule, yet 1e30-sized values overflow float32 gradients.
                Transition t = PendulumTransitions.builder("extreme", 0, i % 200 + 1, random)
                        .setObservation(List.of(1e30f, 1e30f, 1e30f)).setNextObservation(List.of(1e30f, 1e30f, 1e30f))
                        .setReward(1e30).build();
                producer.send(new ProducerRecord<>(topic, utf8("extreme"), PendulumTransitions.encode(t)));
            }
        }
        LearnerResult result = learner.result.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(result.outcome()).isEqualTo(LearnerResult.Outcome.UPDATE_FAILED);
        assertThat(result.failed()).isTrue();
        assertThat(result.reason()).contains("was refused").contains("not finite");
        assertThat(result.stats().updateFailures()).isEqualTo(2);
        assertThat(result.stats().policiesPublished()).isZero();
        assertThat(result.stats().phase()).isEqualTo(LearnerPhase.STOPPED);
    }

    @Test
    void anEvaluationListenerMayStopTheRunAndCloseIsIdempotent() throws Exception {
        DdpgConfig algorithm = small(Map.of("learning-starts", "100", "replay-ratio", "1.0"));
        LearnerConfig config = LearnerConfig.builder("pendulum").algorithm(algorithm).evalEvery(40).evalEpisodes(1)
                .build();
        List<CurvePoint> curve = new ArrayList<>();
        LearnerService[] self = new LearnerService[1];
        RunningLearner learner = start(config, point -> {
            curve.add(point);
            self[0].close(); // from the training thread, as a demo does once the task is solved
        }, service -> self[0] = service);
        produceGood(300);
        LearnerResult result = learner.result.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(result.outcome()).isEqualTo(LearnerResult.Outcome.STOPPED);
        assertThat(curve).hasSize(1);
        // eval-every 40 environment steps, learning-starts 100: the first evaluation falls at step 120, update 20.
        assertThat(curve.get(0).updates()).isEqualTo(20);
        assertThat(curve.get(0).envSteps()).isBetween(120L, 300L);
        assertThat(result.stats().evalMeanReturn()).isEqualTo(curve.get(0).evalMeanReturn());
        // Closing again after run() returned neither blocks nor changes the outcome.
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            learner.service.close();
            learner.service.close();
        });
        assertThat(learner.service.stats().phase()).isEqualTo(LearnerPhase.STOPPED);

        LearnerService closedFirst = new LearnerService(kafka, config, Clock.systemUTC(), TrainListener.NONE);
        closedFirst.close();
        LearnerResult never = closedFirst.run();
        assertThat(never.outcome()).isEqualTo(LearnerResult.Outcome.STOPPED);
        assertThat(never.stats().transitionsReceived()).isZero();
    }

    private RunningLearner start(LearnerConfig config, TrainListener listener) {
        return start(config, listener, service -> {
        });
    }

    private RunningLearner start(LearnerConfig config, TrainListener listener, Consumer<LearnerService> beforeRun) {
        LearnerService service = new LearnerService(kafka, config, Clock.systemUTC(), listener);
        beforeRun.accept(service);
        started.add(service);
        return new RunningLearner(service, runner.submit(service::run));
    }

    private record RunningLearner(LearnerService service, Future<LearnerResult> result) {
        void awaitRunning() {
            await().atMost(WAIT).until(() -> service.stats().phase() == LearnerPhase.RUNNING);
        }

        LearnerResult stop() throws Exception {
            service.close();
            return result.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private static DdpgConfig small(Map<String, String> overrides) {
        Map<String, String> all = new LinkedHashMap<>(Map.of("actor-hidden", "16,16", "critic-hidden", "16,16",
                "batch-size", "32", "buffer-capacity", "10000", "learning-starts", "1000"));
        all.putAll(overrides);
        return DdpgConfig.ddpg().with(all);
    }

    private void produce(String actorId, int count, SplittableRandom random, AtomicLong acknowledged) {
        String topic = kafka.topics().transitions().name();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producer(actorId))) {
            for (int i = 0; i < count; i++) {
                byte[] value = PendulumTransitions.encode(PendulumTransitions.nth(actorId, i, random));
                producer.send(new ProducerRecord<>(topic, utf8(actorId), value), (md, error) -> {
                    if (error == null) {
                        acknowledged.incrementAndGet();
                    }
                });
            }
            producer.flush();
        }
    }

    private void produceGood(int count) {
        SplittableRandom random = new SplittableRandom(count);
        String topic = kafka.topics().transitions().name();
        // The learner creates the topics itself, but a test may write before any learner ran.
        TopicBootstrap.ensureTopics(kafka, kafka.topics().all(), Clock.systemUTC());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producer("test-actor"))) {
            for (int i = 0; i < count; i++) {
                producer.send(good(topic, "actor", i, random));
            }
        }
    }

    private static ProducerRecord<byte[], byte[]> good(String topic, String actorId, int index,
                                                       SplittableRandom random) {
        return new ProducerRecord<>(topic, 0, utf8(actorId),
                PendulumTransitions.encode(PendulumTransitions.nth(actorId, index, random)));
    }

    private List<PolicySnapshot> policies(int expected) {
        List<PolicySnapshot> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(kafka.topics().policy().name(), expected)) {
            out.add(PolicyEnvelopes.open(kafka.topics().policy().decodeValue(r.value())));
        }
        return out;
    }

    /** Every record of a single-partition topic, in offset order, once there are {@code expected}. */
    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumer("test-reader", null))) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            await().atMost(WAIT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                return out.size() >= expected;
            });
            assertThat(consumer.poll(Duration.ofMillis(200))).isEmpty();
        }
        assertThat(out).hasSize(expected);
        return out;
    }

    private static void assertReason(DeadLetter letter, Class<?> error, String reasonPart) {
        assertThat(letter.getErrorClass()).isEqualTo(error.getName());
        assertThat(letter.getReason()).contains(reasonPart);
    }


    private static List<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

}
