package io.streamrl.actor;

import static io.streamrl.actor.KafkaTestSupport.publish;
import static io.streamrl.actor.KafkaTestSupport.readAll;
import static io.streamrl.actor.TestPolicies.PENDULUM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamrl.broker.EmbeddedBrokerConfig;
import io.streamrl.broker.EmbeddedKafkaBroker;
import io.streamrl.broker.testing.RestartablePorts;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.kafka.TopicBootstrap;
import io.streamrl.schemas.avro.EpisodeSummary;
import io.streamrl.schemas.avro.Transition;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fault test (issue 15): the broker stops for a few seconds under running simulation actors and
 * comes back on the same data directory and port. The actors must live through it (they pause,
 * they do not fail), reconnect by themselves, and every transition their producers saw
 * acknowledged must be on the topic exactly once, in step order: no gap, no duplicate.
 *
 * <p>This test owns its broker (it stops it), so it does not use the shared one.
 */
@Timeout(180)
class BrokerRestartFaultTest {

    private static final Logger log = LoggerFactory.getLogger(BrokerRestartFaultTest.class);
    private static final Duration WAIT = Duration.ofSeconds(60);
    /**
     * How long the broker stays away (its stop and start come on top): longer than the clients'
     * reconnect backoff (2 s at most), well short of the 60 s a producer waits for metadata.
     */
    private static final Duration OUTAGE = Duration.ofSeconds(3);
    private static final List<String> ACTORS = List.of("restart-actor-0", "restart-actor-1");
    private static final int EPISODE_LENGTH = 200;
    /** Acknowledged steps per actor before the outage and again after the restart. */
    private static final long STEPS_EACH_SIDE = 1_000;

    private final ExecutorService runners = Executors.newFixedThreadPool(ACTORS.size());
    private final List<ActorService> services = new ArrayList<>();
    private final List<EmbeddedKafkaBroker> brokers = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        services.forEach(ActorService::close);
        runners.shutdownNow();
        assertThat(runners.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        brokers.forEach(EmbeddedKafkaBroker::close);
    }

