package io.streamrl.app;

import io.streamrl.core.compute.Activation;
import io.streamrl.core.policy.ObservationNormalizer;
import io.streamrl.core.policy.PolicySnapshot;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.kafka.PolicyEnvelopes;
import io.streamrl.kafka.TopicBootstrap;
import io.streamrl.schemas.RecordCodec;
import io.streamrl.schemas.avro.PolicyEnvelope;
import java.time.Clock;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Publishes hand-made Pendulum policies, standing in for a learner. */
final class TestPolicies implements AutoCloseable {

    static final String POLICY = "Pendulum-v1";

    private final KafkaSettings settings;
    private final KafkaProducer<byte[], byte[]> producer;
    private final RecordCodec<PolicyEnvelope> codec = RecordCodec.policyEnvelope();

    TestPolicies(KafkaSettings settings) {
        this.settings = settings;
        TopicBootstrap.ensureTopics(settings, settings.topics().all(), Clock.systemUTC());
        this.producer = new KafkaProducer<>(settings.producer("test-policy-publisher"));
    }

    static PolicySnapshot pendulum(long version) {
        int[] sizes = {3, 16, 16, 1};
        SplittableRandom random = new SplittableRandom(version);
        float[] weights = new float[3 * 16 + 16 + 16 * 16 + 16 + 16 + 1];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) random.nextDouble(-0.5, 0.5);
        }
        return PolicySnapshot.create(POLICY, "ddpg", version, System.currentTimeMillis(), sizes, Activation.RELU,
                Activation.TANH, ObservationNormalizer.identity(3), new double[] {-2.0}, new double[] {2.0}, weights);
    }

    /** Sends and waits for the broker's acknowledgement. */
    void publish(long version) throws ExecutionException, InterruptedException {
        String topic = settings.topics().policy().name();
        producer.send(new ProducerRecord<>(topic, POLICY.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                codec.encode(topic, PolicyEnvelopes.seal(pendulum(version))))).get();
    }

    @Override
    public void close() {
        producer.close();
    }
}
