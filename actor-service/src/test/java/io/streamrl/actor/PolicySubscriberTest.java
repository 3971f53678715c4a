package io.streamrl.actor;

import static io.streamrl.actor.KafkaTestSupport.publish;
import static io.streamrl.actor.TestPolicies.PENDULUM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.streamrl.broker.testing.EmbeddedKafkaExtension;
import io.streamrl.broker.testing.SharedKafka;
import io.streamrl.core.env.Envs;
import io.streamrl.core.policy.PolicySnapshot;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.kafka.PolicyEnvelopes;
import io.streamrl.kafka.TopicBootstrap;
import io.streamrl.schemas.avro.PolicyEnvelope;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EmbeddedKafkaExtension.class)
class PolicySubscriberTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final PolicyFit PENDULUM_FIT = PolicyFit.forEnv(Envs.spec(PENDULUM));

    private KafkaSettings settings;
    private final Recorder recorder = new Recorder();
    private PolicySubscriber subscriber;

    @BeforeEach
    void namespace(SharedKafka broker, TestInfo test) {
        settings = KafkaSettings.of(broker.bootstrapServers(),
                broker.freshNamespace("sub-" + test.getTestMethod().orElseThrow().getName()));
    }

    @AfterEach
    void closeSubscriber() {
        if (subscriber != null) {
            subscriber.close();
        }
    }

    @Test
    void holdsTheNewestValidVersionAndRefusesStaleCorruptAndForeignOnes() {
        createPolicyTopic();
        subscriber = start(PENDULUM);

        publish(settings, TestPolicies.pendulum(PENDULUM, 1));
        publish(settings, TestPolicies.pendulum(PENDULUM, 3));
        publish(settings, TestPolicies.pendulum(PENDULUM, 2));
        publish(settings, PENDULUM, withCorruptPayload(TestPolicies.pendulum(PENDULUM, 5)));
        publish(settings, PENDULUM, misdescribingItsPayload(TestPolicies.pendulum(PENDULUM, 6)));
        publish(settings, TestPolicies.pendulum("other-policy", 4));
        PolicySnapshot v4 = TestPolicies.pendulum(PENDULUM, 4);
        publish(settings, v4);

        await().atMost(WAIT).until(() -> recorder.swapVersions().contains(4L));
        assertThat(recorder.swapVersions()).containsExactly(1L, 3L, 4L);
        assertThat(subscriber.current()).hasValueSatisfying(held -> {
            assertThat(held.name()).isEqualTo(PENDULUM);
            assertThat(held.toBytes()).isEqualTo(v4.toBytes());
        });
        assertThat(recorder.rejections).extracting(PolicyRejection::version).containsExactly(2L, 5L, 6L);
        assertThat(recorder.rejections.get(0).reason()).contains("version 2 is not newer than the held version 3");
        assertThat(recorder.rejections.get(1).reason()).contains("policy snapshot checksum mismatch");
        assertThat(recorder.rejections.get(2).reason()).contains("does not describe its payload");
        assertThat(subscriber.swaps()).isEqualTo(3);
        assertThat(subscriber.rejected()).isEqualTo(3);
    }

    @Test
    void reportsWhenEachAcceptedSnapshotWasMadePublishedAndAccepted() {
        createPolicyTopic();
        subscriber = start(PENDULUM);
        long before = System.nanoTime();
        Instant publishedFrom = Instant.now();
        PolicySnapshot v1 = TestPolicies.pendulum(PENDULUM, 1);
        publish(settings, v1);

        await().atMost(WAIT).until(() -> !recorder.swaps.isEmpty());
        PolicySwap swap = recorder.swaps.get(0);
        assertThat(swap.snapshot().version()).isEqualTo(1);
        assertThat(swap.createdAt()).isEqualTo(Instant.ofEpochMilli(v1.createdAtMillis()));
        assertThat(swap.recordTimestamp()).isBetween(publishedFrom.minusSeconds(1), swap.acceptedAt());
        assertThat(swap.acceptedAtNanos()).isGreaterThan(before);
    }

    @Test
    void awaitNewerThanWakesOnPublishAndTimesOutOtherwise() throws Exception {
        createPolicyTopic();
        subscriber = start(PENDULUM);
        publish(settings, TestPolicies.pendulum(PENDULUM, 1));
        assertThat(subscriber.awaitNewerThan(-1, WAIT)).map(PolicySnapshot::version).hasValue(1L);

        CompletableFuture<Optional<PolicySnapshot>> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return subscriber.awaitNewerThan(1, WAIT);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        publish(settings, TestPolicies.pendulum(PENDULUM, 2));
        long published = System.nanoTime();
        Optional<PolicySnapshot> woken = waiter.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        long wokenAfterMillis = (System.nanoTime() - published) / 1_000_000;
        assertThat(woken).map(PolicySnapshot::version).hasValue(2L);
        // Woken by the swap, far sooner than its 30 s timeout.
        assertThat(wokenAfterMillis).isLessThan(5_000);

        long start = System.nanoTime();
        assertThat(subscriber.awaitNewerThan(2, Duration.ofMillis(300))).isEmpty();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos());
        assertThat(subscriber.awaitNewerThan(1, Duration.ZERO)).map(PolicySnapshot::version).hasValue(2L);
    }

    @Test
    void closeEndsAWaitAtOnce() throws Exception {
        createPolicyTopic();
        subscriber = start(PENDULUM);
        CompletableFuture<Optional<PolicySnapshot>> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return subscriber.awaitNewerThan(-1, WAIT);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        long start = System.nanoTime();
        subscriber.close();
        assertThat(waiter.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEmpty();
        assertThat(System.nanoTime() - start).isLessThan(Duration.ofSeconds(15).toNanos());
    }

    @Test
    void refusesSnapshotsThatDoNotFitTheEnvironmentWithTheReason() {
        createPolicyTopic();
        subscriber = start(PENDULUM);
        publish(settings, TestPolicies.snapshot(PENDULUM, 1, new int[] {2, 4, 1}, new double[] {-2}, new double[] {2},
                0.5));
        publish(settings, TestPolicies.snapshot(PENDULUM, 2, new int[] {3, 4, 2}, new double[] {-2, -2},
                new double[] {2, 2}, 0.5));
        publish(settings, TestPolicies.snapshot(PENDULUM, 3, new int[] {3, 4, 1}, new double[] {-1}, new double[] {1},
                0.5));
        publish(settings, TestPolicies.pendulum(PENDULUM, 4));

        await().atMost(WAIT).until(() -> recorder.swapVersions().contains(4L));
        assertThat(recorder.swapVersions()).containsExactly(4L);
        assertThat(recorder.rejections).extracting(PolicyRejection::version).containsExactly(1L, 2L, 3L);
        assertThat(recorder.rejections.get(0).reason())
                .contains("does not fit", "observations of 2 values but the environment's have 3");
        assertThat(recorder.rejections.get(1).reason()).contains("actions of 2 values but the environment takes 1");
        assertThat(recorder.rejections.get(2).reason()).contains("action bounds [-1.0] .. [1.0]", "[-2.0] .. [2.0]");
    }

    @Test
    void startsWithTheNewestPolicyAlreadyOnTheTopic() throws Exception {
        createPolicyTopic();
        publish(settings, TestPolicies.pendulum(PENDULUM, 1));
        publish(settings, TestPolicies.pendulum(PENDULUM, 2));
        subscriber = start(PENDULUM);

        assertThat(subscriber.awaitCaughtUp(WAIT)).isTrue();
        assertThat(subscriber.current()).map(PolicySnapshot::version).hasValue(2L);
    }

    @Test
    void followsAPolicyTopicCreatedAfterItStarted() throws Exception {
        subscriber = start(PENDULUM);
        assertThat(subscriber.current()).isEmpty();
        createPolicyTopic();
        publish(settings, TestPolicies.pendulum(PENDULUM, 1));

        assertThat(subscriber.awaitNewerThan(-1, WAIT)).map(PolicySnapshot::version).hasValue(1L);
    }

    @Test
    void refusesToFollowANameNoLearnerMayPublish() {
        assertThatThrownBy(() -> start("two words"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("policy-name must be 1 to 128 characters from [A-Za-z0-9._-], got 'two words'");
    }

    private PolicySubscriber start(String policyName) {
        return PolicySubscriber.start(settings, "test-subscriber", policyName, PENDULUM_FIT, Clock.systemUTC(),
                recorder);
    }

    private void createPolicyTopic() {
        TopicBootstrap.ensureTopics(settings, List.of(settings.topics().policy()), Clock.systemUTC());
    }

    /** One weight bit flipped after sealing: only the payload's own SHA-256 can tell. */
    private static PolicyEnvelope withCorruptPayload(PolicySnapshot snapshot) {
        return PolicyEnvelope.newBuilder(PolicyEnvelopes.seal(snapshot))
                .setPayload(ByteBuffer.wrap(flipOneWeightBit(snapshot.toBytes())))
                .build();
    }

    /** An intact payload in an envelope that claims another creation time for it. */
    private static PolicyEnvelope misdescribingItsPayload(PolicySnapshot snapshot) {
        return PolicyEnvelope.newBuilder(PolicyEnvelopes.seal(snapshot))
                .setCreatedAt(Instant.ofEpochMilli(snapshot.createdAtMillis() + 1))
                .build();
    }

    private static byte[] flipOneWeightBit(byte[] bytes) {
        byte[] copy = bytes.clone();
        // The last 32 bytes are the engine checksum; the weights come just before them.
        copy[copy.length - 40] ^= 1;
        return copy;
    }

    private static final class Recorder implements PolicyListener {
        final List<PolicySwap> swaps = new CopyOnWriteArrayList<>();
        final List<PolicyRejection> rejections = new CopyOnWriteArrayList<>();

        @Override
        public void onSwap(PolicySwap swap) {
            swaps.add(swap);
        }

        @Override
        public void onRejected(PolicyRejection rejection) {
            rejections.add(rejection);
        }

        List<Long> swapVersions() {
            return swaps.stream().map(s -> s.snapshot().version()).toList();
        }
    }
}
