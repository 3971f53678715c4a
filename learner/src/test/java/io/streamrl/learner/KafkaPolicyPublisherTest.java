package io.streamrl.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamrl.core.agent.Ddpg;
import io.streamrl.core.agent.DdpgConfig;
import io.streamrl.core.compute.ComputeBackend;
import io.streamrl.core.compute.ComputeBackends;
import io.streamrl.core.policy.ObservationNormalizer;
import io.streamrl.core.policy.PolicySnapshot;
import io.streamrl.kafka.PolicyEnvelopes;
import io.streamrl.schemas.Topics;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Transactions, fencing and failed commits of the policy publisher, on a {@link MockProducer}. */
class KafkaPolicyPublisherTest {

    private final Topics topics = Topics.of("exp1");
    private final ComputeBackend backend = ComputeBackends.create(ComputeBackends.defaultName());
    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
            new ByteArraySerializer());
    private final LearnerMetrics metrics = new LearnerMetrics(new SimpleMeterRegistry(), "swing-up", 100);
    private Ddpg agent;
    private KafkaPolicyPublisher publisher;

    @BeforeEach
    void setUp() {
        agent = new Ddpg(DdpgConfig.ddpg().with(Map.of("actor-hidden", "4", "critic-hidden", "4")), 3, 1, backend,
                new SplittableRandom(1));
        producer.initTransactions();
        publisher = new KafkaPolicyPublisher(producer, topics.policy(), "swing-up", "exp1", "exp1.learner.swing-up",
                5, new double[] {-2}, new double[] {2}, Clock.systemUTC(),
                metrics);
    }

    @AfterEach
    void tearDown() {
        backend.close();
    }

    @Test
    void eachSnapshotIsCommittedInATransactionOfItsOwn() {
        publisher.publish(agent, ObservationNormalizer.identity(3));
        publisher.publish(agent, ObservationNormalizer.identity(3));
        assertThat(producer.transactionCommitted()).isTrue();
        assertThat(producer.transactionInFlight()).isFalse();
        assertThat(versions(producer.history())).containsExactly(5L, 6L);
        assertThat(metrics.snapshot().policiesPublished()).isEqualTo(2);
        assertThat(metrics.snapshot().policyVersion()).isEqualTo(6);
    }

    @Test
    void aFencedPublisherStopsWithTheReasonInOneSentence() {
        publisher.publish(agent, ObservationNormalizer.identity(3));
        producer.fenceProducer();
        assertThatThrownBy(() -> publisher.publish(agent, ObservationNormalizer.identity(3))).isInstanceOf(PolicyFencedException.class)
                .hasMessage("another learner for policy swing-up in namespace exp1 took over (transactional id"
                        + " exp1.learner.swing-up); this one stops without publishing v6");
        assertThat(metrics.snapshot().policiesPublished()).isEqualTo(1);
    }

    @Test
    void aFailedCommitIsAbortedAndTheNextSnapshotIsPublished() {
        producer.commitTransactionException = new KafkaException("broken");
        publisher.publish(agent, ObservationNormalizer.identity(3));
        assertThat(producer.transactionAborted()).isTrue();
        producer.commitTransactionException = null;
        publisher.publish(agent, ObservationNormalizer.identity(3));
        assertThat(versions(producer.history())).containsExactly(6L);
        assertThat(metrics.snapshot().policiesPublished()).isEqualTo(1);
    }

    @Test
    void aTimedOutCommitIsRetriedByTheNextPublish() {
        producer.commitTransactionException = new TimeoutException("slow");
        publisher.publish(agent, ObservationNormalizer.identity(3));
        assertThat(producer.transactionInFlight()).isTrue();
        assertThat(metrics.snapshot().policiesPublished()).isZero();
        producer.commitTransactionException = null;
        publisher.publish(agent, ObservationNormalizer.identity(3));
        assertThat(versions(producer.history())).containsExactly(5L, 6L);
        assertThat(metrics.snapshot().policiesPublished()).isEqualTo(2);
        assertThat(metrics.snapshot().policyVersion()).isEqualTo(6);
    }

    @Test
    void republishingSendsTheLastPublishedWeightsUnderTheNextVersion() {
        publisher.republishLast(); // nothing published yet: nothing to send
        assertThat(producer.history()).isEmpty();

        publisher.publish(agent, ObservationNormalizer.identity(3));
        float[] published = agent.actor().parametersToArray();
        agent.actor().loadParameters(new float[published.length]); // the agent moves on
        publisher.republishLast();

        assertThat(versions(producer.history())).containsExactly(5L, 6L);
        List<PolicySnapshot> snapshots = producer.history().stream()
                .map(r -> PolicyEnvelopes.open(topics.policy().decodeValue(r.value()))).toList();
        assertThat(snapshots.get(1).weights()).isEqualTo(published).isEqualTo(snapshots.get(0).weights());
        assertThat(metrics.snapshot().policyVersion()).isEqualTo(6);
    }

    private List<Long> versions(List<ProducerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> PolicyEnvelopes.open(topics.policy().decodeValue(r.value())).version())
                .toList();
    }
}
