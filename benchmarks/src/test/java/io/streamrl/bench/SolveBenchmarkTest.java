package io.streamrl.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrl.core.agent.DdpgConfig;
import io.streamrl.core.compute.ComputeBackends;
import io.streamrl.kafka.KafkaClientConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SolveBenchmarkTest {

    @Test
    void aTinyBudgetRunsThroughKafkaAndItsCountsAreConsistent() throws InterruptedException {
        DdpgConfig agent = DdpgConfig.ddpg().with(Map.of("learning-starts", "200", "batch-size", "32",
                "actor-hidden", "16,16", "critic-hidden", "16,16"));
        SolveBenchmark.Settings settings = new SolveBenchmark.Settings(List.of(5L), agent,
                ComputeBackends.defaultName(), 2, 800, 50, 100, Duration.ofMinutes(3), null,
                KafkaClientConfig.none(), null);

        List<SolveBenchmark.SeedResult> results = new SolveBenchmark(Clock.systemUTC()).run(settings);

        assertThat(results).hasSize(1);
        SolveBenchmark.SeedResult r = results.get(0);
        SolveBenchmark.StreamrlRun run = r.streamrl();
        assertThat(r.seed()).isEqualTo(5);
        assertThat(run.envSteps()).isBetween(1L, 800L);
        assertThat(run.updates()).isPositive();
        if (run.solved()) { // 800 steps rarely solve Pendulum; when they do, the solve lies inside the run
            assertThat(run.outcome()).isEqualTo("solved");
            assertThat(run.envStepsToSolve()).isLessThanOrEqualTo(run.envSteps());
            assertThat(run.wallSecondsToSolve()).isLessThanOrEqualTo(run.wallSeconds());
        } else {
            assertThat(run.outcome()).isEqualTo("budget spent");
            assertThat(run.wallSecondsToSolve()).isNull();
        }
        assertThat(r.peer()).isNull();
        assertThat(r.wallRatio()).isNull();
        assertThat(r.line()).containsEntry("seed", 5L).doesNotContainKey("peer_solved_wall_s");
    }

    @Test
    void readsThePeersSummaryLine() {
        SolveBenchmark.PeerRun solved = PyTorchPeer.parseSummary("{\"seed\": 1, \"solved_step\": 8000,"
                + " \"solved_wall_s\": 15.25, \"final_mean_return\": -150.5, \"total_wall_s\": 60.0}");
        assertThat(solved).isEqualTo(new SolveBenchmark.PeerRun(8000L, 15.25, 60.0, -150.5));

        SolveBenchmark.PeerRun unsolved = PyTorchPeer.parseSummary("{\"solved_step\": null, \"solved_wall_s\": null,"
                + " \"final_mean_return\": -900.0, \"total_wall_s\": 61.5}");
        assertThat(unsolved.solvedStep()).isNull();
        assertThat(unsolved.solvedWallSeconds()).isNull();
    }

    @Test
    void theWallRatioIsStreamrlsTimeOverThePeers() {
        SolveBenchmark.StreamrlRun run = new SolveBenchmark.StreamrlRun("solved", 9000L, 6.0, 7.0, 9100, 8000, -180);
        SolveBenchmark.SeedResult r = new SolveBenchmark.SeedResult("in-process", 1, run,
                new SolveBenchmark.PeerRun(8000L, 15.0, 60.0, -150));
        assertThat(r.wallRatio()).isEqualTo(0.4);
        assertThat(r.line()).containsEntry("wall_ratio", 0.4).containsEntry("peer_solved_step", 8000L);
    }

    @Test
    void aPeerFolderWithoutTheScriptIsRefusedBeforeAnythingRuns(@TempDir Path empty) {
        assertThatThrownBy(() -> new PyTorchPeer(empty, "/usr/bin/python3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(PyTorchPeer.SCRIPT);
    }
}
