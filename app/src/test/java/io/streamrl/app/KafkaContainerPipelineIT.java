package io.streamrl.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamrl.actor.ActorConfig;
import io.streamrl.actor.ActorService;
import io.streamrl.actor.ActorStats;
import io.streamrl.actor.PolicyListener;
import io.streamrl.actor.PolicyRejection;
import io.streamrl.actor.PolicySwap;
import io.streamrl.core.agent.DdpgConfig;
import io.streamrl.core.policy.PolicySnapshot;
import io.streamrl.core.train.TrainListener;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.kafka.PolicyEnvelopes;
import io.streamrl.learner.LearnerConfig;
import io.streamrl.learner.LearnerPhase;
import io.streamrl.learner.LearnerResult;
import io.streamrl.learner.LearnerService;
import io.streamrl.learner.LearnerStats;
import io.streamrl.schemas.TopicSpec;
import io.streamrl.schemas.avro.PolicyEnvelope;
import io.streamrl.schemas.avro.Transition;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The learner–actor loop, in process, against the real {@code apache/kafka} image that
 * docker-compose.yml deploys, where the module tests use the embedded broker. Skipped where no
 * Docker engine answers. One topic namespace per test, so the tests share the broker.
 */
@Testcontainers(disabledWithoutDocker = true)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KafkaContainerPipelineIT {

    /** The broker image and tag of docker-compose.yml. */
    private static final DockerImageName KAFKA_IMAGE = DockerImageName.parse("apache/kafka:4.4.0");
    private static final Duration WAIT = Duration.ofSeconds(120);

    @Container
    private static final KafkaContainer KAFKA = new KafkaContainer(KAFKA_IMAGE);

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<AutoCloseable> services = new ArrayList<>();
    private KafkaSettings settings;

    @BeforeEach
    void namespace(TestInfo test) {
        settings = KafkaSettings.of(KAFKA.getBootstrapServers(), "it-" + test.getTestMethod().orElseThrow().getName());
    }

    @AfterEach
    void stopEverything() throws Exception {
        List<AutoCloseable> newestFirst = new ArrayList<>(services);
        Collections.reverse(newestFirst);
        for (AutoCloseable service : newestFirst) {
            service.close();
        }
        threads.shutdown();
        assertThat(threads.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void anActorSwapsToEachNewerPolicyOfTheLearnerAndRefusesAnOlderOne() throws Exception {
        // The first snapshot comes after 200 + 20 transitions; the actor may take that many at random.
        RunningLearner learner = startLearner(LearnerConfig.builder("pendulum")
                .algorithm(small(Map.of("learning-starts", "200", "replay-ratio", "1.0"))).publishEvery(20).build());
        PolicyLog policies = new PolicyLog();
        ActorService actor = startActor(ActorConfig.builder("it-actor", "pendulum", 3).maxPolicyLag(40)
                .warmupSteps(220).policyWait(WAIT).build(), policies);
        Future<?> acting = threads.submit(actor::run);

        await().atMost(WAIT).until(() -> policies.swaps.size() >= 3);
        PolicySnapshot first = policies.swaps.get(0).snapshot();
        long held = actor.stats().policyVersion();
        assertThat(held).isGreaterThan(first.version());
        // What a second learner publishing this policy name might send: a version the actor is past.
        publish(PolicyEnvelopes.seal(first));
        await().atMost(WAIT).until(() -> policies.rejections.stream().anyMatch(r -> r.version() == first.version()));
        assertThat(actor.stats().policyVersion()).isGreaterThanOrEqualTo(held);

        actor.close();
        acting.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        learner.stop();

        List<Long> swapped = policies.swaps.stream().map(s -> s.snapshot().version()).toList();
        assertThat(swapped).isSorted().doesNotHaveDuplicates();
        assertThat(policies.rejections).allSatisfy(r -> assertThat(r.reason()).contains("not newer"));
        // Step by step, in the order the actor took them: versions only go up, and each one was accepted.
        List<Long> stepVersions = transitionsOf("it-actor").stream().map(Transition::getPolicyVersion).toList();
        assertThat(stepVersions).hasSize((int) actor.stats().transitionsAcked()).isSorted().contains(-1L);
        assertThat(stepVersions.stream().filter(v -> v >= 0).distinct().count()).isGreaterThanOrEqualTo(3);
        assertThat(stepVersions).allSatisfy(v -> assertThat(v == -1L || swapped.contains(v)).isTrue());
    }

    @Test
    void theLearnerReceivesExactlyTheTransitionsTwoActorsHadAcknowledged() throws Exception {
        RunningLearner learner = startLearner(LearnerConfig.builder("pendulum")
                .algorithm(small(Map.of("learning-starts", "1000", "replay-ratio", "0.1"))).build());
        learner.awaitRunning();

        List<ActorService> actors = List.of(
                startActor(ActorConfig.builder("it-actor-a", "pendulum", 1).maxSteps(1_500).build(), new PolicyLog()),
                startActor(ActorConfig.builder("it-actor-b", "pendulum", 2).maxSteps(1_500).build(), new PolicyLog()));
        List<Future<?>> runs = actors.stream().<Future<?>>map(a -> threads.submit(a::run)).toList();
        for (Future<?> run : runs) {
            run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }

        long acknowledged = 0;
        for (ActorService actor : actors) {
            ActorStats stats = actor.stats();
            assertThat(stats.transitionsFailed()).isZero();
            assertThat(stats.transitionsAcked()).isEqualTo(1_500);
            acknowledged += stats.transitionsAcked();
        }
        long expected = acknowledged;
        await().atMost(WAIT).until(() -> learner.service.stats().transitionsReceived() == expected);
        // Exactly: nothing lost, and nothing counted twice in the second after.
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> learner.service.stats().transitionsReceived() == expected);
        LearnerStats stats = learner.stop().stats();
        assertThat(stats.transitionsReceived()).isEqualTo(3_000);
        assertThat(stats.transitionsRejected()).isZero();
    }

    @Test
    void aShortRunTrainsAndPublishesPoliciesThatTheActorsFollow() throws Exception {
        // 2 actors x 600 steps = 1,200 transitions; 1,200 - 200 = 1,000 updates at replay ratio 1,
        // one snapshot every 25 of them: versions 0 to 39.
        RunningLearner learner = startLearner(LearnerConfig.builder("pendulum")
                .algorithm(small(Map.of("learning-starts", "200", "replay-ratio", "1.0"))).publishEvery(25).build());
        List<PolicyLog> logs = List.of(new PolicyLog(), new PolicyLog());
        List<ActorService> actors = new ArrayList<>();
        for (int a = 0; a < 2; a++) {
            // Flow control keeps the actors in step with training; together their warm-up covers 200 + 25.
            actors.add(startActor(ActorConfig.builder("it-actor-" + a, "pendulum", 10 + a).maxSteps(600)
                    .maxPolicyLag(50).warmupSteps(120).policyWait(WAIT).build(), logs.get(a)));
        }
        List<Future<?>> runs = actors.stream().<Future<?>>map(a -> threads.submit(a::run)).toList();
        for (Future<?> run : runs) {
            run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }

        await().atMost(WAIT).until(() -> learner.service.stats().policiesPublished() == 40);
        LearnerResult result = learner.stop();
        assertThat(result.outcome()).isEqualTo(LearnerResult.Outcome.STOPPED);
        assertThat(result.stats().transitionsReceived()).isEqualTo(1_200);
        assertThat(result.stats().updates()).isEqualTo(1_000);
        assertThat(result.stats().policyVersion()).isEqualTo(39);
        assertThat(result.stats().updateFailures()).isZero();

        for (PolicyLog log : logs) {
            List<PolicySnapshot> followed = log.swaps.stream().map(PolicySwap::snapshot).toList();
            assertThat(followed).hasSizeGreaterThanOrEqualTo(2);
            assertThat(followed).extracting(PolicySnapshot::version).isSorted().doesNotHaveDuplicates();
            PolicySnapshot earliest = followed.get(0);
            PolicySnapshot latest = followed.get(followed.size() - 1);
            assertThat(latest.version()).isGreaterThan(earliest.version());
            // Training changed the actor network between the two snapshots.
            assertThat(latest.weights()).isNotEqualTo(earliest.weights());
        }
        for (ActorService actor : actors) {
            assertThat(actor.stats().transitionsAcked()).isEqualTo(600);
            assertThat(actor.stats().policyVersion()).isPositive();
        }
    }

    private RunningLearner startLearner(LearnerConfig config) {
        LearnerService service = new LearnerService(settings, config, Clock.systemUTC(), TrainListener.NONE);
        services.add(service);
        return new RunningLearner(service, threads.submit(service::run));
    }

    private ActorService startActor(ActorConfig config, PolicyLog log) {
        ActorService actor = ActorService.start(config, settings, Clock.systemUTC(), log);
        services.add(actor);
        return actor;
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

    /** What one actor's subscriber accepted and refused, in order. */
    private static final class PolicyLog implements PolicyListener {
        final List<PolicySwap> swaps = new CopyOnWriteArrayList<>();
        final List<PolicyRejection> rejections = new CopyOnWriteArrayList<>();

        @Override
        public void onSwap(PolicySwap swap) {
            swaps.add(swap);
        }

        @Override
        public void onRejected(PolicyRejection rejection) {
            rejections.add(rejection);
        }
    }

    private static DdpgConfig small(Map<String, String> overrides) {
        Map<String, String> all = new LinkedHashMap<>(Map.of("actor-hidden", "16,16", "critic-hidden", "16,16",
                "batch-size", "32", "buffer-capacity", "10000"));
        all.putAll(overrides);
        return DdpgConfig.ddpg().with(all);
    }

    private void publish(PolicyEnvelope envelope) throws Exception {
        TopicSpec<String, PolicyEnvelope> topic = settings.topics().policy();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings.producer("it-stale-publisher"))) {
            producer.send(new ProducerRecord<>(topic.name(), envelope.getName().getBytes(StandardCharsets.UTF_8),
                    topic.valueSerde().codec().encode(topic.name(), envelope))).get(30, TimeUnit.SECONDS);
        }
    }

    /** The actor's transitions in the order it published them (one key, so one partition). */
    private List<Transition> transitionsOf(String actorId) {
        TopicSpec<String, Transition> topic = settings.topics().transitions();
        List<Transition> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings.consumer("it-reader", null))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            await().atMost(WAIT).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (actorId.equals(new String(r.key(), StandardCharsets.UTF_8))) {
                        out.add(topic.decodeValue(r.value()));
                    }
                }
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
            });
        }
        return out;
    }
}
