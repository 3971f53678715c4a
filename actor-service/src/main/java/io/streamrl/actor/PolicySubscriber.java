package io.streamrl.actor;

import io.streamrl.core.policy.InvalidSnapshotException;
import io.streamrl.core.policy.PolicyName;
import io.streamrl.core.policy.PolicySnapshot;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.kafka.PolicyEnvelopes;
import io.streamrl.kafka.TopicFollower;
import io.streamrl.schemas.RecordDecodingException;
import io.streamrl.schemas.TopicSpec;
import io.streamrl.schemas.avro.PolicyEnvelope;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one policy name on the compacted policy topic and holds its newest valid snapshot.
 *
 * <p>Every partition is assigned by hand and read from the beginning, without a consumer group,
 * so that every actor sees every snapshot (a group would split them between actors). A record
 * is accepted only when its version is above the held one, it {@link PolicyEnvelopes#open opens}
 * (checksum, shapes, an envelope that describes its payload) and its shapes {@link PolicyFit fit}
 * the actor; anything else for this name is logged once with the reason and counted. Records of other policy names are skipped.
 *
 * <p>The poll loop runs on its own daemon thread; {@link #close()} wakes it and waits for it.
 * Readers never block: {@link #current()} is one volatile read.
 */
public final class PolicySubscriber implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PolicySubscriber.class);
    private static final Duration POLL_TIMEOUT = Duration.ofSeconds(1);

    private final TopicSpec<String, PolicyEnvelope> topic;
    private final String policyName;
    private final byte[] policyKey;
    private final PolicyFit fit;
    private final Clock clock;
    private final PolicyListener listener;
    private volatile TopicFollower follower;

    private final AtomicReference<PolicySnapshot> held = new AtomicReference<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final AtomicLong swaps = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private volatile boolean closed;

    private PolicySubscriber(KafkaSettings settings, String policyName, PolicyFit fit, Clock clock,
                             PolicyListener listener) {
        this.topic = settings.topics().policy();
        this.policyName = PolicyName.check("policy-name", policyName);
        this.policyKey = policyName.getBytes(StandardCharsets.UTF_8);
        this.fit = Objects.requireNonNull(fit, "fit");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Starts following {@code policyName} on the settings' policy topic.
     *
     * @param clientId Kafka client id of the consumer, e.g. {@code streamrl-actor-7f3a-policy}
     * @param fit the shapes a policy must have to be accepted
     * @param listener told about every accepted and refused snapshot, on the subscriber thread
     */
    public static PolicySubscriber start(KafkaSettings settings, String clientId, String policyName, PolicyFit fit,
                                         Clock clock, PolicyListener listener) {
        PolicySubscriber subscriber = new PolicySubscriber(settings, policyName, fit, clock, listener);
        subscriber.follower = TopicFollower.start(settings, clientId, subscriber.topic.name(), "policy " + policyName,
                POLL_TIMEOUT, subscriber::handle, subscriber::signalChange);
        return subscriber;
    }

    /** The newest accepted snapshot; empty until one arrives. Never blocks. */
    public Optional<PolicySnapshot> current() {
        return Optional.ofNullable(held.get());
    }

    /**
     * Waits until a snapshot newer than {@code version} is held, at most {@code timeout}.
     *
     * @return the held snapshot when it is newer than {@code version}; empty when the timeout
     *     passed or the subscriber was closed first
     */
    public Optional<PolicySnapshot> awaitNewerThan(long version, Duration timeout) throws InterruptedException {
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                PolicySnapshot snapshot = held.get();
                if (snapshot != null && snapshot.version() > version) {
                    return Optional.of(snapshot);
                }
                if (remaining <= 0 || closed) {
                    return Optional.empty();
                }
                remaining = changed.awaitNanos(remaining);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@link #close()} was called. */
    public boolean closed() {
        return closed;
    }

    /**
     * Waits until the subscriber has read the policy topic up to where it ended when the
     * subscriber started, so that a restarted actor begins with the newest policy.
     *
     * @return whether it caught up within {@code timeout}; false at once when the subscriber
     *     stopped before that
     */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return follower.awaitCaughtUp(timeout);
    }

    /** Snapshots accepted so far. */
    public long swaps() {
        return swaps.get();
    }

    /** Snapshots of this policy name refused so far (stale, corrupt or not fitting). */
    public long rejected() {
        return rejected.get();
    }

    public String policyName() {
        return policyName;
    }

    /** Stops the poll loop and waits for it; callers of {@link #awaitNewerThan} return at once. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        signalChange();
        follower.close();
    }

    private void handle(ConsumerRecord<byte[], byte[]> record) {
        byte[] key = record.key();
        if ((key != null && !Arrays.equals(key, policyKey)) || record.value() == null) {
            // Another policy, or a tombstone: deleting a policy from the topic does not take it from actors.
            return;
        }
        PolicyEnvelope envelope;
        try {
            envelope = topic.decodeValue(record.value());
        } catch (RecordDecodingException e) {
            reject(record, -1, "it cannot be decoded: " + e.getMessage());
            return;
        }
        if (!policyName.equals(envelope.getName())) {
            if (key != null) {
                reject(record, envelope.getVersion(), "its envelope names policy '" + envelope.getName()
                        + "' under the key '" + policyName + "'");
            }
            return;
        }
        long version = envelope.getVersion();
        PolicySnapshot current = held.get();
        if (current != null && version <= current.version()) {
            // A learner publishes above the newest version on the topic, even after a restart (PolicyVersions),
            // so a lower one comes from somewhere else.
            reject(record, version, "version " + version + " is not newer than the held version " + current.version()
                    + " (a second learner publishing this policy name, or a policy topic deleted and created again"
                    + " while this actor ran? restart the actors to follow the new versions)");
            return;
        }
        PolicySnapshot snapshot;
        try {
            snapshot = PolicyEnvelopes.open(envelope);
        } catch (InvalidSnapshotException e) {
            reject(record, version, e.getMessage());
            return;
        }
        Optional<String> misfit = fit.mismatch(snapshot);
        if (misfit.isPresent()) {
            reject(record, version, "it does not fit this actor: " + misfit.get());
            return;
        }
        accept(record, envelope, snapshot);
    }

    private void accept(ConsumerRecord<byte[], byte[]> record, PolicyEnvelope envelope, PolicySnapshot snapshot) {
        PolicySnapshot previous = held.getAndSet(snapshot);
        long acceptedAtNanos = System.nanoTime();
        swaps.incrementAndGet();
        signalChange();
        log.debug("policy {} version {} replaces {}", policyName, snapshot.version(), describe(previous));
        PolicySwap swap = new PolicySwap(snapshot, envelope.getCreatedAt(), Instant.ofEpochMilli(record.timestamp()),
                clock.instant(), acceptedAtNanos);
        try {
            listener.onSwap(swap);
        } catch (RuntimeException e) {
            log.warn("policy listener failed on {}: {}", snapshot, e.toString(), e);
        }
    }

    private void reject(ConsumerRecord<byte[], byte[]> record, long version, String reason) {
        rejected.incrementAndGet();
        log.warn("refused policy {} version {} ({}-{} offset {}): {}", policyName, version, record.topic(),
                record.partition(), record.offset(), reason);
        try {
            listener.onRejected(new PolicyRejection(version, reason, record.partition(), record.offset()));
        } catch (RuntimeException e) {
            log.warn("policy listener failed on a rejection: {}", e.toString(), e);
        }
    }

    private void signalChange() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private static String describe(PolicySnapshot snapshot) {
        return snapshot == null ? "random actions (no policy yet)" : "version " + snapshot.version();
    }
}
