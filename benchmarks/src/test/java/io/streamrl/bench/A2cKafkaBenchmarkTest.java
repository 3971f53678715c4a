package io.streamrl.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cases and the medians of {@code bench a2c-kafka} (its runs are measured in docs/benchmarks.md, not here). */
class A2cKafkaBenchmarkTest {

    @Test
    void casesKeepEightEnvironmentsOrOneVersionsWorthOfSegmentsPerUpdate() {
        for (A2cKafkaBenchmark.Case c : A2cKafkaBenchmark.cases()) {
            int environments = Math.max(1, c.actors()) * c.envsPerActor();
            int usable = c.laggingVersions() > 0 && c.staleness().mode().label().equals("discard")
                    ? environments - c.envsPerActor() : environments;
            assertThat(c.segmentsPerUpdate()).as(c.name()).isEqualTo(usable);
        }
        assertThat(A2cKafkaBenchmark.cases()).extracting(A2cKafkaBenchmark.Case::name).containsExactly("local",
                "kafka-1-actor", "kafka-2-actors", "kafka-4-actors", "lagging-discard", "lagging-vtrace");
    }

    @Test
    void theSummaryHasMediansOverTheSolvedSeedsAndCountsTheRest() {
        A2cKafkaBenchmark.Case local = A2cKafkaBenchmark.cases().get(0);
        List<A2cKafkaBenchmark.Run> runs = new ArrayList<>();
        runs.add(new A2cKafkaBenchmark.Run(local, 1, "solved", 6_000L, 0.4, 0.5, 6_000, 150, 0, 0));
        runs.add(new A2cKafkaBenchmark.Run(local, 2, "budget spent", null, null, 9.0, 90_000, 2_000, 0, 0));
        runs.add(new A2cKafkaBenchmark.Run(local, 3, "solved", 10_000L, 0.2, 0.3, 10_000, 250, 3, 0));

        Map<String, Object> line = A2cKafkaBenchmark.summary(runs).get(0);

        assertThat(line).containsEntry("case", "local").containsEntry("solved", "2/3")
                .containsEntry("median_solved_step", 8_000L).containsEntry("median_solved_wall_s", 0.3)
                .containsEntry("median_discarded", 0L);
        assertThat(A2cKafkaBenchmark.summary(runs).get(1)).containsEntry("solved", "0/0")
                .containsEntry("median_solved_step", null);
    }
}
