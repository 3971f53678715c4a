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
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes actor snapshots to the compacted policy topic, keyed by the policy name, with
 * versions counting up from {@code firstVersion} (one above the newest version already on the
 * topic, so versions strictly increase across restarts). The producer is transactional
 * ({@link io.streamrl.kafka.KafkaSettings#learnerPolicyProducer}, {@code initTransactions()}
 * already called) and each snapshot is its own transaction, committed before {@code publish}
 * returns; the metrics count a snapshot once it is committed. Readers of the policy topic read
 * {@code read_committed}. When another learner has taken over the policy's transactional id,
 * {@code publish} throws {@link PolicyFencedException} and nothing more is published.
 */
final class KafkaPolicyPublisher implements PolicySink {

    private static final Logger log = LoggerFactory.getLogger(KafkaPolicyPublisher.class);

    private final Producer<byte[], byte[]> producer;
    private final TopicSpec<String, PolicyEnvelope> topic;
    private final String name;
    private final String namespace;
    private final String transactionalId;
    private final byte[] key;
    private final ObservationNormalizer normalizer;
    private final double[] actionLow;
    private final double[] actionHigh;
    private final Clock clock;
    private final LearnerMetrics metrics;
    private long nextVersion;

    KafkaPolicyPublisher(Producer<byte[], byte[]> producer, TopicSpec<String, PolicyEnvelope> topic, String name,
                         String namespace, String transactionalId, long firstVersion, ObservationNormalizer normalizer, double[] actionLow, double[] actionHigh,
                         Clock clock, LearnerMetrics metrics) {
        this.producer = producer;
        this.topic = topic;
        this.name = name;
        this.namespace = namespace;
        this.transactionalId = transactionalId;
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
        try {
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic.name(), key, value));
            producer.commitTransaction();
        } catch (KafkaException e) {
            if (fenced(e)) {
                throw new PolicyFencedException("another learner for policy " + name + " in namespace " + namespace
                        + " took over (transactional id " + transactionalId + "); this one stops without publishing"
                        + " v" + version, e);
            }
            abort(version, e);
            return;
        }
        metrics.published(version);
        log.debug("published {} v{} after {} updates", name, version, updates);
    }

    /** A failed publish that is not fencing: the open transaction is aborted and the next publish tries again. */
    private void abort(long version, KafkaException error) {
        log.error("could not publish policy {} v{} to {}: {}; actors keep the previous version", name, version,
                topic.name(), error.toString());
        try {
            producer.abortTransaction();
        } catch (KafkaException abortError) {
            if (fenced(abortError)) {
                throw new PolicyFencedException("another learner for policy " + name + " in namespace " + namespace
                        + " took over (transactional id " + transactionalId + "); this one stops", abortError);
            }
            // The producer is in an unrecoverable state; training fails rather than publish nothing for ever.
            throw new IllegalStateException("the policy producer could not abort a failed publish of " + name + " v"
                    + version + ": " + abortError, abortError);
        }
    }

    private static boolean fenced(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException) {
                return true;
            }
        }
        return false;
    }
}
