package io.streamrl.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

class IngestBenchmarkTest {

    @Test
    void everyReaderSeesEveryRecordAndTheRatioIsTheQuotientOfTheRates() throws InterruptedException {
        IngestBenchmark.Result result = new IngestBenchmark(Clock.systemUTC())
                .run(new IngestBenchmark.Settings(3_000, 3, 2, 2, null));

        assertThat(result.records()).isEqualTo(3_000);
        assertThat(result.produceSeconds()).isPositive();
        assertThat(result.meanValueBytes()).isBetween(60.0, 200.0);
        assertThat(result.rounds()).hasSize(2);
        for (IngestBenchmark.Round round : result.rounds()) {
            for (IngestBenchmark.Read read : List.of(round.raw(), round.decoded(), round.learner())) {
                assertThat(read.records()).isEqualTo(3_000);
                assertThat(read.firstBatch()).isBetween(1L, 3_000L);
                assertThat(read.seconds()).isNotNegative();
            }
            assertThat(round.ratio()).isEqualTo(round.learner().perSecond() / round.raw().perSecond());
        }
        var lines = result.lines();
        assertThat(lines).hasSize(3);
        assertThat(lines.subList(0, 2)).allSatisfy(line -> assertThat(line).containsEntry("learner_received", 3_000L)
                .containsEntry("records", 3_000).containsKeys("produce_per_s", "learner_over_raw"));
        // The median of two rounds, nearest rank, is the lower one.
        double lowerRatio = Math.min(result.rounds().get(0).ratio(), result.rounds().get(1).ratio());
        assertThat(lines.get(2)).containsEntry("round", "median")
                .containsEntry("learner_over_raw", Math.round(lowerRatio * 1000) / 1000.0);
    }
}
