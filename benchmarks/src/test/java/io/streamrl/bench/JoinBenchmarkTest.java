package io.streamrl.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrl.kafka.KafkaClientConfig;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The join benchmark at a tiny size on an in-process broker: the counts must add up; the speed is not checked. */
class JoinBenchmarkTest {

    private static final int DECISIONS = 2_000;
    private static final int ENTITIES = 100;

    @Test
    void everyDecisionButEachEntitysLastBecomesAJoinedTransition() throws InterruptedException {
        JoinBenchmark.Result result = new JoinBenchmark(Clock.systemUTC())
                .run(new JoinBenchmark.Settings(DECISIONS, ENTITIES, 0, 1, false, 1, null, KafkaClientConfig.none()));

        assertThat(result.warmups()).isEmpty();
        assertThat(result.rounds()).hasSize(1);
        JoinBenchmark.Round round = result.rounds().get(0);
        assertThat(round.decisions()).isEqualTo(DECISIONS);
        assertThat(round.rewards()).isEqualTo(DECISIONS);
        // Each entity's last decision waits for its s' (the episode gap is an hour away).
        assertThat(round.transitions()).isEqualTo(DECISIONS - ENTITIES);
        JoinCounts counts = round.counts();
        assertThat(counts.joined()).isEqualTo(DECISIONS - ENTITIES);
        assertThat(counts.defaulted()).isZero();
        assertThat(counts.rewardsLate()).isZero();
        // Every reward was taken, including those of the decisions still waiting for their s'.
        assertThat(counts.rewardsJoined()).isEqualTo(DECISIONS);
        assertThat(counts.clean()).isTrue();
        assertThat(round.produceSeconds()).isPositive();
        assertThat(round.startSeconds()).isPositive();
        assertThat(round.processSeconds()).isPositive();
        assertThat(round.recordsPerSecond()).isEqualTo(2.0 * DECISIONS / round.processSeconds());

        List<Map<String, Object>> lines = result.lines();
        assertThat(lines).extracting(line -> line.get("round")).containsExactly(1, "median");
        assertThat(lines.get(0)).containsEntry("benchmark", "join").containsEntry("mode", "episodic")
                .containsEntry("transitions", (long) DECISIONS - ENTITIES).containsEntry("defaulted", 0L)
                .containsEntry("rewards_late", 0L).containsKeys("records_per_s", "transitions_per_s", "start_s");
        // One measured round: the median is that round.
        assertThat(lines.get(1)).containsEntry("records_per_s", lines.get(0).get("records_per_s"))
                .containsEntry("defaulted_total", 0L).containsEntry("late_total", 0L);
    }

    @Test
    void settingsNameTheBadKeyAndItsRange() {
        assertThatThrownBy(() -> new JoinBenchmark.Settings(100, 101, 0, 1, false, 1, null, KafkaClientConfig.none()))
                .hasMessage("entities must be in [1, decisions=100], got 101");
        assertThatThrownBy(() -> new JoinBenchmark.Settings(100, 10, 0, 1, false, 0, null, KafkaClientConfig.none()))
                .hasMessage("threads must be in [1, 64], got 0");
        assertThat(new JoinBenchmark.Settings(100, 10, 0, 1, false, 1, null, KafkaClientConfig.none())
                .expectedTransitions()).isEqualTo(90);
        assertThat(new JoinBenchmark.Settings(100, 10, 0, 1, true, 1, null, KafkaClientConfig.none())
                .expectedTransitions()).isEqualTo(100);
    }
}
