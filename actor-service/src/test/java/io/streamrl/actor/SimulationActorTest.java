package io.streamrl.actor;

import static io.streamrl.actor.KafkaTestSupport.publish;
import static io.streamrl.actor.KafkaTestSupport.readAll;
import static io.streamrl.actor.KafkaTestSupport.values;
import static io.streamrl.actor.TestPolicies.PENDULUM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.streamrl.broker.testing.EmbeddedKafkaExtension;
import io.streamrl.broker.testing.SharedKafka;
import io.streamrl.core.noise.NoiseType;
import io.streamrl.core.policy.PolicySnapshot;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.schemas.FloatLists;
import io.streamrl.schemas.avro.EpisodeSummary;
import io.streamrl.schemas.avro.Transition;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EmbeddedKafkaExtension.class)
class SimulationActorTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ACTOR = "actor-test-1";
    private static final float ACTION_BOUND = 2f;

    private final SharedKafka broker;
    private final ExecutorService background = Executors.newSingleThreadExecutor();
    private final List<ActorService> services = new ArrayList<>();
    private String namespace;
    private KafkaSettings settings;

    SimulationActorTest(SharedKafka broker) {
        this.broker = broker;
    }

    @BeforeEach
    void namespace(TestInfo test) {
        namespace = broker.freshNamespace("act-" + test.getTestMethod().orElseThrow().getName());
        settings = KafkaSettings.of(broker.bootstrapServers(), namespace);
    }

    @AfterEach
    void stop() throws InterruptedException {
        services.forEach(ActorService::close);
        background.shutdownNow();
        assertThat(background.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void publishesEveryStepWithThePolicyVersionAndCountsExactAcknowledgements() throws Exception {
        PolicySnapshot policy = TestPolicies.quietPendulum(PENDULUM, 7);
        ensureTopics();
        publish(settings, policy);
        ActorService service = start(c -> c.maxSteps(2_000).metricsPort(0));

        service.run();

        ActorStats stats = service.stats();
        List<ConsumerRecord<String, Transition>> records = readAll(settings, settings.topics().transitions());
        assertThat(stats.envSteps()).isEqualTo(2_000);
        assertThat(stats.transitionsSent()).isEqualTo(2_000);
        assertThat(stats.transitionsFailed()).isZero();
        assertThat(stats.transitionsAcked()).isEqualTo(records.size()).isEqualTo(2_000);
        assertThat(stats.policyVersion()).isEqualTo(7);
        assertThat(stats.policySwaps()).isEqualTo(1);
        assertThat(records).allSatisfy(r -> assertThat(r.key()).isEqualTo(ACTOR));

        List<Transition> transitions = values(records);
        double[] noise = new double[transitions.size()];
        for (int i = 0; i < transitions.size(); i++) {
            Transition t = transitions.get(i);
            assertThat(t.getActorId()).isEqualTo(ACTOR);
            assertThat(t.getEnvId()).isEqualTo(PENDULUM);
            assertThat(t.getPolicyVersion()).isEqualTo(7);
            assertThat(t.getEpisode()).isEqualTo(i / 200);
            assertThat(t.getStep()).isEqualTo(i % 200 + 1);
            assertThat(t.getTruncated()).isEqualTo(t.getStep() == 200);
            assertThat(t.getTerminated()).isFalse();
            assertThat(t.getAction()).hasSize(1).allSatisfy(a -> assertThat(a).isBetween(-ACTION_BOUND, ACTION_BOUND));
            assertThat(t.getExplorationNoise()).hasSize(1);
            // The behaviour action is the policy's own action plus the recorded noise.
            double policyAction = policy.act(FloatLists.toArray(t.getObservation()))[0];
            assertThat((double) t.getAction().get(0) - t.getExplorationNoise().get(0)).isCloseTo(policyAction, within(1e-6));
            if (t.getStep() > 1) {
                assertThat(t.getObservation()).isEqualTo(transitions.get(i - 1).getNextObservation());
            }
            noise[i] = t.getExplorationNoise().get(0);
            // The Gaussian density of the noise in normalised units (sigma 0.1), where the action was not clipped.
            double z = t.getExplorationNoise().get(0) / ACTION_BOUND;
            if (Math.abs(t.getAction().get(0)) < ACTION_BOUND) {
                assertThat(t.getLogDensity()).isCloseTo(-0.5 * Math.log(2 * Math.PI * 0.01) - z * z / 0.02,
                        within(1e-4));
            }
        }
        // Gaussian sigma 0.1 in [-1, 1] is 0.2 torque units in [-2, 2]; 2,000 samples estimate it to about 1.6%.
        assertThat(mean(noise)).isCloseTo(0.0, within(0.02));
        assertThat(std(noise)).isCloseTo(0.2, within(0.02));

        List<EpisodeSummary> episodes = values(readAll(settings, settings.topics().episodes()));
        assertThat(episodes).hasSize(10);
        assertThat(stats.episodes()).isEqualTo(10);
        Map<Long, Double> returns = new HashMap<>();
        transitions.forEach(t -> returns.merge(t.getEpisode(), t.getReward(), Double::sum));
        for (EpisodeSummary e : episodes) {
            assertThat(e.getActorId()).isEqualTo(ACTOR);
            assertThat(e.getLength()).isEqualTo(200);
            assertThat(e.getTerminated()).isFalse();
            assertThat(e.getPolicyVersion()).isEqualTo(7);
            assertThat(e.getEpisodeReturn()).isEqualTo(returns.get(e.getEpisode()));
        }
        assertThat(episodes).extracting(EpisodeSummary::getEpisode).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L,
                8L, 9L);
        assertThat(stats.lastEpisodeReturn()).isEqualTo(returns.get(9L));

        String metrics = scrape(service.metricsPort().orElseThrow());
        assertThat(metrics)
                .contains("actor_transitions_acked_total{actor=\"" + ACTOR + "\"} 2000.0")
                .contains("actor_env_steps_total{actor=\"" + ACTOR + "\"} 2000.0")
                .contains("actor_episodes_total{actor=\"" + ACTOR + "\"} 10.0")
                .contains("actor_policy_version{actor=\"" + ACTOR + "\"} 7.0")
                .contains("actor_policy_swaps_total{actor=\"" + ACTOR + "\"} 1.0")
                .contains("actor_transitions_failed_total{actor=\"" + ACTOR + "\"} 0.0");
    }

    @Test
    void aPolicySwapTakesEffectBetweenStepsOnceTheLagLimitMadeTheActorWait() throws Exception {
        PolicySnapshot v1 = TestPolicies.pendulum(PENDULUM, 1);
        PolicySnapshot v2 = TestPolicies.pendulum(PENDULUM, 2);
        ensureTopics();
        publish(settings, v1);
        ActorService service = start(c -> c.maxSteps(600).maxPolicyLag(300).warmupSteps(0).policyWait(WAIT));
        Future<?> run = background.submit(service::run);

        await().atMost(WAIT).until(() -> service.stats().envSteps() == 300);
        publish(settings, v2);
        run.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        List<Transition> transitions = values(readAll(settings, settings.topics().transitions()));
        assertThat(transitions).hasSize(600);
        // Without the wait the actor would have run all 600 steps on version 1 before version 2 was published.
        assertThat(transitions.subList(0, 300)).allSatisfy(t -> assertThat(t.getPolicyVersion()).isEqualTo(1));
        assertThat(transitions.subList(300, 600)).allSatisfy(t -> assertThat(t.getPolicyVersion()).isEqualTo(2));
        Map<Long, PolicySnapshot> byVersion = Map.of(1L, v1, 2L, v2);
        for (Transition t : transitions) {
            // Each step acted entirely with the version it records: the swap fell between two steps.
            double policyAction = byVersion.get(t.getPolicyVersion()).act(FloatLists.toArray(t.getObservation()))[0];
            assertThat((double) t.getAction().get(0) - t.getExplorationNoise().get(0)).isCloseTo(policyAction, within(1e-6));
        }
        ActorStats stats = service.stats();
        assertThat(stats.policyWaitTimeouts()).isZero();
        assertThat(stats.policySwaps()).isEqualTo(2);
        assertThat(stats.policyVersion()).isEqualTo(2);
    }

    @Test
    void actsUniformlyAtRandomUntilAPolicyArrivesAndWaitsForIt() throws Exception {
        ensureTopics();
        ActorService service = start(c -> c.maxSteps(100).maxPolicyLag(50).warmupSteps(0).policyWait(WAIT));
        Future<?> run = background.submit(service::run);

        await().atMost(WAIT).until(() -> service.stats().envSteps() == 50);
        assertThat(service.stats().policyVersion()).isEqualTo(-1);
        publish(settings, TestPolicies.pendulum(PENDULUM, 0));
        run.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        List<Transition> transitions = values(readAll(settings, settings.topics().transitions()));
        assertThat(transitions).hasSize(100);
        assertThat(transitions.subList(0, 50)).allSatisfy(t -> {
            assertThat(t.getPolicyVersion()).isEqualTo(-1);
            assertThat(t.getExplorationNoise()).isEmpty();
            assertThat(t.getLogDensity()).isCloseTo(-Math.log(2), within(1e-12)); // uniform on [-1, 1]
            assertThat(t.getAction()).hasSize(1).allSatisfy(a -> assertThat(a).isBetween(-ACTION_BOUND, ACTION_BOUND));
        });
        assertThat(transitions.subList(50, 100)).allSatisfy(t -> {
            assertThat(t.getPolicyVersion()).isZero();
            assertThat(t.getExplorationNoise()).hasSize(1);
        });
        // Uniform on [-2, 2]: 50 draws are not all on one side, and they differ.
        assertThat(transitions.subList(0, 50)).anySatisfy(t -> assertThat(t.getAction().get(0)).isNegative());
        assertThat(transitions.subList(0, 50)).anySatisfy(t -> assertThat(t.getAction().get(0)).isPositive());
        assertThat(service.stats().policyWaitTimeouts()).isZero();
    }

    @Test
    void policyWaitBoundsTheWaitWhenNoPolicyArrives() {
        ensureTopics();
        ActorService service = start(c -> c.maxSteps(100).maxPolicyLag(20).warmupSteps(0).policyWait(Duration.ofMillis(200)));

        long start = System.nanoTime();
        service.run();
        long elapsed = System.nanoTime() - start;

        ActorStats stats = service.stats();
        assertThat(stats.envSteps()).isEqualTo(100);
        // Waits before steps 21, 41, 61 and 81; step 100 ends the run without a wait.
        assertThat(stats.policyWaitTimeouts()).isEqualTo(4);
        assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(4 * 200).toNanos());
        assertThat(stats.transitionsAcked()).isEqualTo(100);
        assertThat(stats.policyVersion()).isEqualTo(-1);
    }

    @Test
    void afterTheWarmUpWithoutAPolicyEachTimedOutWaitGrantsOnlyTheLagAllowance() {
        ensureTopics();
        ActorService service = start(c -> c.maxSteps(100).maxPolicyLag(10).warmupSteps(60)
                .policyWait(Duration.ofMillis(100)));

        service.run();

        ActorStats stats = service.stats();
        assertThat(stats.envSteps()).isEqualTo(100);
        // Waits before steps 61, 71, 81 and 91: 60 warm-up steps once, then 10 per timed-out wait (not 60 again).
        assertThat(stats.policyWaitTimeouts()).isEqualTo(4);
        assertThat(stats.policyVersion()).isEqualTo(-1);
    }

    @Test
    void closeStopsBetweenStepsAndFlushesEverythingSent() throws Exception {
        ensureTopics();
        publish(settings, TestPolicies.pendulum(PENDULUM, 3));
        ActorService service = start(c -> c.maxSteps(0));
        Future<?> run = background.submit(service::run);

        await().atMost(WAIT).until(() -> service.stats().envSteps() >= 500);
        service.close();
        run.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        ActorStats stats = service.stats();
        List<Transition> transitions = values(readAll(settings, settings.topics().transitions()));
        assertThat(stats.transitionsFailed()).isZero();
        assertThat(stats.transitionsSent()).isEqualTo(stats.envSteps());
        assertThat(stats.transitionsAcked()).isEqualTo(stats.envSteps()).isEqualTo(transitions.size());
        for (int i = 0; i < transitions.size(); i++) {
            assertThat(transitions.get(i).getStep()).isEqualTo(i % 200 + 1);
        }
    }

    @Test
    void sendFailuresAreCountedNotDropped() {
        // A transitions topic that accepts no record of a transition's size.
        broker.createTopic(settings.topics().transitions().name(), 1, Map.of("max.message.bytes", "64"));
        ensureTopics();
        ActorService service = start(c -> c.maxSteps(30));

        service.run();

        ActorStats stats = service.stats();
        assertThat(stats.envSteps()).isEqualTo(30);
        assertThat(stats.transitionsSent()).isEqualTo(30);
        assertThat(stats.transitionsAcked()).isZero();
        assertThat(stats.transitionsFailed()).isEqualTo(30);
    }

    @Test
    void theSameSeedGivesTheSameTransitionsAndAnotherSeedOthers() throws Exception {
        PolicySnapshot policy = TestPolicies.pendulum(PENDULUM, 5);
        Clock clock = Clock.fixed(Instant.parse("2024-05-01T12:00:00Z"), ZoneOffset.UTC);
        List<Transition> first = runIn(namespace + "-a", 42, policy, clock);
        List<Transition> second = runIn(namespace + "-b", 42, policy, clock);
        List<Transition> otherSeed = runIn(namespace + "-c", 43, policy, clock);

        assertThat(first).hasSize(250).isEqualTo(second);
        assertThat(first).extracting(Transition::getAction).isNotEqualTo(
                otherSeed.stream().map(Transition::getAction).toList());
    }

    private List<Transition> runIn(String ns, long seed, PolicySnapshot policy, Clock clock) {
        KafkaSettings own = KafkaSettings.of(broker.bootstrapServers(), ns);
        io.streamrl.kafka.TopicBootstrap.ensureTopics(own, own.topics().all(), Clock.systemUTC());
        publish(own, policy);
        ActorConfig config = ActorConfig.builder(ACTOR, "pendulum", seed).noise(NoiseType.OU).noiseSigma(0.3)
                .noiseDecay(0.5).maxSteps(250).build();
        ActorService service = ActorService.start(config, own, clock);
        services.add(service);
        service.run();
        return values(readAll(own, own.topics().transitions()));
    }

    private ActorService start(Consumer<ActorConfig.Builder> options) {
        ActorConfig.Builder builder = ActorConfig.builder(ACTOR, "pendulum", 11);
        options.accept(builder);
        ActorService service = ActorService.start(builder.build(), settings, Clock.systemUTC());
        services.add(service);
        return service;
    }

    private void ensureTopics() {
        io.streamrl.kafka.TopicBootstrap.ensureTopics(settings, settings.topics().all(), Clock.systemUTC());
    }

    private static String scrape(int port) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    private static double std(double[] values) {
        double mean = mean(values);
        double sum = 0;
        for (double v : values) {
            sum += (v - mean) * (v - mean);
        }
        return Math.sqrt(sum / (values.length - 1));
    }
}
