package io.streamrl.learner;

import io.streamrl.core.agent.Ddpg;
import io.streamrl.core.policy.ObservationNormalizer;
import io.streamrl.core.policy.PolicySnapshot;
import io.streamrl.kafka.PolicyEnvelopes;
import io.streamrl.schemas.TopicSpec;
import io.streamrl.schemas.avro.PolicyEnvelope;
import java.time.Clock;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes actor snapshots to the compacted policy topic, keyed by the policy name, with
 * versions counting up from {@code firstVersion} (one above the newest version already on the
 * topic, so versions strictly increase across restarts). The producer must be idempotent with
 * {@code acks=all}: retries then neither duplicate nor reorder snapshots. Sends are asynchronous;
 * the metrics count a snapshot once the broker has acknowledged it.
 */
final class KafkaPolicyPublisher implements PolicySink {

    private static final Logger log = LoggerFactory.getLogger(KafkaPolicyPublisher.class);

    private final Producer<byte[], byte[]> producer;
    private final TopicSpec<String, PolicyEnvelope> topic;
    private final String name;
    private final byte[] key;
    private final ObservationNormalizer normalizer;
    private final double[] actionLow;
    private final double[] actionHigh;
    private final Clock clock;
    private final LearnerMetrics metrics;
    private long nextVersion;

    KafkaPolicyPublisher(Producer<byte[], byte[]> producer, TopicSpec<String, PolicyEnvelope> topic, String name,
                         long firstVersion, ObservationNormalizer normalizer, double[] actionLow, double[] actionHigh,
                         Clock clock, LearnerMetrics metrics) {
        this.producer = producer;
        this.topic = topic;
        this.name = name;
        this.key = topic.keySerde().serializer().serialize(topic.name(), name);
        this.normalizer = normalizer;
        this.actionLow = actionLow.clone();
        this.actionHigh = actionHigh.clone();
        this.clock = clock;
        this.metrics = metrics;
        this.nextVersion = firstVersion;
    }

    @Override
    public void publish(Ddpg agent) {
        long version = nextVersion++;
        PolicySnapshot snapshot = agent.snapshot(name, version, clock.millis(), normalizer, actionLow, actionHigh);
        byte[] value = topic.valueSerde().codec().encode(topic.name(), PolicyEnvelopes.seal(snapshot));
        long updates = agent.updates();
        producer.send(new ProducerRecord<>(topic.name(), key, value), (metadata, error) -> {
            if (error == null) {
                metrics.published(version);
                log.debug("published {} v{} after {} updates", name, version, updates);
            } else {
                log.error("could not publish policy {} v{} to {}: {}; actors keep the previous version", name,
                        version, topic.name(), error.toString());
            }
        });
    }
}
