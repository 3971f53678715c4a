package io.streamrl.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrl.broker.testing.EmbeddedKafkaExtension;
import io.streamrl.broker.testing.SharedKafka;
import io.streamrl.core.agent.DdpgConfig;
import io.streamrl.core.compute.ComputeBackends;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.pipeline.Pipeline;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * End to end: a learner and two simulation actors that share nothing but Kafka solve
 * Pendulum-v1 (10-episode mean evaluation return >= -200) within 20,000 environment steps with
 * the default settings and a fixed seed, through the {@link Pipeline} {@code streamrl demo} runs.
 * The run is asynchronous, so the exact step count varies between runs; typical is 7k-12k,
 * leaving room below the budget.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class PendulumThroughKafkaIT {

    private static final Logger log = LoggerFactory.getLogger(PendulumThroughKafkaIT.class);
    private static final long BUDGET = 20_000;

    @Test
    void aLearnerAndTwoActorsSolvePendulumThroughKafka(SharedKafka broker) throws Exception {
        DdpgConfig agent = DdpgConfig.ddpg();
        Pipeline.Settings settings = Pipeline.Settings.inStep("pendulum", agent, 1, 2, BUDGET, 100, 1_000,
                ComputeBackends.defaultName());
        KafkaSettings kafka = KafkaSettings.of(broker.bootstrapServers(), broker.freshNamespace("it-pendulum"));
        Pipeline.Outcome outcome = new Pipeline(kafka, settings, Clock.systemUTC())
                .run(point -> log.info("eval at {} steps: {}", point.envSteps(), point.evalMeanReturn()),
                        progress -> { }, Duration.ofSeconds(1));
        log.info("solved={} at {} steps, {} s; {} steps in all", outcome.solved(), outcome.envStepsToSolve(),
                outcome.wallSecondsToSolve(), outcome.envSteps());
        assertThat(outcome.learnerResult()).isNotNull();
        assertThat(outcome.learnerFailed()).as(outcome.learnerResult().reason()).isFalse();
        assertThat(outcome.ending()).isEqualTo(Pipeline.Ending.SOLVED);
        assertThat(outcome.solved()).as("solved within %d steps; curve %s", BUDGET, outcome.curve()).isTrue();
        assertThat(outcome.envStepsToSolve()).isLessThanOrEqualTo(BUDGET);
        assertThat(outcome.learner().policiesPublished()).isPositive();
        assertThat(outcome.learner().updateFailures()).as("guard trips on a healthy run").isZero();
        // Withheld policies are not asserted: DDPG on Pendulum can dip by more than eval-withhold-margin
        // (500) between two evaluations and recover (seen: -214 at 6,000 steps, -779 at 7,000, -241 at
        // 8,000), which is what withholding is for. Guard refusals above must stay at zero.
        log.info("policies withheld: {}", outcome.learner().policiesWithheld());
    }
}
