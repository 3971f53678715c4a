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
                new SolveBenchmark.PeerRun(8000L, 15.0, 60.0, -150), new SolveBenchmark.PeerRun(7500L, 7.5, 20.0, -160));
        assertThat(r.wallRatio()).isEqualTo(0.4);
        assertThat(r.wallRatioSame()).isEqualTo(0.8);
        assertThat(r.stepsRatioSame()).isEqualTo(1.2);
        assertThat(r.line()).containsEntry("wall_ratio", 0.4).containsEntry("peer_solved_step", 8000L)
                .containsEntry("wall_ratio_same", 0.8).containsEntry("steps_ratio_same", 1.2)
                .containsEntry("peer_same_solved_step", 7500L);
    }

    @Test
    void theSummaryTakesMediansAndCountsAnUnsolvedSeedAsTheSlowest() {
        SolveBenchmark.PeerRun peer = new SolveBenchmark.PeerRun(8000L, 10.0, 30.0, -150);
        List<SolveBenchmark.SeedResult> results = List.of(
                seed(1, new SolveBenchmark.StreamrlRun("solved", 8000L, 2.0, 3.0, 8000, 7000, -180), peer),
                seed(2, new SolveBenchmark.StreamrlRun("budget spent", null, null, 30.0, 30000, 29000, -400), peer),
                seed(3, new SolveBenchmark.StreamrlRun("solved", 12000L, 4.0, 5.0, 12000, 11000, -190), peer));

        Map<String, Object> summary = SolveBenchmark.summary(results);

        assertThat(summary).containsEntry("seeds", 3).containsEntry("solved", 2L)
                .containsEntry("median_solved_step", 12000.0).containsEntry("median_solved_wall_s", 4.0)
                .containsEntry("median_wall_ratio", 0.4).containsEntry("median_wall_ratio_same", 0.4)
                .containsEntry("median_steps_ratio_same", 1.5).containsEntry("peer_same_median_solved_step", 8000.0);
    }

    private static SolveBenchmark.SeedResult seed(long seed, SolveBenchmark.StreamrlRun run, SolveBenchmark.PeerRun p) {
        return new SolveBenchmark.SeedResult("in-process", seed, run, p, p);
    }

    @Test
    void streamrlsDefaultsGoToThePeerAsItsOptionsAndWhatItCannotTakeIsNamed() {
        assertThat(SolveBenchmark.peerArguments(DdpgConfig.ddpg(), 2000)).containsExactly("--hidden", "64",
                "--batch-size", "128", "--lr", "0.001", "--gamma", "0.99", "--tau", "0.005",
                "--exploration-noise", "0.1", "--policy-frequency", "2", "--learning-starts", "1000",
                "--buffer-size", "1000000", "--eval-every", "2000");

        DdpgConfig unlike = DdpgConfig.td3().with(Map.of("actor-hidden", "64,32", "critic-lr", "3e-4"));
        assertThatThrownBy(() -> SolveBenchmark.peerArguments(unlike, 2000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("actor-hidden [64, 32]").hasMessageContaining("critic-lr 3.0E-4")
                .hasMessageContaining("twin-critics").hasMessageContaining("--peer-settings defaults");
        SolveBenchmark.Peer same = new SolveBenchmark.Peer(Path.of("peer"), "python3", 1000, 30000, 1,
                Duration.ofMinutes(1), SolveBenchmark.PeerSettings.SAME);
        assertThatThrownBy(() -> new SolveBenchmark.Settings(List.of(1L), unlike, "vector", 2, 1000, 100, 2000,
                Duration.ofMinutes(1), null, KafkaClientConfig.none(), same))
                .hasMessageContaining("the peer cannot train with streamrl's settings");
    }

    @Test
    void aPeerFolderWithoutTheScriptIsRefusedBeforeAnythingRuns(@TempDir Path empty) {
        assertThatThrownBy(() -> new PyTorchPeer(empty, "/usr/bin/python3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(PyTorchPeer.SCRIPT);
    }
}
