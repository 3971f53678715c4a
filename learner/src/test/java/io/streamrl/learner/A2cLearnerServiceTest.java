package io.streamrl.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamrl.broker.testing.EmbeddedKafkaExtension;
import io.streamrl.broker.testing.SharedKafka;
import io.streamrl.core.agent.A2cConfig;
import io.streamrl.core.agent.VTrace;
import io.streamrl.core.rollout.Segment;
import io.streamrl.core.rollout.StalenessPolicy;
import io.streamrl.core.train.TrainListener;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.kafka.MetricsServer;
import io.streamrl.kafka.RolloutSegments;
import io.streamrl.schemas.TopicSpec;
import io.streamrl.schemas.avro.RolloutSegment;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The A2C learner against the embedded broker: its first policy goes out at start, bad records
 * on the rollouts topic are dead-lettered, a stale segment is discarded, and every
 * {@code num-envs} kept segments make an update and a new version.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class A2cLearnerServiceTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void segmentsMakeUpdatesBadOnesAreDeadLetteredStaleOnesDiscarded(SharedKafka broker) throws Exception {
        KafkaSettings kafka = KafkaSettings.of(broker.bootstrapServers(), broker.freshNamespace("a2c-learner"));
        A2cLearnerConfig config = A2cLearnerConfig.of("cartpole")
                .with(A2cConfig.a2c().with(Map.of("num-envs", "2", "n-steps", "2", "hidden", "8")),
                        new StalenessPolicy(StalenessPolicy.Mode.DISCARD, 1, VTrace.defaults()))
                .withRun(3, 1, 0, "scalar");
        PrometheusMeterRegistry registry = MetricsServer.newRegistry();
        A2cLearnerService learner = new A2cLearnerService(kafka, config, Clock.systemUTC(), TrainListener.NONE,
                registry);
        CompletableFuture<LearnerResult> run = CompletableFuture.supplyAsync(learner::run);
        try {
            await().atMost(WAIT).until(() -> learner.stats().policiesPublished() == 1);
            long first = learner.stats().policyVersion();
            TopicSpec<String, RolloutSegment> topic = kafka.topics().rollouts();
            try (Producer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producer("test-segments"))) {
                byte[] key = "a1".getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(topic.name(), key, new byte[] {1, 2, 3})).get();
                producer.send(new ProducerRecord<>(topic.name(), key, encode(topic, segment(first, 3)))).get();
                producer.send(new ProducerRecord<>(topic.name(), key, encode(topic, segment(first + 5, 2)))).get();
                producer.send(new ProducerRecord<>(topic.name(), key, encode(topic, segment(first, 2)))).get();
                producer.send(new ProducerRecord<>(topic.name(), key, encode(topic, segment(first, 2)))).get();
            }

            await().atMost(WAIT).until(() -> learner.stats().policiesPublished() == 2
                    && learner.stats().transitionsDeadLettered() == 2);
            LearnerStats s = learner.stats();
            assertThat(s.transitionsReceived()).isEqualTo(5);
            assertThat(s.transitionsRejected()).as("undecodable, and 3 steps for n-steps 2").isEqualTo(2);
            assertThat(s.rolloutsDiscarded()).as("from a version the learner never published").isEqualTo(1);
            assertThat(s.updates()).isEqualTo(1);
            assertThat(s.policyVersion()).isEqualTo(first + 1);
            assertThat(registry.get(LearnerMetrics.ROLLOUTS_DISCARDED).functionCounter().count()).isEqualTo(1.0);
        } finally {
            learner.close();
        }
        assertThat(run.get().outcome()).isEqualTo(LearnerResult.Outcome.STOPPED);
    }

    private static byte[] encode(TopicSpec<String, RolloutSegment> topic, Segment segment) {
        return topic.valueSerde().serializer().serialize(topic.name(),
                RolloutSegments.toRecord(segment, "CartPole-v1", 0, Instant.now()));
    }

    /** {@code steps} steps of a CartPole segment chosen by version {@code version}. */
    private static Segment segment(long version, int steps) {
        return new Segment("a1", version, 4, 1, new float[steps * 4], new float[steps], filled(steps, 1f),
                new boolean[steps], new boolean[steps], filled(steps, -0.69f), new float[0], new float[4]);
    }

    private static float[] filled(int n, float value) {
        float[] a = new float[n];
        Arrays.fill(a, value);
        return a;
    }
}
