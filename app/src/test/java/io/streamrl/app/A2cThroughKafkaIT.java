package io.streamrl.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrl.broker.testing.EmbeddedKafkaExtension;
import io.streamrl.broker.testing.SharedKafka;
import io.streamrl.core.agent.A2cConfig;
import io.streamrl.core.agent.VTrace;
import io.streamrl.core.compute.ComputeBackends;
import io.streamrl.core.rollout.StalenessPolicy;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.pipeline.Pipeline;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * End to end, A2C through Kafka: an A2C learner and three asynchronous rollout actors that share
 * nothing but Kafka learn CartPole-v1 to a 10-episode mean greedy evaluation return >= 475
 * (fixed seeds; the runs are asynchronous, so the step counts vary between runs). Then the same
 * with the first actor held {@value #LAG} versions behind the newest policy: with
 * {@code discard} (max-staleness 2) its segments are counted and dropped, with {@code vtrace}
 * they are corrected and learned from, and both still learn.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class A2cThroughKafkaIT {

    private static final Logger log = LoggerFactory.getLogger(A2cThroughKafkaIT.class);
    private static final long BUDGET = 300_000;
    private static final int LAG = 6;
    private static final int ACTORS = 3;
    private static final int ENVS_PER_ACTOR = 4;

    @Test
    void threeAsynchronousActorsLearnCartPoleThroughKafka(SharedKafka broker) throws Exception {
        Pipeline.Outcome outcome = run(broker, "it-a2c", Pipeline.OnPolicy.of(segmentsPerUpdate(ACTORS),
                StalenessPolicy.defaults(), ENVS_PER_ACTOR, 1));

        assertSolved(outcome);
        assertThat(outcome.learner().transitionsRejected()).isZero();
        // One rollout per actor per version, and an update takes exactly those: synchronous A2C.
        assertThat(outcome.learner().rolloutsDiscarded()).isZero();
    }

    @Test
    void aLaggingActorsSegmentsAreDiscardedOrCorrectedAndBothLearn(SharedKafka broker) throws Exception {
        // An update takes the segments the learner can use of one rollout per actor: those of the
        // two current actors with discard, all three actors' with vtrace.
        Pipeline.Outcome discard = run(broker, "it-a2c-discard", new Pipeline.OnPolicy(segmentsPerUpdate(ACTORS - 1),
                new StalenessPolicy(StalenessPolicy.Mode.DISCARD, 2, VTrace.defaults()), ENVS_PER_ACTOR, 1, 1, LAG));
        Pipeline.Outcome vtrace = run(broker, "it-a2c-vtrace", new Pipeline.OnPolicy(segmentsPerUpdate(ACTORS),
                new StalenessPolicy(StalenessPolicy.Mode.VTRACE, 2, VTrace.defaults()), ENVS_PER_ACTOR, 1, 1, LAG));

        assertSolved(discard);
        assertSolved(vtrace);
        // The lagging actor sends a third of the segments, each LAG versions behind when sent.
        long laggingSegments = discard.actors().get(0).transitionsAcked();
        assertThat(discard.learner().rolloutsDiscarded()).as("the lagging actor's segments are dropped")
                .isGreaterThan(laggingSegments / 2);
        assertThat(discard.learner().rolloutsCorrected()).isZero();
        assertThat(vtrace.learner().rolloutsDiscarded()).as("V-trace drops nothing").isZero();
        assertThat(vtrace.learner().rolloutsCorrected()).as("the lagging actor's segments are corrected")
                .isGreaterThan(vtrace.actors().get(0).transitionsAcked() / 2);
    }

    /** SB3's A2C with {@code num-envs} (segments per update) for one rollout of {@code actors} actors. */
    private static A2cConfig segmentsPerUpdate(int actors) {
        return A2cConfig.a2c().with(Map.of("num-envs", Integer.toString(actors * ENVS_PER_ACTOR)));
    }

    private static Pipeline.Outcome run(SharedKafka broker, String namespace, Pipeline.OnPolicy algorithm)
            throws InterruptedException {
        Pipeline.Settings settings = Pipeline.Settings.onPolicy("cartpole", algorithm, 1, ACTORS, BUDGET, 1, 50,
                ComputeBackends.SCALAR).withTimeout(Duration.ofMinutes(3));
        KafkaSettings kafka = KafkaSettings.of(broker.bootstrapServers(), broker.freshNamespace(namespace));
        Pipeline.Outcome outcome = new Pipeline(kafka, settings, Clock.systemUTC())
                .run(point -> log.info("{}: eval at {} steps, {} updates: {}", namespace, point.envSteps(),
                        point.updates(), point.evalMeanReturn()), progress -> { }, Duration.ofSeconds(1));
        log.info("{}: {} at {} steps, {} s; {} steps in all; learner {}", namespace, outcome.ending(),
                outcome.envStepsToSolve(), outcome.wallSecondsToSolve(), outcome.envSteps(), outcome.learner());
        return outcome;
    }

    private static void assertSolved(Pipeline.Outcome outcome) {
        assertThat(outcome.learnerResult()).isNotNull();
        assertThat(outcome.learnerFailed()).as(outcome.learnerResult().reason()).isFalse();
        assertThat(outcome.solved()).as("solved within %d steps; curve %s", BUDGET, outcome.curve()).isTrue();
        assertThat(outcome.ending()).isEqualTo(Pipeline.Ending.SOLVED);
        assertThat(outcome.learner().policiesPublished()).isPositive();
        assertThat(outcome.learner().updateFailures()).isZero();
    }
}
