package io.streamrl.actor.serve;

import io.streamrl.kafka.KafkaSettings;
import io.streamrl.kafka.TopicFollower;
import io.streamrl.schemas.RecordDecodingException;
import io.streamrl.schemas.TopicSpec;
import io.streamrl.schemas.avro.Control;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one control loop's guardrails on the compacted control topic: every serve instance
 * reads it from the beginning (no consumer group) and obeys the newest revision, within a poll
 * of its publication ({@link #POLL_TIMEOUT}). A record with an older or equal revision, or one
 * that does not decode, is refused, counted and logged; the settings in force stay.
 */
public final class ControlFollower implements Supplier<Guardrails>, AutoCloseable {

    /** How quickly a new setting reaches an idle instance: well within the second promised. */
    public static final Duration POLL_TIMEOUT = Duration.ofMillis(200);

    private static final Logger log = LoggerFactory.getLogger(ControlFollower.class);

    private final TopicSpec<String, Control> topic;
    private final String loop;
    private final byte[] key;
    private final AtomicReference<Guardrails> current = new AtomicReference<>(Guardrails.NONE);
    private final AtomicLong rejected = new AtomicLong();
    private volatile TopicFollower follower;

    private ControlFollower(KafkaSettings settings, String loop) {
        this.topic = settings.topics().control();
        this.loop = loop;
        this.key = loop.getBytes(StandardCharsets.UTF_8);
    }

    /** Starts following the guardrails of {@code loop} (the policy name). */
    public static ControlFollower start(KafkaSettings settings, String clientId, String loop) {
        ControlFollower f = new ControlFollower(settings, loop);
        f.follower = TopicFollower.start(settings, clientId, f.topic.name(), "the guardrails of " + loop,
                POLL_TIMEOUT, f::handle, () -> { });
        return f;
    }

    /** The guardrails in force; {@link Guardrails#NONE} until a revision arrives. Never blocks. */
    @Override
    public Guardrails get() {
        return current.get();
    }

    /** Whether the topic was read to where it ended at start, within {@code timeout}. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return follower.awaitCaughtUp(timeout);
    }

    public long rejected() {
        return rejected.get();
    }

    @Override
    public void close() {
        follower.close();
    }

    private void handle(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null || record.key() == null || !Arrays.equals(record.key(), key)) {
            return;
        }
        Control control;
        try {
            control = topic.decodeValue(record.value());
        } catch (RecordDecodingException e) {
            refuse(record, "it cannot be decoded: " + e.getMessage());
            return;
        }
        Guardrails held = current.get();
        if (control.getRevision() <= held.revision()) {
            refuse(record, "revision " + control.getRevision() + " is not above the one in force, " + held.revision());
            return;
        }
        Guardrails next;
        try {
            next = guardrailsOf(control);
        } catch (IllegalArgumentException e) {
            refuse(record, e.getMessage());
            return;
        }
        current.set(next);
        log.info("guardrails of {} now revision {} (by {}): {}", loop, next.revision(), control.getUpdatedBy(), next);
    }

    private void refuse(ConsumerRecord<byte[], byte[]> record, String reason) {
        rejected.incrementAndGet();
        log.warn("refused control record for {} ({}-{} offset {}): {}", loop, record.topic(), record.partition(),
                record.offset(), reason);
    }

    /** The engine's view of a control record. */
    public static Guardrails guardrailsOf(Control c) {
        return new Guardrails(c.getRevision(), doubles(c.getActionLow()), doubles(c.getActionHigh()), c.getMaxChange(),
                c.getHoldoutShare(), c.getShadow(), c.getPinnedVersion(), c.getKillSwitch(),
                doubles(c.getFallbackAction()));
    }

    private static double[] doubles(List<Double> values) {
        return values == null ? null : values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