    @Test
    void aBrokerRestartUnderRunningActorsLosesNoAcknowledgedTransition(@TempDir Path tmp) throws Exception {
        // The restarted broker must listen where the clients already point: the same port.
        EmbeddedBrokerConfig config = EmbeddedBrokerConfig.defaults().withDataDir(tmp.resolve("broker"))
                .withPort(RestartablePorts.belowTheEphemeralRange());
        EmbeddedKafkaBroker first = startBroker(config);
        KafkaSettings settings = KafkaSettings.of(first.bootstrapServers(), "fault-broker-restart");
        TopicBootstrap.ensureTopics(settings, settings.topics().all(), Clock.systemUTC());
        publish(settings, TestPolicies.pendulum(PENDULUM, 1));

        List<Future<?>> runs = new ArrayList<>();
        for (int i = 0; i < ACTORS.size(); i++) {
            // With no learner, version 1 stays the newest: after every 200 steps the actor waits
            // 50 ms for a newer one and goes on. That is the throttle a dead learner puts on a real
            // actor, and it holds the run to a few thousand steps per second, so the topic stays
            // small enough to check record by record.
            ActorService service = ActorService.start(ActorConfig.builder(ACTORS.get(i), "pendulum", 100 + i)
                    .maxPolicyLag(200).warmupSteps(0).policyWait(Duration.ofMillis(50)).build(),
                    settings, Clock.systemUTC());
            services.add(service);
            runs.add(runners.submit(service::run));
        }
        await().atMost(WAIT).until(() -> services.stream().allMatch(s -> s.stats().transitionsAcked() >= STEPS_EACH_SIDE));

        long outageStart = System.nanoTime();
        first.close();
        List<ActorStats> atStop = stats();
        log.info("broker stopped; actors at {}", atStop);
        // The outage itself. The actors must be alive through all of it; they do not step much:
        // the broker's controlled shutdown leaves their producers without the topic's metadata,
        // so the next send waits for it (up to the producer's max.block.ms, 60 s) and the step
        // loop with it. That wait is what keeps the sends from failing.
        await().during(OUTAGE).atMost(OUTAGE.plusSeconds(5)).until(() -> runs.stream().noneMatch(Future::isDone));
        List<ActorStats> beforeRestart = stats();
        log.info("broker away {} s; actors at {}", OUTAGE.toSeconds(), beforeRestart);
        for (int i = 0; i < ACTORS.size(); i++) {
            // Sends queued behind the missing broker: what the restart has to deliver.
            assertThat(beforeRestart.get(i).transitionsSent()).as("sends of %s pending at the restart", ACTORS.get(i))
                    .isGreaterThan(beforeRestart.get(i).transitionsAcked());
            assertThat(beforeRestart.get(i).transitionsFailed()).isZero();
        }

        EmbeddedKafkaBroker second = startBroker(config);
        long restarted = System.nanoTime();
        assertThat(second.bootstrapServers()).isEqualTo(settings.bootstrapServers());
        double outageSeconds = (restarted - outageStart) / 1e9;
        // Nobody tells the actors: their clients find the broker again on their own, deliver what
        // waited, and go on.
        await().atMost(WAIT).until(() -> {
            List<ActorStats> now = stats();
            for (int i = 0; i < ACTORS.size(); i++) {
                if (now.get(i).transitionsAcked() <= beforeRestart.get(i).transitionsAcked()) {
                    return false;
                }
            }
            return true;
        });
        log.info("broker unreachable for {} s; every actor had an acknowledgement {} s after it was back",
                String.format("%.1f", outageSeconds), String.format("%.1f", (System.nanoTime() - restarted) / 1e9));
        await().atMost(WAIT).until(() -> {
            List<ActorStats> now = stats();
            for (int i = 0; i < ACTORS.size(); i++) {
                if (now.get(i).transitionsAcked() < beforeRestart.get(i).transitionsSent() + STEPS_EACH_SIDE) {
                    return false;
                }
            }
            return true;
        });
        services.forEach(ActorService::close);
        for (Future<?> run : runs) {
            run.get(WAIT.toSeconds(), TimeUnit.SECONDS); // ended normally: no exception on the actor thread
        }

        List<ConsumerRecord<String, Transition>> records = readAll(settings, settings.topics().transitions());
        Map<String, List<Transition>> byActor = new LinkedHashMap<>();
        records.forEach(r -> byActor.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value()));
        List<EpisodeSummary> summaries = KafkaTestSupport.values(readAll(settings, settings.topics().episodes()));
        assertThat(byActor).containsOnlyKeys(ACTORS);
        for (int i = 0; i < ACTORS.size(); i++) {
            String actor = ACTORS.get(i);
            ActorStats end = services.get(i).stats();
            log.info("{}: {} steps, {} sent, {} acknowledged, {} failed, {} on the topic", actor, end.envSteps(),
                    end.transitionsSent(), end.transitionsAcked(), end.transitionsFailed(), byActor.get(actor).size());
            assertThat(end.transitionsFailed()).as("transitions of %s that failed", actor).isZero();
            assertThat(end.transitionsSent()).isEqualTo(end.envSteps());
            assertThat(end.transitionsAcked()).isEqualTo(end.transitionsSent());
            assertThat(end.episodeSummariesFailed()).isZero();
            assertThat(services.get(i).registry().get("actor.transitions.acked").functionCounter().count())
                    .isEqualTo(end.transitionsAcked());

            // Every acknowledged step, once, in the order it was taken: the n-th record is step
            // n % 200 + 1 of episode n / 200 (Pendulum-v1 never terminates; its time limit is 200).
            List<Transition> onTopic = byActor.get(actor);
            assertThat((long) onTopic.size()).as("transitions of %s on the topic", actor).isEqualTo(end.transitionsAcked());
            for (int n = 0; n < onTopic.size(); n++) {
                Transition t = onTopic.get(n);
                if (t.getEpisode() != n / EPISODE_LENGTH || t.getStep() != n % EPISODE_LENGTH + 1) {
                    throw new AssertionError(actor + ": record " + n + " is episode " + t.getEpisode() + " step "
                            + t.getStep() + ", expected episode " + n / EPISODE_LENGTH + " step "
                            + (n % EPISODE_LENGTH + 1) + " (a lost or repeated transition)");
                }
            }
            assertThat(summaries.stream().filter(s -> s.getActorId().equals(actor)).map(EpisodeSummary::getEpisode))
                    .as("episode summaries of %s", actor)
                    .containsExactlyElementsOf(LongStream.range(0, end.episodes()).boxed().toList());
        }
    }

    private EmbeddedKafkaBroker startBroker(EmbeddedBrokerConfig config) {
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(config);
        brokers.add(broker);
        return broker.start();
    }

    private List<ActorStats> stats() {
        return services.stream().map(ActorService::stats).toList();
    }
}
