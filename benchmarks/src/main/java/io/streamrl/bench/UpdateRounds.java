package io.streamrl.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code bench updates}: rounds of the {@link UpdateBenchmark} for every backend, each followed
 * by the PyTorch peer's own update benchmark when there is one, and per configuration a summary
 * of streamrl's rate over the peer's. On a shared machine only rates taken close together in
 * time compare, so every round measures both sides back to back, and the summary takes the
 * median of the per-round ratios.
 */
public final class UpdateRounds {

    /** The backend name of the peer's lines. */
    public static final String PEER_BACKEND = "pytorch-peer";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One configuration: the width of both hidden layers and the minibatch size. */
    public record Shape(int hidden, int batch) {
    }

    /**
     * Pairs hidden widths with batch sizes: no batch size means each width's own, one means the
     * same for every width, otherwise one per width.
     */
    public static List<Shape> shapes(List<Integer> hidden, List<Integer> batches) {
        if (!batches.isEmpty() && batches.size() != 1 && batches.size() != hidden.size()) {
            throw new IllegalArgumentException("--batch needs one value or one per --hidden value (" + hidden.size()
                    + "), got " + batches.size());
        }
        List<Shape> shapes = new ArrayList<>();
        for (int i = 0; i < hidden.size(); i++) {
            int h = hidden.get(i);
            shapes.add(new Shape(h, batches.isEmpty() ? h : batches.get(batches.size() == 1 ? 0 : i)));
        }
        return shapes;
    }

    /**
     * @param shapes configurations, measured one after the other
     * @param backends streamrl backends measured in every round
     * @param threads threads of both streamrl and the peer
     * @param secondsPerRepeat target duration of one timed repeat, on both sides
     * @param repeats timed repeats per measurement (each side reports their median)
     * @param warmup untimed streamrl updates first
     * @param breakdown whether streamrl's lines add where the time of an update goes
     * @param rounds measurements of every backend (and the peer) per configuration
     * @param fork whether streamrl runs in a fresh JVM per measurement; it always does beside a peer
     */
    public record Settings(List<Shape> shapes, List<String> backends, int threads, double secondsPerRepeat,
                           int repeats, int warmup, boolean breakdown, int rounds, boolean fork) {
        public Settings {
            shapes = List.copyOf(shapes);
            backends = List.copyOf(backends);
            if (rounds < 1) {
                throw new IllegalArgumentException("--rounds must be >= 1, got " + rounds);
            }
            if (shapes.isEmpty() || backends.isEmpty()) {
                throw new IllegalArgumentException("at least one hidden width and one backend are needed, got "
                        + shapes + " and " + backends);
            }
        }

        UpdateBenchmark.Settings benchmark(String backend, Shape shape) {
            return new UpdateBenchmark.Settings(backend, shape.hidden(), shape.batch(), threads, secondsPerRepeat,
                    repeats, warmup);
        }
    }

    /**
     * Measures streamrl once: the result line of one backend and shape, with {@code updates_per_s};
     * a mutable map, since the rounds add {@code round} to it.
     */
    @FunctionalInterface
    public interface StreamrlMeasurement {
        Map<String, Object> run(String backend, Shape shape) throws IOException, InterruptedException;
    }

    /** Measures the peer once: its full updates per second for one shape. */
    @FunctionalInterface
    public interface PeerMeasurement {
        double run(Shape shape) throws InterruptedException;
    }

    private final Settings settings;
    private final StreamrlMeasurement streamrl;
    private final PeerMeasurement peer;

    /**
     * @param streamrl measures streamrl's side
     * @param peer measures the peer's side, or null to measure streamrl alone (no ratios then)
     */
    UpdateRounds(Settings settings, StreamrlMeasurement streamrl, PeerMeasurement peer) {
        this.settings = settings;
        this.streamrl = streamrl;
        this.peer = peer;
    }

    /**
     * The rounds as {@code bench updates} runs them: streamrl in this JVM, or in a fresh one per
     * measurement when {@code settings.fork()} or when there is a peer, since the peer runs in a
     * fresh process per measurement and on a shared machine a whole process can land on a slow or
     * a fast stretch; both sides should draw that lottery equally often.
     *
     * @param appCommand the command line up to the {@code streamrl} arguments (java, JVM options,
     *     class path, main class), for the fresh JVMs
     * @param peer the PyTorch peer, or null
     */
    public static UpdateRounds of(Settings settings, List<String> appCommand, PeerUpdateBenchmark peer) {
        StreamrlMeasurement streamrl = settings.fork() || peer != null ? inFreshJvm(settings, appCommand)
                : inThisJvm(settings);
        PeerMeasurement peerMeasurement = peer == null ? null
                : shape -> peer.run(shape.hidden(), shape.batch(), settings.threads(), settings.secondsPerRepeat(),
                        settings.repeats());
        return new UpdateRounds(settings, streamrl, peerMeasurement);
    }

