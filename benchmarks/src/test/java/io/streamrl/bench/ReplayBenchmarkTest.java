package io.streamrl.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import io.streamrl.kafka.KafkaClientConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayBenchmarkTest {

    @TempDir
    Path dir;

    @Test
    void everyRoundReplaysEveryRowOfBothFilesAndTheRatiosAreTheQuotientsOfTheRates() throws IOException {
        // run() refuses a round in which replay did not publish every row of a file.
        List<Map<String, Object>> lines = new ReplayBenchmark(Clock.systemUTC())
                .run(new ReplayBenchmark.Settings(500, 1, 2, null, KafkaClientConfig.none(), dir));

        assertThat(lines).extracting(line -> line.get("round")).containsExactly("warmup-1", "1", "2", "median");
        for (Map<String, Object> line : lines) {
            assertThat(line).containsEntry("rows", 500);
            assertThat((int) line.get("record_bytes")).isBetween(60, 200);
            double raw = (double) line.get("raw_producer_per_s");
            double csv = (double) line.get("replay_csv_per_s");
            double avro = (double) line.get("replay_avro_per_s");
            assertThat(Stream.of(raw, csv, avro, (double) line.get("export_avro_per_s"))).allMatch(r -> r > 0);
            if (!line.get("round").equals("median")) {
                // Rates are printed whole and ratios to 3 decimals: 1 % covers both roundings at these rates.
                assertThat((double) line.get("csv_vs_raw")).isCloseTo(csv / raw, withinPercentage(1));
                assertThat((double) line.get("avro_vs_raw")).isCloseTo(avro / raw, withinPercentage(1));
            }
        }
        // The median of the two measured rounds is their mean; the warm-up round is left out.
        double csv1 = (double) lines.get(1).get("replay_csv_per_s");
        double csv2 = (double) lines.get(2).get("replay_csv_per_s");
        assertThat((double) lines.get(3).get("replay_csv_per_s")).isCloseTo((csv1 + csv2) / 2, within(1.0));
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).as("the files are deleted after the run").isEmpty();
        }
    }
}
