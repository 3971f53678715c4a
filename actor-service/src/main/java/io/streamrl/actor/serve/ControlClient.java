package io.streamrl.actor.serve;

import io.streamrl.kafka.KafkaSettings;
import io.streamrl.kafka.TopicBootstrap;
import io.streamrl.kafka.TopicFollower;
import io.streamrl.schemas.RecordDecodingException;
import io.streamrl.schemas.TopicSpec;
import io.streamrl.schemas.avro.Control;
import io.streamrl.schemas.avro.Decision;
import io.streamrl.schemas.avro.DecisionMode;
import io.streamrl.schemas.avro.PolicyEnvelope;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What {@code streamrl control} does on the topics: reads a loop's guardrails as they stand,
 * publishes a new revision (the old one with some settings changed, revision + 1), finds the
 * newest policy version for a rollback, and summarises shadow decisions.
 */
public final class ControlClient {

    private final KafkaSettings settings;
    private final Clock clock;

    public ControlClient(KafkaSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** The newest guardrail record of {@code loop}, empty when none was ever published. */
    public Optional<Control> current(String loop) {
        TopicSpec<String, Control> topic = settings.topics().control();
        Control[] newest = {null};
        byte[] key = loop.getBytes(StandardCharsets.UTF_8);
        readToEnd(topic, "the guardrails of " + loop, r -> {
            if (r.value() != null && Arrays.equals(r.key(), key)) {
                Control c = topic.decodeValue(r.value());
                if (newest[0] == null || c.getRevision() > newest[0].getRevision()) {
                    newest[0] = c;
                }
            }
        });
        return Optional.ofNullable(newest[0]);
    }

    /**
     * Publishes the next revision of {@code loop}'s guardrails: the current ones (or the
     * defaults) changed by {@code change}, and waits for the broker's acknowledgement.
     *
     * @throws IllegalArgumentException naming the setting when the result is not valid
     */
    public Control publish(String loop, UnaryOperator<Control.Builder> change, String updatedBy) {
        Control base = current(loop).orElseGet(() -> defaults(loop));
        Control next = change.apply(Control.newBuilder(base)).setLoop(loop).setRevision(base.getRevision() + 1)
                .setUpdatedBy(updatedBy).setEventTime(Instant.ofEpochMilli(clock.millis())).build();
        ControlFollower.guardrailsOf(next);
        TopicSpec<String, Control> topic = settings.topics().control();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings.producer("streamrl-control"))) {
            producer.send(new ProducerRecord<>(topic.name(), loop.getBytes(StandardCharsets.UTF_8),
                    topic.valueSerde().codec().encode(topic.name(), next))).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing the guardrails", e);
        } catch (Exception e) {
            throw new IllegalStateException("could not publish the guardrails of " + loop + ": " + e.getMessage(), e);
        }
        return next;
    }

    /** The newest version of policy {@code name} on the policy topic, empty when there is none. */
    public Optional<Long> newestPolicyVersion(String name) {
        TopicSpec<String, PolicyEnvelope> topic = settings.topics().policy();
        long[] newest = {-1};
        byte[] key = name.getBytes(StandardCharsets.UTF_8);
        readToEnd(topic, "policy " + name, r -> {
            if (r.value() != null && Arrays.equals(r.key(), key)) {
                try {
                    newest[0] = Math.max(newest[0], topic.decodeValue(r.value()).getVersion());
                } catch (RecordDecodingException e) {
                    // A record the actors refuse too: not a version to roll back from.
                }
            }
        });
        return newest[0] < 0 ? Optional.empty() : Optional.of(newest[0]);
    }

    /** Every shadow decision on the decisions topic that has the learned action beside the answer. */
    public List<Decision> shadowDecisions() {
        TopicSpec<String, Decision> topic = settings.topics().decisions();
        List<Decision> out = new ArrayList<>();
        readToEnd(topic, "the decisions", r -> {
            if (r.value() != null) {
                Decision d = topic.decodeValue(r.value());
                if (d.getMode() == DecisionMode.SHADOW && d.getPolicyAction() != null) {
                    out.add(d);
                }
            }
        });
        return out;
    }

    /** The defaults before any revision: no guardrails beyond the environment's. */
    public static Control defaults(String loop) {
        return Control.newBuilder().setLoop(loop).setRevision(0).setActionLow(null).setActionHigh(null)
                .setMaxChange(null).setHoldoutShare(0).setShadow(false).setPinnedVersion(null).setKillSwitch(false)
                .setFallbackAction(null).setUpdatedBy("").setEventTime(Instant.EPOCH).build();
    }

    private void readToEnd(TopicSpec<?, ?> spec, String what, Consumer<ConsumerRecord<byte[], byte[]>> handler) {
        // A missing topic would be waited for; created, it is simply empty.
        TopicBootstrap.ensureTopics(settings, List.of(spec), clock);
        String topic = spec.name();
        try (TopicFollower follower = TopicFollower.start(settings, "streamrl-control-reader", topic, what,
                Duration.ofMillis(200), handler, () -> { })) {
            if (!follower.awaitCaughtUp(settings.connectTimeout())) {
                throw new IllegalStateException("could not read " + topic + " to its end within "
                        + settings.connectTimeout().toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading " + topic, e);
        }
    }
}
