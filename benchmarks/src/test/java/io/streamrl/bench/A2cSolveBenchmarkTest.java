package io.streamrl.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class A2cSolveBenchmarkTest {

    @Test
    void linesPerSeedAndMediansOverSeeds() throws InterruptedException {
        Map<Long, A2cSolveBenchmark.SolveRun> ours = Map.of(
                1L, new A2cSolveBenchmark.SolveRun(15_000L, 0.4, 0.41, 480),
                2L, new A2cSolveBenchmark.SolveRun(10_000L, 0.3, 0.31, 500),
                3L, new A2cSolveBenchmark.SolveRun(null, null, 9.0, 200),
                4L, new A2cSolveBenchmark.SolveRun(20_000L, 0.6, 0.61, 490));
        Map<Long, A2cSolveBenchmark.SolveRun> theirs = Map.of(
                1L, new A2cSolveBenchmark.SolveRun(15_000L, 1.0, 1.0, 482),
                2L, new A2cSolveBenchmark.SolveRun(30_000L, 2.0, 2.0, 500),
                3L, new A2cSolveBenchmark.SolveRun(10_000L, 0.5, 0.5, 500),
                4L, new A2cSolveBenchmark.SolveRun(10_000L, 0.8, 0.8, 500));
        List<Map<String, Object>> lines = new ArrayList<>();
        List<A2cSolveBenchmark.SeedResult> results = A2cSolveBenchmark.run(List.of(1L, 2L, 3L, 4L), ours::get,
                theirs::get, lines::add);

        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).containsEntry("seed", 1L).containsEntry("solved_step", 15_000L)
                .containsEntry("peer_solved_wall_s", 1.0).containsEntry("wall_ratio", 0.4);
        assertThat(lines.get(2)).containsEntry("solved_step", null).containsEntry("wall_ratio", null);
        Map<String, Object> summary = A2cSolveBenchmark.summary(results);
        // Ours 10k, 15k, 20k, unsolved: the middle two are 15k and 20k; the peer's 10k, 10k, 15k, 30k.
        assertThat(summary).containsEntry("solved", 3L).containsEntry("peer_solved", 4L)
                .containsEntry("median_solved_step", 17_500.0).containsEntry("peer_median_solved_step", 12_500.0)
                .containsEntry("median_solved_wall_s", 0.5).containsEntry("peer_median_solved_wall_s", 0.9)
                // ratios 0.4, 0.15, 0.75: the median is 0.4
                .containsEntry("median_wall_ratio", 0.4).containsEntry("wall_ratio_of_medians", 0.556)
                .containsEntry("steps_ratio_of_medians", 1.4);
    }

    @Test
    void anUnsolvedMedianIsNull() {
        assertThat(A2cSolveBenchmark.median(List.of(1.0, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY)))
                .isNull();
        assertThat(A2cSolveBenchmark.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(A2cSolveBenchmark.median(List.of())).isNull();
    }

    @Test
    void readsStreamrlsSummaryAndThePeersSummaryLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("summary.json");
        Files.writeString(file, "{\"env\": \"CartPole-v1\", \"algo\": \"a2c\", \"solved\": true,"
                + " \"env_steps_to_solve\": 10000, \"wall_s_to_solve\": 0.299, \"wall_s\": 0.302,"
                + " \"final_eval_mean_return\": 500.0}");
        assertThat(A2cSolveBenchmark.readSummary(file))
                .isEqualTo(new A2cSolveBenchmark.SolveRun(10_000L, 0.299, 0.302, 500.0));
        Files.writeString(file, "{\"env_steps_to_solve\": null, \"wall_s_to_solve\": null, \"wall_s\": 3.5,"
                + " \"final_eval_mean_return\": 120.5}");
        assertThat(A2cSolveBenchmark.readSummary(file).solved()).isFalse();

        SolveBenchmark.PeerRun peer = PyTorchPeer.parseSummary("{\"algo\": \"a2c\", \"seed\": 1, \"solved\": true,"
                + " \"solved_step\": 15000, \"solved_wall_s\": 2.82, \"env_steps\": 15000, \"updates\": 375,"
                + " \"last_eval_mean_return\": 482.3, \"wall_s\": 2.83}");
        assertThat(peer).isEqualTo(new SolveBenchmark.PeerRun(15_000L, 2.82, 2.83, 482.3));
    }

    @Test
    void aPeerFolderWithoutTheA2cScriptIsRefused(@TempDir Path empty) {
        assertThatThrownBy(() -> A2cSolveBenchmark.peer(empty, "/usr/bin/python3", 1000, 500,
                java.time.Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(PyTorchPeer.A2C_SCRIPT);
    }
}
