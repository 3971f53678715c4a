package io.streamrl.join;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamrl.broker.testing.EmbeddedKafkaExtension;
import io.streamrl.broker.testing.SharedKafka;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.schemas.Topics;
import io.streamrl.schemas.avro.Decision;
import io.streamrl.schemas.avro.DecisionMode;
import io.streamrl.schemas.avro.Reward;
import io.streamrl.schemas.avro.Transition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The join as a Kafka Streams application on the embedded broker: stopped half way and
 * restarted on an empty state directory (so its stores come back from their changelogs only),
 * it sends every transition exactly once, read as the learner reads them ({@code read_committed}).
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class JoinServiceIT {

    private static final int ENTITIES = 40;
    private static final int DECISIONS_PER_ENTITY = 5;
    private static final JoinConfig CONFIG = JoinConfig.defaults().withRewardWait(Duration.ofMinutes(1))
            .withPunctuateEvery(Duration.ofMillis(200));

    @TempDir
    Path firstStateDir;

    @TempDir
    Path secondStateDir;

    @Test
    void aRestartNeitherLosesNorRepeatsATransition(SharedKafka broker, TestInfo test) throws Exception {
        KafkaSettings settings = KafkaSettings.of(broker.bootstrapServers(), broker.freshNamespace("join-restart"));
        Topics topics = settings.topics();
        Instant t0 = Instant.now();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        JoinService join = JoinService.start(settings, CONFIG, firstStateDir, registry, Clock.systemUTC());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings.producer("test-producer"))) {
            // Steps 0-2 of every entity, each rewarded: steps 0 and 1 have their s' and go out.
            send(producer, topics, t0, 0, 3, false);
            assertThat(readTransitions(settings, ENTITIES * 2, Duration.ofSeconds(60))).hasSize(ENTITIES * 2);
            join.close();

            // While the join is down: steps 3 and 4, and a repeat of step 1's reward.
            send(producer, topics, t0, 3, DECISIONS_PER_ENTITY, true);
        }

        join = JoinService.start(settings, CONFIG, secondStateDir, registry, Clock.systemUTC());
        try {
            int expected = ENTITIES * (DECISIONS_PER_ENTITY - 1); // the last step of each still waits for its s'
            List<Transition> all = readTransitions(settings, expected, Duration.ofSeconds(60));
            Map<String, Transition> byDecision = new HashMap<>();
            for (Transition t : all) {
                assertThat(byDecision.put(t.getDecisionId(), t)).as("sent twice: " + t.getDecisionId()).isNull();
            }
            assertThat(all).hasSize(expected);
            for (int e = 0; e < ENTITIES; e++) {
                for (int step = 0; step < DECISIONS_PER_ENTITY - 1; step++) {
                    Transition t = byDecision.get(decisionId(e, step));
                    assertThat(t).as(decisionId(e, step)).isNotNull();
                    assertThat(t.getReward()).isEqualTo(reward(e, step));
                    assertThat(t.getJoin().getRewardCount()).isEqualTo(1);
                    assertThat(t.getStep()).isEqualTo(step + 1);
                    assertThat(t.getNextObservation().get(0)).isEqualTo((float) (step + 1));
                }
            }
            // The join's health counters (both runs share the registry) agree, and the repeat of step 1's
            // reward, sent while the join was down, was recognised from the restored stores.
            assertThat(registry.get("join.transitions").tag("outcome", "joined").counter().count())
                    .isEqualTo(expected);
            assertThat(registry.get("join.rewards").tag("result", "repeated").counter().count()).isEqualTo(ENTITIES);
            assertThat(registry.get("join.rewards").tag("result", "late").counter().count()).isZero();
        } finally {
            join.close();
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, Topics topics, Instant t0, int fromStep,
                             int toStep, boolean repeatStepOne) {
        for (int step = fromStep; step < toStep; step++) {
            for (int e = 0; e < ENTITIES; e++) {
                String entity = "shop-" + e;
                Instant at = t0.plusMillis(step * 100L);
                Decision d = Decision.newBuilder()
                        .setDecisionId(decisionId(e, step)).setEntity(entity).setEnvId("Pricing-v0")
                        .setState(List.of((float) step, (float) e)).setAction(List.of(10f)).setPolicyAction(null)
                        .setLogDensity(null).setPolicyVersion(-1).setMode(DecisionMode.FALLBACK).setExplored(false)
                        .setClipped(false).setControlRevision(-1).setInstanceId("test").setEventTime(at).build();
                producer.send(new ProducerRecord<>(topics.decisions().name(), key(entity),
                        topics.decisions().valueSerde().codec().encode(d)));
                producer.send(new ProducerRecord<>(topics.rewards().name(), key(entity),
                        topics.rewards().valueSerde().codec().encode(reward(entity, e, step, at.plusMillis(10)))));
            }
        }
        if (repeatStepOne) {
            for (int e = 0; e < ENTITIES; e++) {
                producer.send(new ProducerRecord<>(topics.rewards().name(), key("shop-" + e),
                        topics.rewards().valueSerde().codec().encode(reward("shop-" + e, e, 1, t0.plusMillis(150)))));
            }
        }
        producer.flush();
    }

    private static Reward reward(String entity, int e, int step, Instant at) {
        return Reward.newBuilder().setDecisionId(decisionId(e, step)).setEntity(entity).setReward(reward(e, step))
                .setTerminal(false).setInstanceId("test").setEventTime(at).setRewardId("r" + step).build();
    }

    private static double reward(int e, int step) {
        return e * 10 + step;
    }

    private static String decisionId(int e, int step) {
        return "shop-" + e + "." + step;
    }

    private static byte[] key(String entity) {
        return entity.getBytes(StandardCharsets.UTF_8);
    }

    /** Reads the transitions topic from the start (read_committed) until {@code expected} arrived, then a little more. */
    private static List<Transition> readTransitions(KafkaSettings settings, int expected, Duration timeout) {
        Topics topics = settings.topics();
        List<Transition> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings.consumer("test-reader", null))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topics.transitions().name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            long settleUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, settleUntil)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(topics.transitions().decodeValue(r.value()));
                }
                if (out.size() >= expected && settleUntil == Long.MAX_VALUE) {
                    // Anything sent twice would show up within the next commits.
                    settleUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                }
            }
        }
        return out;
    }
}
