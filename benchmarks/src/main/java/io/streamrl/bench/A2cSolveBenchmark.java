package io.streamrl.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Time to solve CartPole-v1 (first 10-episode greedy evaluation with a mean of at least 475)
 * with A2C: {@code streamrl train --env cartpole --algo a2c --stop-when-solved} in a fresh JVM
 * per seed, as the PyTorch peer ({@code a2c_cartpole.py}) runs in a fresh process per seed,
 * then the peer for the same seed, one after the other, with the same settings (both start
 * from Stable-Baselines3's A2C defaults: 8 environments in lock-step, n_steps 5, RMSprop 7e-4,
 * 64-64 tanh, greedy evaluation every 5,000 steps).
 *
 * <p>Wall time is each program's own: from the start of training (the network built, the
 * environments reset) to the solving evaluation, JIT compilation included for streamrl and the
 * Python and PyTorch start-up excluded for the peer, as each reports it ({@code summary.json}'s
 * {@code wall_s_to_solve}, the peer's {@code solved_wall_s}).
 */
public final class A2cSolveBenchmark {

    private static final Logger log = LoggerFactory.getLogger(A2cSolveBenchmark.class);

    /** Trains one seed and says when it solved. */
    @FunctionalInterface
    public interface Runner {
        SolveRun run(long seed) throws InterruptedException;
    }

    /**
     * One program's run of one seed.
     *
     * @param solvedStep environment steps at the solving evaluation; null when unsolved
     * @param solvedWallSeconds seconds from the start of training to it; null when unsolved
     */
    public record SolveRun(Long solvedStep, Double solvedWallSeconds, double wallSeconds, double lastEvalReturn) {
        public boolean solved() {
            return solvedStep != null;
        }
    }

    /** One seed: streamrl, and the peer when it ran. */
    public record SeedResult(long seed, SolveRun streamrl, SolveRun peer) {

        /** streamrl's wall time to solve over the peer's (target: at most 0.5); null unless both solved. */
        public Double wallRatio() {
            return streamrl.solved() && peer != null && peer.solved()
                    ? streamrl.solvedWallSeconds() / peer.solvedWallSeconds() : null;
        }

        public Map<String, Object> line() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("benchmark", "a2c");
            m.put("env", "CartPole-v1");
            m.put("seed", seed);
            m.put("solved_step", streamrl.solvedStep());
            m.put("solved_wall_s", round(streamrl.solvedWallSeconds()));
            m.put("wall_s", Json.round(streamrl.wallSeconds(), 2));
            m.put("last_eval_return", Json.round(streamrl.lastEvalReturn(), 1));
            if (peer != null) {
                m.put("peer_solved_step", peer.solvedStep());
                m.put("peer_solved_wall_s", round(peer.solvedWallSeconds()));
                m.put("wall_ratio", wallRatio() == null ? null : Json.round(wallRatio(), 3));
            }
            return m;
        }
    }

    private A2cSolveBenchmark() {
    }

    /** Runs every seed, streamrl then the peer (when given), handing each seed's line to {@code lines}. */
    public static List<SeedResult> run(List<Long> seeds, Runner streamrl, Runner peer,
                                       Consumer<Map<String, Object>> lines) throws InterruptedException {
        List<SeedResult> results = new ArrayList<>();
        for (long seed : seeds) {
            SolveRun ours = streamrl.run(seed);
            log.info("seed {}: streamrl {}", seed, ours);
            SolveRun theirs = peer == null ? null : peer.run(seed);
            if (theirs != null) {
                log.info("seed {}: peer {}", seed, theirs);
            }
            SeedResult r = new SeedResult(seed, ours, theirs);
            results.add(r);
            lines.accept(r.line());
        }
        return results;
    }

    /**
     * The medians over the seeds: solved steps and wall seconds of each program (an unsolved seed
     * counts as slower than every solved one; null when the median seed did not solve), the
     * median of the per-seed wall ratios (target at most 0.5) and the ratio of the median walls.
     */
    public static Map<String, Object> summary(List<SeedResult> results) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("benchmark", "a2c");
        m.put("summary", "medians over seeds");
        m.put("seeds", results.size());
        m.put("solved", results.stream().filter(r -> r.streamrl().solved()).count());
        Double steps = median(results.stream().map(r -> value(r.streamrl().solvedStep())).toList());
        Double wall = median(results.stream().map(r -> value(r.streamrl().solvedWallSeconds())).toList());
        m.put("median_solved_step", steps);
        m.put("median_solved_wall_s", round(wall));
        boolean peer = results.stream().allMatch(r -> r.peer() != null);
        if (peer && !results.isEmpty()) {
            m.put("peer_solved", results.stream().filter(r -> r.peer().solved()).count());
            Double peerSteps = median(results.stream().map(r -> value(r.peer().solvedStep())).toList());
            Double peerWall = median(results.stream().map(r -> value(r.peer().solvedWallSeconds())).toList());
            m.put("peer_median_solved_step", peerSteps);
            m.put("peer_median_solved_wall_s", round(peerWall));
            List<Double> ratios = results.stream().map(SeedResult::wallRatio).filter(r -> r != null).toList();
            m.put("median_wall_ratio", ratios.isEmpty() ? null : Json.round(median(ratios), 3));
            m.put("wall_ratio_of_medians", wall == null || peerWall == null ? null : Json.round(wall / peerWall, 3));
            m.put("steps_ratio_of_medians", steps == null || peerSteps == null ? null
                    : Json.round(steps / peerSteps, 3));
        }
        return m;
    }

    /**
     * streamrl in a child process per seed: {@code command} (a JVM running the streamrl program,
     * up to its arguments), then {@code train --env cartpole --algo a2c --seed S --steps N
     * --eval-every E --stop-when-solved --out DIR/seed-S} and {@code extraArgs}; the result is read
     * from that run's {@code summary.json}.
     */
    public static Runner streamrl(List<String> command, Path outDir, long maxSteps, long evalEvery,
                                  List<String> extraArgs, Duration timeout) {
        return seed -> {
            Path out = outDir.resolve("seed-" + seed);
            List<String> args = new ArrayList<>(command);
            args.addAll(List.of("train", "--env", "cartpole", "--algo", "a2c", "--seed", Long.toString(seed),
                    "--steps", Long.toString(maxSteps), "--eval-every", Long.toString(evalEvery),
                    "--stop-when-solved", "--out", out.toString()));
            args.addAll(extraArgs);
            int exit = execute(args, timeout);
            if (exit != 0) {
                throw new IllegalStateException("streamrl train for seed " + seed + " exited with " + exit
                        + "; its output is in the log above");
            }
            return readSummary(out.resolve("summary.json"));
        };
    }

    /** The A2C peer of {@code dir} for each seed, with the same step budget and evaluation spacing. */
    public static Runner peer(Path dir, String python, long maxSteps, long evalEvery, Duration timeout)
            throws InterruptedException {
        PyTorchPeer peer = PyTorchPeer.a2c(dir, python);
        return seed -> {
            SolveBenchmark.PeerRun r = peer.runA2c(seed, maxSteps, evalEvery, 1, timeout);
            return new SolveRun(r.solvedStep(), r.solvedWallSeconds(), r.totalWallSeconds(), r.finalMeanReturn());
        };
    }

    /** A run's {@code summary.json} as {@code streamrl train} writes it. */
    static SolveRun readSummary(Path file) {
        try {
            JsonNode n = new ObjectMapper().readTree(file.toFile());
            JsonNode step = n.path("env_steps_to_solve");
            JsonNode wall = n.path("wall_s_to_solve");
            return new SolveRun(step.isNumber() ? step.asLong() : null, wall.isNumber() ? wall.asDouble() : null,
                    n.path("wall_s").asDouble(Double.NaN), n.path("final_eval_mean_return").asDouble(Double.NaN));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static double value(Number n) {
        return n == null ? Double.POSITIVE_INFINITY : n.doubleValue();
    }

    /** The median, the mean of the middle two for an even count; null when it is not finite (unsolved). */
    static Double median(List<Double> values) {
        if (values.isEmpty()) {
            return null;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Comparator.naturalOrder());
        int n = sorted.size();
        double m = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return Double.isFinite(m) ? m : null;
    }

    private static Double round(Double value) {
        return value == null ? null : Json.round(value, 2);
    }

    /** Runs {@code command} with its output going to the log line by line; its exit code. */
    private static int execute(List<String> command, Duration timeout) throws InterruptedException {
        log.info("streamrl: {}", String.join(" ", command));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        }
        Thread watchdog = new Thread(() -> {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    log.error("streamrl: no result within {} s; stopping it", timeout.toSeconds());
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
            }
        }, "bench-a2c-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                log.info("streamrl: {}", line);
            }
            return process.waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read streamrl's output: " + e.getMessage(), e);
        } finally {
            process.destroyForcibly();
            watchdog.interrupt();
        }
    }
}
