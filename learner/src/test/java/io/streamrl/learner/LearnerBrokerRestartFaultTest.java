package io.streamrl.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamrl.broker.EmbeddedBrokerConfig;
import io.streamrl.broker.EmbeddedKafkaBroker;
import io.streamrl.broker.testing.RestartablePorts;
import io.streamrl.core.agent.DdpgConfig;
import io.streamrl.core.train.TrainListener;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.kafka.TopicBootstrap;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault test (issue 15): the broker stops for a few seconds under a running learner and comes back
 * on the same data directory and port. The learner must not end: it keeps its weights, its ingest
 * and policy clients reconnect by themselves, every transition written after the restart reaches
 * its buffer, and it publishes again with versions above the ones before.
 *
 * <p>This test owns its broker (it stops it), so it does not use the shared one.
 */
@Timeout(180)
class LearnerBrokerRestartFaultTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration OUTAGE = Duration.ofSeconds(3);

    private final ExecutorService runner = Executors.newSingleThreadExecutor();
    private final List<EmbeddedKafkaBroker> brokers = new ArrayList<>();
    private LearnerService learner;

    @AfterEach
    void stop() throws InterruptedException {
        if (learner != null) {
            learner.close();
        }
        runner.shutdownNow();
        assertThat(runner.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        brokers.forEach(EmbeddedKafkaBroker::close);
    }

    @Test
    void aLearnerLivesThroughABrokerRestartAndGoesOnIngestingAndPublishing(@TempDir Path tmp) throws Exception {
        EmbeddedBrokerConfig config = EmbeddedBrokerConfig.defaults().withDataDir(tmp.resolve("broker"))
                .withPort(RestartablePorts.belowTheEphemeralRange());
        EmbeddedKafkaBroker first = start(config);
        KafkaSettings kafka = KafkaSettings.of(first.bootstrapServers(), "fault-learner-restart");
        TopicBootstrap.ensureTopics(kafka, kafka.topics().all(), Clock.systemUTC());
        DdpgConfig algorithm = DdpgConfig.ddpg().with(Map.of("actor-hidden", "16,16", "critic-hidden", "16,16",
                "batch-size", "32", "learning-starts", "200", "replay-ratio", "1.0"));
        learner = new LearnerService(kafka, LearnerConfig.builder("pendulum").algorithm(algorithm)
                .policyName("restart").publishEvery(50).build(), Clock.systemUTC(), TrainListener.NONE);
        Future<LearnerResult> run = runner.submit(learner::run);

        produce(kafka, 0, 500);
        // 500 - 200 = 300 updates earned: six publications.
        await().atMost(WAIT).until(() -> learner.stats().policiesPublished() == 6);
        LearnerStats before = learner.stats();

        first.close();
        await().during(OUTAGE).atMost(OUTAGE.plusSeconds(5)).until(() -> !run.isDone());
        EmbeddedKafkaBroker second = start(config);
        assertThat(second.bootstrapServers()).isEqualTo(kafka.bootstrapServers());

        // Nobody tells the learner: its clients find the broker again. 300 more transitions earn
        // 300 more updates, six more publications, with versions going on from before.
        produce(kafka, 500, 300);
        await().atMost(WAIT).until(() -> learner.stats().policiesPublished() == 12);
        LearnerStats after = learner.stats();
        assertThat(run.isDone()).isFalse();
        assertThat(after.transitionsReceived()).isEqualTo(800);
        assertThat(after.transitionsRejected()).isZero();
        assertThat(after.updates()).isEqualTo(600);
        assertThat(after.policyVersion()).isEqualTo(before.policyVersion() + 6);
        assertThat(after.updateFailures()).isZero();

        learner.close();
        assertThat(run.get(WAIT.toSeconds(), TimeUnit.SECONDS).outcome()).isEqualTo(LearnerResult.Outcome.STOPPED);
    }

    private EmbeddedKafkaBroker start(EmbeddedBrokerConfig config) {
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(config);
        brokers.add(broker);
        return broker.start();
    }

    private static void produce(KafkaSettings kafka, int from, int count) {
        String topic = kafka.topics().transitions().name();
        SplittableRandom random = new SplittableRandom(from);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producer("restart-actor"))) {
            for (int i = from; i < from + count; i++) {
                producer.send(new ProducerRecord<>(topic, "actor".getBytes(StandardCharsets.UTF_8),
                        PendulumTransitions.encode(PendulumTransitions.nth("actor", i, random))));
            }
            producer.flush();
        }
    }
}
