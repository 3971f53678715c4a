package io.streamrl.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrl.bench.UpdateRounds.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UpdateRoundsTest {

    private static UpdateRounds.Settings settings(List<Shape> shapes, List<String> backends, int rounds) {
        return new UpdateRounds.Settings(shapes, backends, 1, 0.5, 3, 10, false, rounds, false);
    }

    private static Map<String, Object> streamrlLine(String backend, Shape shape, double updatesPerSecond) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("backend", backend);
        line.put("hidden", shape.hidden());
        line.put("updates_per_s", updatesPerSecond);
        return line;
    }

    @Test
    void batchSizesDefaultToTheWidthApplyToAllOrPairUpOneByOne() {
        assertThat(UpdateRounds.shapes(List.of(256, 64), List.of()))
                .containsExactly(new Shape(256, 256), new Shape(64, 64));
        assertThat(UpdateRounds.shapes(List.of(256, 64), List.of(32)))
                .containsExactly(new Shape(256, 32), new Shape(64, 32));
        assertThat(UpdateRounds.shapes(List.of(256, 64), List.of(128, 16)))
                .containsExactly(new Shape(256, 128), new Shape(64, 16));
        assertThatThrownBy(() -> UpdateRounds.shapes(List.of(256, 64), List.of(1, 2, 3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--batch needs one value or one per --hidden value (2), got 3");
    }

    @Test
    void roundsAreRefusedBelowOne() {
        assertThatThrownBy(() -> settings(List.of(new Shape(8, 4)), List.of("vector"), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--rounds must be >= 1, got 0");
    }

    @Test
    void eachRoundMeasuresEveryBackendThenThePeerAndTheSummaryTakesTheMedianRatio() throws Exception {
        Shape shape = new Shape(8, 4);
        // Per round: vector 100, 300, 200 and nd4j 50 each, against a peer at 100, 100, 200 updates/s.
        Iterator<Double> vector = List.of(100.0, 300.0, 200.0).iterator();
        Iterator<Double> peer = List.of(100.0, 100.0, 200.0).iterator();
        List<String> calls = new ArrayList<>();
        UpdateRounds rounds = new UpdateRounds(settings(List.of(shape), List.of("vector", "nd4j"), 3),
                (backend, s) -> {
                    calls.add(backend);
                    return streamrlLine(backend, s, backend.equals("vector") ? vector.next() : 50.0);
                },
                s -> {
                    calls.add("peer");
                    return peer.next();
                });
        List<Map<String, Object>> lines = new ArrayList<>();

        rounds.run(lines::add);

        assertThat(calls).containsExactly("vector", "nd4j", "peer", "vector", "nd4j", "peer", "vector", "nd4j",
                "peer");
        assertThat(lines).hasSize(11);
        assertThat(lines.subList(0, 9)).extracting(l -> l.get("backend") + "@" + l.get("round")).containsExactly(
                "vector@1", "nd4j@1", "pytorch-peer@1", "vector@2", "nd4j@2", "pytorch-peer@2", "vector@3", "nd4j@3",
                "pytorch-peer@3");
        assertThat(lines.get(2)).containsExactly(Map.entry("backend", "pytorch-peer"), Map.entry("hidden", 8),
                Map.entry("batch", 4), Map.entry("threads", 1), Map.entry("updates_per_s", 100.0),
                Map.entry("round", 1));
        // vector's ratios are 1, 3 and 1: the median (1), not the mean (1.67); nd4j's 0.5, 0.5 and 0.25.
        assertThat(lines.get(9)).containsExactly(Map.entry("summary", "ratio_to_peer"), Map.entry("backend", "vector"),
                Map.entry("hidden", 8), Map.entry("batch", 4), Map.entry("threads", 1),
                Map.entry("median_ratio", 1.0), Map.entry("ratios", List.of(1.0, 1.0, 3.0)));
        assertThat(lines.get(10)).containsEntry("backend", "nd4j").containsEntry("median_ratio", 0.5)
                .containsEntry("ratios", List.of(0.25, 0.5, 0.5));
    }

    @Test
    void anEvenNumberOfRoundsAveragesTheMiddleTwoRatios() throws Exception {
        Shape shape = new Shape(8, 4);
        Iterator<Double> vector = List.of(100.0, 300.0).iterator();
        UpdateRounds rounds = new UpdateRounds(settings(List.of(shape), List.of("vector"), 2),
                (backend, s) -> streamrlLine(backend, s, vector.next()), s -> 200.0);
        List<Map<String, Object>> lines = new ArrayList<>();

        rounds.run(lines::add);

        assertThat(lines.get(lines.size() - 1)).containsEntry("median_ratio", 1.0)
                .containsEntry("ratios", List.of(0.5, 1.5));
    }

    @Test
    void withoutAPeerThereAreNoRatiosAndShapesComeOneAfterTheOther() throws Exception {
        List<Shape> shapes = List.of(new Shape(256, 256), new Shape(64, 32));
        UpdateRounds rounds = new UpdateRounds(settings(shapes, List.of("vector"), 2),
                (backend, s) -> streamrlLine(backend, s, 10.0), null);
        List<Map<String, Object>> lines = new ArrayList<>();

        rounds.run(lines::add);

        assertThat(lines).extracting(l -> l.get("hidden") + "@" + l.get("round"))
                .containsExactly("256@1", "256@2", "64@1", "64@2");
        assertThat(lines).allSatisfy(l -> assertThat(l).doesNotContainKey("summary"));
    }

    @Test
    void theFreshJvmRunsBenchUpdatesForOneBackendAndShape() {
        UpdateRounds.Settings s = new UpdateRounds.Settings(List.of(new Shape(64, 32)), List.of("vector"), 2, 1.5, 5,
                300, true, 3, true);
        List<String> command = UpdateRounds.freshJvmCommand(s, List.of("java", "-cp", "app.jar", "Main"), "nd4j",
                new Shape(64, 32));
        assertThat(command).containsExactly("java", "-cp", "app.jar", "Main", "bench", "updates", "--hidden", "64",
                "--batch", "32", "--threads", "2", "--backend", "nd4j", "--seconds", "1.5", "--repeats", "5",
                "--warmup", "300", "--breakdown");
    }

    @Test
    void theFreshJvmsLastJsonLineIsItsResultAndAFailedJvmIsAnError() throws Exception {
        List<String> app = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), BenchUpdatesProcessMain.class.getName());
        UpdateRounds.Settings s = new UpdateRounds.Settings(List.of(new Shape(8, 4)), List.of("vector"), 1, 0.5, 1,
                1, true, 1, true);
        UpdateRounds.StreamrlMeasurement fresh = UpdateRounds.inFreshJvm(s, app);

        Map<String, Object> line = fresh.run("vector", new Shape(8, 4));

        assertThat(line).containsEntry("backend", "vector").containsEntry("hidden", 8).containsEntry("batch", 4)
                .containsEntry("updates_per_s", 80.0).containsEntry("breakdown", true);
        assertThatThrownBy(() -> fresh.run("fail", new Shape(8, 4))).isInstanceOf(IllegalStateException.class)
                .hasMessage("the benchmark JVM for fail hidden 8 exited with 3 and printed no result");
    }
}