    /**
     * Runs every round of every shape, handing each line to {@code out} as soon as it is
     * measured: one per backend and round and one per peer round (both with {@code round}), then
     * with a peer one {@code "summary": "ratio_to_peer"} line per backend and shape.
     */
    public void run(Consumer<Map<String, Object>> out) throws IOException, InterruptedException {
        for (Shape shape : settings.shapes()) {
            Map<String, List<Double>> ratios = new LinkedHashMap<>();
            for (int round = 1; round <= settings.rounds(); round++) {
                Map<String, Double> ours = new LinkedHashMap<>();
                for (String backend : settings.backends()) {
                    Map<String, Object> line = streamrl.run(backend, shape);
                    ours.put(backend, ((Number) line.get("updates_per_s")).doubleValue());
                    line.put("round", round);
                    out.accept(line);
                }
                if (peer != null) {
                    double peerRate = peer.run(shape);
                    out.accept(peerLine(shape, peerRate, round));
                    ours.forEach((backend, rate) -> ratios.computeIfAbsent(backend, x -> new ArrayList<>())
                            .add(rate / peerRate));
                }
            }
            ratios.forEach((backend, perRound) -> out.accept(summaryLine(backend, shape, perRound)));
        }
    }

    private Map<String, Object> peerLine(Shape shape, double updatesPerSecond, int round) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("backend", PEER_BACKEND);
        line.put("hidden", shape.hidden());
        line.put("batch", shape.batch());
        line.put("threads", settings.threads());
        line.put("updates_per_s", Json.round(updatesPerSecond, 1));
        line.put("round", round);
        return line;
    }

    private Map<String, Object> summaryLine(String backend, Shape shape, List<Double> perRound) {
        List<Double> sorted = perRound.stream().sorted().toList();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("summary", "ratio_to_peer");
        summary.put("backend", backend);
        summary.put("hidden", shape.hidden());
        summary.put("batch", shape.batch());
        summary.put("threads", settings.threads());
        double median = UpdateBenchmark.median(sorted.stream().mapToDouble(Double::doubleValue).toArray());
        summary.put("median_ratio", Json.round(median, 2));
        summary.put("ratios", sorted.stream().map(x -> Json.round(x, 2)).toList());
        return summary;
    }

    /** streamrl measured in this JVM, with the breakdown when asked. */
    static StreamrlMeasurement inThisJvm(Settings settings) {
        return (backend, shape) -> {
            UpdateBenchmark.Settings s = settings.benchmark(backend, shape);
            UpdateBenchmark.Result result = UpdateBenchmark.run(s, System::nanoTime);
            Map<String, Object> line = result.line();
            if (settings.breakdown()) {
                UpdateBenchmark.Breakdown profile = UpdateBenchmark.breakdown(s, result.updatesPerRepeat(),
                        System::nanoTime);
                Map<String, Object> shares = new LinkedHashMap<>();
                profile.shareOfTime().forEach((op, share) -> shares.put(op, Json.round(share, 3)));
                line.put("share_of_time", shares);
                line.put("matmul_gflops", Json.significant(profile.matmulGflops(), 3));
            }
            return line;
        };
    }

    /**
     * streamrl measured by {@code appCommand bench updates ...} for one backend and shape: the
     * child's last line that opens a JSON object is its result; its stderr (logs) is dropped.
     */
    static StreamrlMeasurement inFreshJvm(Settings settings, List<String> appCommand) {
        return (backend, shape) -> {
            Process process = new ProcessBuilder(freshJvmCommand(settings, appCommand, backend, shape))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String result = null;
            try (BufferedReader reader = process.inputReader()) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (line.startsWith("{")) {
                        result = line;
                    }
                }
            } finally {
                process.destroy();
            }
            int exit = process.waitFor();
            if (exit != 0 || result == null) {
                throw new IllegalStateException("the benchmark JVM for " + backend + " hidden " + shape.hidden()
                        + " exited with " + exit + (result == null ? " and printed no result" : ""));
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> line = JSON.readValue(result, LinkedHashMap.class);
            return line;
        };
    }

    /** {@code appCommand bench updates} for one backend and shape, one repeat set, no rounds of its own. */
    static List<String> freshJvmCommand(Settings settings, List<String> appCommand, String backend, Shape shape) {
        List<String> command = new ArrayList<>(appCommand);
        command.addAll(List.of("bench", "updates", "--hidden", Integer.toString(shape.hidden()), "--batch",
                Integer.toString(shape.batch()), "--threads", Integer.toString(settings.threads()), "--backend",
                backend, "--seconds", Double.toString(settings.secondsPerRepeat()), "--repeats",
                Integer.toString(settings.repeats()), "--warmup", Integer.toString(settings.warmup())));
        if (settings.breakdown()) {
            command.add("--breakdown");
        }
        return command;
    }
}
