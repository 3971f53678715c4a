package io.streamrl.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrl.kafka.KafkaClientConfig;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

class IngestBenchmarkTest {

    @Test
    void everyReaderSeesEveryRecordAndTheRatioIsTheQuotientOfTheRates() throws InterruptedException {
        IngestBenchmark.Result result = new IngestBenchmark(Clock.systemUTC())
                .run(new IngestBenchmark.Settings(3_000, 3, 1, 2, 2, null, KafkaClientConfig.none()));

        assertThat(result.records()).isEqualTo(3_000);
        assertThat(result.produceSeconds()).isPositive();
        assertThat(result.meanValueBytes()).isBetween(60.0, 200.0);
        assertThat(result.warmups()).hasSize(1);
        assertThat(result.rounds()).hasSize(2);
        for (IngestBenchmark.Round round : concat(result.warmups(), result.rounds())) {
            for (IngestBenchmark.Read read : List.of(round.raw(), round.decoded(), round.learner())) {
                assertThat(read.records()).isEqualTo(3_000);
                assertThat(read.firstBatch()).isBetween(1L, 3_000L);
                assertThat(read.seconds()).isNotNegative();
            }
            assertThat(round.ratio()).isEqualTo(round.learner().perSecond() / round.raw().perSecond());
        }
        var lines = result.lines();
        assertThat(lines).hasSize(4);
        assertThat(lines).extracting(line -> line.get("round")).containsExactly("warmup-1", 1, 2, "median");
        assertThat(lines.subList(0, 3)).allSatisfy(line -> assertThat(line).containsEntry("learner_buffered", 3_000L)
                .containsEntry("records", 3_000).containsKeys("produce_per_s", "learner_over_raw"));
        // The median of the two measured rounds, nearest rank, is the lower one: the warm-up round is left out.
        double lowerRatio = Math.min(result.rounds().get(0).ratio(), result.rounds().get(1).ratio());
        assertThat(lines.get(3)).containsEntry("learner_over_raw", Math.round(lowerRatio * 1000) / 1000.0);
    }

    private static List<IngestBenchmark.Round> concat(List<IngestBenchmark.Round> a, List<IngestBenchmark.Round> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
