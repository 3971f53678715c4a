package io.streamrl.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamrl.actor.ActorConfig;
import io.streamrl.actor.ActorService;
import io.streamrl.actor.ActorStats;
import io.streamrl.broker.testing.EmbeddedKafkaExtension;
import io.streamrl.broker.testing.SharedKafka;
import io.streamrl.core.agent.DdpgConfig;
import io.streamrl.core.train.TrainListener;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.learner.LearnerConfig;
import io.streamrl.learner.LearnerService;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every transition the actors' producers had acknowledged is counted by the learner exactly once:
 * 100,000 transitions from 3 actors, no more, no fewer.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class ExactlyOnceCountingIT {

    private static final int TOTAL = 100_000;

    @Test
    void theLearnerReceivesEveryAcknowledgedTransitionExactlyOnce(SharedKafka broker) throws Exception {
        KafkaSettings kafka = KafkaSettings.of(broker.bootstrapServers(), broker.freshNamespace("it-exactly-once"));
        // A learner that only ingests: learning would start after more transitions than the test sends.
        DdpgConfig ingestOnly = DdpgConfig.ddpg().with(Map.of("buffer-capacity", "150000",
                "learning-starts", "150000"));
        LearnerConfig learnerConfig = LearnerConfig.builder("pendulum").algorithm(ingestOnly).build();
        try (LearnerService learner = new LearnerService(kafka, learnerConfig, Clock.systemUTC(), TrainListener.NONE)) {
            CompletableFuture<?> learnerRun = CompletableFuture.supplyAsync(learner::run);
            int[] steps = {TOTAL / 3, TOTAL / 3, TOTAL - 2 * (TOTAL / 3)};
            List<ActorService> actors = new ArrayList<>();
            List<CompletableFuture<Void>> runs = new ArrayList<>();
            try {
                for (int i = 0; i < steps.length; i++) {
                    ActorService actor = ActorService.start(ActorConfig.builder("counting-actor-" + i, "pendulum", i)
                            .maxSteps(steps[i]).build(), kafka, Clock.systemUTC());
                    actors.add(actor);
                    runs.add(CompletableFuture.runAsync(actor::run));
                }
                CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get();
            } finally {
                actors.forEach(ActorService::close);
            }
            long acked = actors.stream().map(ActorService::stats).mapToLong(ActorStats::transitionsAcked).sum();
            long failed = actors.stream().map(ActorService::stats).mapToLong(ActorStats::transitionsFailed).sum();
            assertThat(acked).isEqualTo(TOTAL);
            assertThat(failed).isZero();

            await().atMost(Duration.ofSeconds(60)).until(() -> learner.stats().transitionsReceived() >= TOTAL);
            // Nothing arrives twice: the count stays put after everything was read.
            Thread.sleep(1_000);
            assertThat(learner.stats().transitionsReceived()).isEqualTo(acked);
            assertThat(learner.stats().transitionsRejected()).isZero();
            assertThat(learner.stats().bufferSize()).isEqualTo(TOTAL);
            learner.close();
            learnerRun.get();
        }
    }
}
