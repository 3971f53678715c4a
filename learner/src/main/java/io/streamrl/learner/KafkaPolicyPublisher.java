package io.streamrl.learner;

import io.streamrl.core.agent.Ddpg;
import io.streamrl.core.policy.ObservationNormalizer;
import io.streamrl.core.policy.PolicySnapshot;
import io.streamrl.kafka.BrokerUnavailableException;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.kafka.PolicyEnvelopes;
import io.streamrl.schemas.TopicSpec;
import io.streamrl.schemas.avro.PolicyEnvelope;
import java.time.Clock;
import java.time.Duration;
import java.util.function.LongFunction;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
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
    private final double[] actionLow;
    private final double[] actionHigh;
    private final Clock clock;
    private final LearnerMetrics metrics;
    private long nextVersion;
    /** The last snapshot the topic acknowledged, for {@link #republishLast()}; null before the first. */
    private PolicySnapshot lastPublished;
    /** The version whose commit timed out and must be retried, or -1. */
    private long pendingCommit = -1;

    KafkaPolicyPublisher(Producer<byte[], byte[]> producer, TopicSpec<String, PolicyEnvelope> topic, String name,
                         String namespace, String transactionalId, long firstVersion, double[] actionLow, double[] actionHigh,
                         Clock clock, LearnerMetrics metrics) {
        this.producer = producer;
        this.topic = topic;
        this.name = name;
        this.namespace = namespace;
        this.transactionalId = transactionalId;
        this.key = topic.keySerde().serializer().serialize(topic.name(), name);
        this.actionLow = actionLow.clone();
        this.actionHigh = actionHigh.clone();
        this.clock = clock;
        this.metrics = metrics;
        this.nextVersion = firstVersion;
    }

    /**
     * Opens the learner's transactional policy producer and takes over the policy's
     * transactional id, fencing any other learner of the same namespace and policy.
     *
     * @throws BrokerUnavailableException when the broker starts no transaction in time
     */
    static Producer<byte[], byte[]> open(KafkaSettings kafka, String clientId, String policyName) {
        Producer<byte[], byte[]> producer = new KafkaProducer<>(kafka.learnerPolicyProducer(clientId, policyName));
        try {
            producer.initTransactions();
        } catch (TimeoutException e) {
            producer.close(Duration.ZERO);
            // The broker answered metadata requests (the topics exist), so what is missing is its
            // transaction coordinator: most often a cluster with fewer brokers than
            // transaction.state.log.replication.factor (3 by default).
            throw new BrokerUnavailableException("the broker at " + kafka.bootstrapServers() + " did not start a"
                    + " transaction for " + kafka.learnerTransactionalId(policyName) + " in time (" + e.getMessage()
                    + "); the learner publishes policies in transactions, which need"
                    + " transaction.state.log.replication.factor and transaction.state.log.min.isr no larger than"
                    + " the number of brokers (1 for a single broker)", e);
        }
        return producer;
    }

    @Override
    public void publish(Ddpg agent, ObservationNormalizer normalizer) {
        publish(version -> agent.snapshot(name, version, clock.millis(), normalizer, actionLow, actionHigh),
                agent.updates());
    }

    /**
     * Publishes the snapshot {@code snapshotOf} makes for the next version (any algorithm's).
     *
     * @param updates the updates behind it, for the log
     */
    void publish(LongFunction<PolicySnapshot> snapshotOf, long updates) {
        long version = nextVersion++;
        if (pendingCommit >= 0 && !retryCommit(version)) {
            return;
        }
        PolicySnapshot snapshot = snapshotOf.apply(version);
        byte[] value = topic.valueSerde().codec().encode(topic.name(), PolicyEnvelopes.seal(snapshot));
        try {
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic.name(), key, value));
            producer.commitTransaction();
        } catch (TimeoutException e) {
            // The commit may still complete; it must be retried, not aborted (the next publish retries it).
            pendingCommit = version;
            log.error("publishing policy {} v{} to {} timed out: {}; it is committed with the next publish if the"
                    + " broker is back by then, and actors keep the previous version meanwhile", name, version,
                    topic.name(), e.toString());
            return;
        } catch (KafkaException e) {
            if (fenced(e)) {
                throw fencedException(version, e);
            }
            abort(version, e);
            return;
        }
        metrics.published(version);
        lastPublished = snapshot;
        log.debug("published {} v{} after {} updates", name, version, updates);
    }

    @Override
    public void republishLast() {
        PolicySnapshot last = lastPublished;
        if (last == null) {
            return;
        }
        publish(version -> last.withVersion(version, clock.millis()), -1);
        log.debug("republished {} v{}'s weights as v{} while withholding", name, last.version(), lastVersion());
    }

    /** The version the last publish went out as (committed or not); one below the first before any. */
    long lastVersion() {
        return nextVersion - 1;
    }

    /** Retries the commit that timed out; true when it went through and {@code version} may be published. */
    private boolean retryCommit(long version) {
        long pending = pendingCommit;
        try {
            producer.commitTransaction();
        } catch (TimeoutException e) {
            log.error("publishing policy {} v{} to {} still times out: {}; v{} is skipped", name, pending,
                    topic.name(), e.toString(), version);
            return false;
        } catch (KafkaException e) {
            if (fenced(e)) {
                throw fencedException(version, e);
            }
            pendingCommit = -1;
            abort(pending, e);
            return true;
        }
        pendingCommit = -1;
        metrics.published(pending);
        log.info("published policy {} v{} after its commit had timed out", name, pending);
        return true;
    }

    private PolicyFencedException fencedException(long version, Throwable cause) {
        return new PolicyFencedException("another learner for policy " + name + " in namespace " + namespace
                + " took over (transactional id " + transactionalId + "); this one stops without publishing v"
                + version, cause);
    }

    /** A failed publish that is not fencing: the open transaction is aborted and the next publish tries again. */
    private void abort(long version, KafkaException error) {
        log.error("could not publish policy {} v{} to {}: {}; actors keep the previous version", name, version,
                topic.name(), error.toString());
        try {
            producer.abortTransaction();
        } catch (KafkaException abortError) {
            if (fenced(abortError)) {
                throw fencedException(version, abortError);
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
