package io.streamrl.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamrl.actor.ActorConfig;
import io.streamrl.actor.ActorService;
import io.streamrl.actor.PolicyListener;
import io.streamrl.actor.PolicyRejection;
import io.streamrl.actor.PolicySwap;
import io.streamrl.broker.testing.EmbeddedKafkaExtension;
import io.streamrl.broker.testing.SharedKafka;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.schemas.avro.Transition;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Actors and the compacted policy topic: hot swaps reach a running actor quickly, never go
 * backwards, and a restarted actor starts from the newest policy on the topic.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class PolicyHotSwapIT {

    /** Generous for a loaded 2-core CI machine; the propagation benchmark measures the real p99. */
    private static final Duration SWAP_BOUND = Duration.ofSeconds(5);

    @Test
    void aRunningActorSwapsToNewerVersionsWithinABoundAndNeverToAnOlderOne(SharedKafka broker) throws Exception {
        KafkaSettings kafka = KafkaSettings.of(broker.bootstrapServers(), broker.freshNamespace("it-hotswap"));
        List<Long> swaps = new CopyOnWriteArrayList<>();
        List<PolicyRejection> rejections = new CopyOnWriteArrayList<>();
        PolicyListener listener = new PolicyListener() {
            @Override
            public void onSwap(PolicySwap swap) {
                swaps.add(swap.snapshot().version());
            }

            @Override
            public void onRejected(PolicyRejection rejection) {
                rejections.add(rejection);
            }
        };
        ActorConfig config = ActorConfig.builder("hotswap-actor", "pendulum", 7).build();
        try (TestPolicies policies = new TestPolicies(kafka);
             ActorService actor = ActorService.start(config, kafka, Clock.systemUTC(), listener)) {
            CompletableFuture<Void> running = CompletableFuture.runAsync(actor::run);
            await().atMost(Duration.ofSeconds(30)).until(() -> actor.stats().envSteps() > 200);

            long sent = System.nanoTime();
            policies.publish(1);
            await().atMost(SWAP_BOUND).until(() -> actor.stats().policyVersion() == 1);
            assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(SWAP_BOUND);
            await().atMost(Duration.ofSeconds(10)).until(() -> actor.stats().envSteps() > 500);

            policies.publish(3);
            await().atMost(SWAP_BOUND).until(() -> actor.stats().policyVersion() == 3);
            policies.publish(2);
            await().atMost(SWAP_BOUND).until(() -> rejections.stream().anyMatch(r -> r.version() == 2));
            long stepsAfterRejection = actor.stats().envSteps();
            await().atMost(Duration.ofSeconds(10)).until(() -> actor.stats().envSteps() > stepsAfterRejection + 300);
            assertThat(actor.stats().policyVersion()).isEqualTo(3);

            actor.close();
            running.get();
            assertThat(swaps).containsExactly(1L, 3L);
            long acked = actor.stats().transitionsAcked();
            List<Transition> transitions = TopicReader.transitions(kafka, (int) acked, Duration.ofSeconds(30));
            assertThat(transitions).hasSize((int) acked);
            long previous = -1;
            for (Transition t : transitions) {
                assertThat(t.getPolicyVersion()).as("versions never go backwards").isGreaterThanOrEqualTo(previous);
                assertThat(t.getPolicyVersion()).isNotEqualTo(2L);
                previous = t.getPolicyVersion();
            }
            assertThat(transitions.stream().map(Transition::getPolicyVersion).distinct().toList())
                    .containsExactly(-1L, 1L, 3L);
        }
    }

    @Test
    void aRestartedActorResumesWithTheNewestPolicyOnTheCompactedTopic(SharedKafka broker) throws Exception {
        KafkaSettings kafka = KafkaSettings.of(broker.bootstrapServers(), broker.freshNamespace("it-restart"));
        try (TestPolicies policies = new TestPolicies(kafka)) {
            for (long v = 1; v <= 5; v++) {
                policies.publish(v);
            }
            ActorConfig config = ActorConfig.builder("restarted-actor", "pendulum", 3).maxSteps(50).build();
            try (ActorService first = ActorService.start(config, kafka, Clock.systemUTC())) {
                first.run();
                assertThat(first.stats().policyVersion()).isEqualTo(5);
            }
            policies.publish(6);
            try (ActorService second = ActorService.start(config, kafka, Clock.systemUTC())) {
                second.run();
                assertThat(second.stats().policyVersion()).isEqualTo(6);
            }
            List<Transition> transitions = TopicReader.transitions(kafka, 100, Duration.ofSeconds(30));
            assertThat(transitions).hasSize(100);
            // Neither run ever acted randomly or on an old version: each started from the newest.
            assertThat(transitions.subList(0, 50)).allMatch(t -> t.getPolicyVersion() == 5);
            assertThat(transitions.subList(50, 100)).allMatch(t -> t.getPolicyVersion() == 6);
        }
    }
}
