package io.streamrl.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.streamrl.broker.testing.EmbeddedKafkaExtension;
import io.streamrl.broker.testing.SharedKafka;
import io.streamrl.core.agent.DdpgConfig;
import io.streamrl.core.policy.PolicySnapshot;
import io.streamrl.core.train.CurvePoint;
import io.streamrl.core.train.TrainListener;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.kafka.PolicyEnvelopes;
import io.streamrl.kafka.TopicBootstrap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code learner --offline}: the same service and training loop, with the log captured at start,
 * a fixed number of updates and an end, against a real (embedded) broker.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class OfflineLearnerTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private final ExecutorService runner = Executors.newCachedThreadPool();
    private final List<LearnerService> started = new ArrayList<>();
    private KafkaSettings kafka;

    @BeforeEach
    void namespace(SharedKafka broker, TestInfo test) {
        kafka = KafkaSettings.of(broker.bootstrapServers(),
                broker.freshNamespace("offline-" + test.getTestMethod().orElseThrow().getName()));
        TopicBootstrap.ensureTopics(kafka, kafka.topics().all(), Clock.systemUTC());
    }

    @AfterEach
    void closeLearners() throws InterruptedException {
        started.forEach(LearnerService::close);
        runner.shutdown();
        assertThat(runner.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void readsTheTopicAsItStoodAtStartTakesExactlyTheUpdatesPublishesAndEnds() throws Exception {
        produce(700, 4);
        produceUndecodable(3);
        // A replay ratio that would allow only floor(0.01 * (700 - 200)) = 5 updates online.
        DdpgConfig algorithm = small(DdpgConfig.td3Bc(), Map.of("learning-starts", "200", "replay-ratio", "0.01"));
        List<CurvePoint> curve = new CopyOnWriteArrayList<>();
        LearnerConfig config = LearnerConfig.builder("pendulum").algorithm(algorithm).publishEvery(100)
                .evalEvery(200).evalEpisodes(1).ingestThreads(2).offline(250).build();
        Running learner = start(config, curve::add);
        learner.awaitPositioned();
        produce(300, 4); // after the end offsets were captured: not part of the log

        LearnerResult result = learner.result.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(result.outcome()).isEqualTo(LearnerResult.Outcome.COMPLETED);
        assertThat(result.failed()).isFalse();
        assertThat(result.reason()).contains("offline run completed: 250 updates on 700 transitions");
        LearnerStats s = result.stats();
        assertThat(s.updates()).isEqualTo(250);
        assertThat(s.transitionsReceived()).isEqualTo(703);
        assertThat(s.transitionsRejected()).isEqualTo(3);
        assertThat(s.transitionsDeadLettered()).as("offline runs write no dead letters").isZero();
        assertThat(s.bufferSize()).isEqualTo(700);
        assertThat(s.phase()).isEqualTo(LearnerPhase.STOPPED);
        // Every publish-every updates, and once more at the end.
        assertThat(s.policiesPublished()).isEqualTo(3);
        List<PolicySnapshot> policies = policies(3);
        assertThat(policies).extracting(PolicySnapshot::version).containsExactly(0L, 1L, 2L);
        assertThat(policies).allSatisfy(p -> assertThat(p.algorithm()).isEqualTo("td3+bc"));
        assertThat(policies.get(2).weights()).isNotEqualTo(policies.get(1).weights());
        // Evaluated at 200 (eval-every) and at the end.
        assertThat(curve).extracting(CurvePoint::updates).containsExactly(200L, 250L);
        assertThat(count(kafka.topics().deadLetter().name())).isZero();
    }

    @Test
    void aLogSmallerThanLearningStartsEndsWithNoDataAndPublishesNothing() throws Exception {
        LearnerConfig empty = LearnerConfig.builder("pendulum").algorithm(small(DdpgConfig.td3Bc(),
                Map.of("learning-starts", "200"))).offline(100).build();
        LearnerResult none = start(empty, TrainListener.NONE).result.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(none.outcome()).isEqualTo(LearnerResult.Outcome.NO_DATA);
        assertThat(none.failed()).isTrue();
        assertThat(none.reason()).contains("held 0 usable transitions", "fewer than learning-starts (200)",
                "--namespace");

        produce(150, 2);
        LearnerResult few = start(empty, TrainListener.NONE).result.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(few.outcome()).isEqualTo(LearnerResult.Outcome.NO_DATA);
        assertThat(few.reason()).contains("held 150 usable transitions (150 records read, 0 rejected)");
        assertThat(few.stats().updates()).isZero();
        assertThat(few.stats().policiesPublished()).isZero();
    }

    @Test
    void aLogLargerThanTheBufferKeepsTheNewestTransitionsItRead() throws Exception {
        produce(700, 1);
        LearnerConfig config = LearnerConfig.builder("pendulum").algorithm(small(DdpgConfig.td3Bc(),
                Map.of("learning-starts", "100", "buffer-capacity", "500"))).publishEvery(1_000).offline(20).build();
        LearnerResult result = start(config, TrainListener.NONE).result.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(result.outcome()).isEqualTo(LearnerResult.Outcome.COMPLETED);
        assertThat(result.stats().transitionsReceived()).isEqualTo(700);
        assertThat(result.stats().bufferSize()).isEqualTo(500);
        assertThat(result.stats().updates()).isEqualTo(20);
        assertThat(result.stats().policiesPublished()).as("only the one at the end").isEqualTo(1);
    }

    @Test
    void checkpointsLetARepeatedRunTakeOnlyTheRemainingUpdatesAndStayApartFromOnlineOnes(@TempDir Path dir)
            throws Exception {
        produce(400, 2);
        DdpgConfig algorithm = small(DdpgConfig.td3Bc(), Map.of("learning-starts", "100"));
        LearnerConfig.Builder builder = LearnerConfig.builder("pendulum").algorithm(algorithm).publishEvery(50)
                .checkpoint(new CheckpointConfig(dir, 100, 5));
        LearnerResult first = start(builder.offline(250).build(), TrainListener.NONE).result
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(first.outcome()).isEqualTo(LearnerResult.Outcome.COMPLETED);
        assertThat(first.stats().policiesPublished()).isEqualTo(5); // 50, 100, ..., 250 (the end is a multiple)
        assertThat(fileNames(dir)).containsExactly("checkpoint-000000000100.bin", "checkpoint-000000000200.bin",
                "checkpoint-000000000250.bin");

        // The same run asked for 400 updates goes on from the 250 of the checkpoint: 150 more.
        LearnerResult second = start(builder.offline(400).build(), TrainListener.NONE).result
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(second.outcome()).isEqualTo(LearnerResult.Outcome.COMPLETED);
        assertThat(second.stats().updates()).isEqualTo(400);
        assertThat(second.stats().transitionsReceived()).as("the whole log is read again").isEqualTo(400);
        assertThat(second.stats().policiesPublished()).isEqualTo(3); // 300, 350, 400
        assertThat(second.stats().policyVersion()).isEqualTo(7);
        assertThat(fileNames(dir)).endsWith("checkpoint-000000000350.bin", "checkpoint-000000000400.bin");

        // An online learner never resumes from an offline checkpoint.
        LearnerConfig online = LearnerConfig.builder("pendulum").algorithm(algorithm)
                .checkpoint(new CheckpointConfig(dir, 100, 5)).build();
        assertThatThrownBy(() -> start(online, TrainListener.NONE).result.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(td3+bc offline, ")
                .hasMessageContaining(", not Pendulum-v1 (td3+bc, ");
    }

    private Running start(LearnerConfig config, TrainListener listener) {
        LearnerService service = new LearnerService(kafka, config, Clock.systemUTC(), listener);
        started.add(service);
        return new Running(service, runner.submit(service::run));
    }

    private record Running(LearnerService service, Future<LearnerResult> result) {
        /** The ingest threads are positioned, which is after the service captured the end offsets. */
        void awaitPositioned() {
            await().atMost(WAIT).until(() -> service.stats().phase() != LearnerPhase.STARTING);
        }
    }

    private static DdpgConfig small(DdpgConfig base, Map<String, String> overrides) {
        Map<String, String> all = new LinkedHashMap<>(Map.of("actor-hidden", "16,16", "critic-hidden", "16,16",
                "batch-size", "32", "buffer-capacity", "10000"));
        all.putAll(overrides);
        return base.with(all);
    }

    /** {@code count} valid transitions from {@code actors} actors (keys, so spread over partitions). */
    private void produce(int count, int actors) {
        String topic = kafka.topics().transitions().name();
        SplittableRandom random = new SplittableRandom(count);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producer("test-actors"))) {
            for (int i = 0; i < count; i++) {
                String actor = "actor-" + i % actors;
                producer.send(new ProducerRecord<>(topic, utf8(actor),
                        PendulumTransitions.encode(PendulumTransitions.nth(actor, i / actors, random))));
            }
        }
    }

    private void produceUndecodable(int count) {
        String topic = kafka.topics().transitions().name();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producer("test-bad"))) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, utf8("bad"), utf8("not a transition " + i)));
            }
        }
    }

    private List<PolicySnapshot> policies(int expected) {
        String topic = kafka.topics().policy().name();
        List<PolicySnapshot> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumer("test-policies", null))) {
            TopicPartition p = new TopicPartition(topic, 0);
            consumer.assign(List.of(p));
            consumer.seekToBeginning(List.of(p));
            await().atMost(WAIT).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(PolicyEnvelopes.open(kafka.topics().policy().decodeValue(r.value())));
                }
                return out.size() >= expected;
            });
            assertThat(consumer.poll(Duration.ofMillis(300))).isEmpty();
        }
        return out;
    }

    private long count(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumer("test-count", null))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
            return consumer.endOffsets(partitions).entrySet().stream()
                    .mapToLong(e -> e.getValue() - begin.get(e.getKey())).sum();
        }
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
