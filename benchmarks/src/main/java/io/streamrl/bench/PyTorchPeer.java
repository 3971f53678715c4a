package io.streamrl.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PyTorch DDPG of the peer folder ({@code ddpg_pendulum.py}), run as its README says for
 * time to solve: one thread, with {@code OPENBLAS_CORETYPE} and {@code OPENBLAS_L2_SIZE} removed
 * from its environment so that its OpenBLAS picks the CPU's best kernels.
 */
final class PyTorchPeer {

    static final String SCRIPT = "ddpg_pendulum.py";
    private static final Logger log = LoggerFactory.getLogger(PyTorchPeer.class);
    private static final String SUMMARY = "SUMMARY ";
    private static final List<String> UNSET = List.of("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE");

    private static final Pattern FULL_STEP =
            Pattern.compile("full_step\\(critic\\+actor\\+soft\\)=([0-9.]+) upd/s");

    private final Path script;
    private final String python;

    /**
     * @throws IllegalArgumentException when the folder has no {@value #SCRIPT}, or {@code python}
     *     cannot import PyTorch and NumPy; the message says how to fix it
     */
    PyTorchPeer(Path dir, String python) throws InterruptedException {
        this.script = dir.resolve(SCRIPT);
        this.python = python;
        if (!Files.isRegularFile(script)) {
            throw new IllegalArgumentException("peer: " + script + " does not exist; --peer takes the folder that"
                    + " holds " + SCRIPT + " (shared/peer)");
        }
        requireTorch();
    }

    private void requireTorch() throws InterruptedException {
        List<String> command = List.of(python, "-c", "import torch, numpy");
        Execution e = execute(command, Duration.ofMinutes(2));
        if (e.exitCode() != 0) {
            throw new IllegalArgumentException("peer: " + python + " cannot import PyTorch and NumPy (exit code "
                    + e.exitCode() + ": " + String.join(" | ", e.lastLines()) + "). Install them with"
                    + " 'apt-get install -y python3-torch python3-numpy libopenblas0-openmp', point --python at an"
                    + " interpreter that has them, or leave out --peer");
        }
    }

    /** Trains one seed to {@code totalTimesteps} and returns its summary. */
    SolveBenchmark.PeerRun run(long seed, int learningStarts, int totalTimesteps, int threads, Duration timeout)
            throws InterruptedException {
        List<String> command = List.of(python, script.toString(), "--seed", Long.toString(seed), "--learning-starts",
                Integer.toString(learningStarts), "--total-timesteps", Integer.toString(totalTimesteps), "--threads",
                Integer.toString(threads));
        log.info("peer: {} (without {})", String.join(" ", command), UNSET);
        Execution e = execute(command, timeout);
        String summary = null;
        for (String line : e.lines()) {
            if (line.startsWith(SUMMARY)) {
                summary = line.substring(SUMMARY.length());
            }
        }
        if (e.exitCode() != 0 || summary == null) {
            throw new IllegalStateException("the peer run for seed " + seed + " exited with " + e.exitCode()
                    + (summary == null ? " without a SUMMARY line" : "") + "; its last lines: "
                    + String.join(" | ", e.lastLines()));
        }
        return parseSummary(summary);
    }

    /**
     * The peer's own update benchmark for one configuration: full DDPG steps (critic + actor +
     * soft update) per second, the median of its repeats.
     */
    double benchUpdates(int hidden, int batch, int threads, double seconds, int repeats, Duration timeout)
            throws InterruptedException {
        List<String> command = List.of(python, script.toString(), "--bench-updates", "--bench-configs",
                hidden + ":" + batch, "--bench-threads", Integer.toString(threads), "--bench-seconds",
                Double.toString(seconds), "--bench-repeats", Integer.toString(repeats));
        log.info("peer: {} (without {})", String.join(" ", command), UNSET);
        Execution e = execute(command, timeout);
        for (String line : e.lines()) {
            Matcher m = FULL_STEP.matcher(line);
            if (m.find()) {
                return Double.parseDouble(m.group(1));
            }
        }
        throw new IllegalStateException("the peer's update benchmark exited with " + e.exitCode()
                + " without a full_step figure; its last lines: " + String.join(" | ", e.lastLines()));
    }

    /** Parses the JSON after {@code SUMMARY } in the peer's output. */
    static SolveBenchmark.PeerRun parseSummary(String json) {
        try {
            JsonNode n = new ObjectMapper().readTree(json);
            JsonNode step = n.path("solved_step");
            JsonNode wall = n.path("solved_wall_s");
            return new SolveBenchmark.PeerRun(step.isNumber() ? step.asLong() : null,
                    wall.isNumber() ? wall.asDouble() : null,
                    n.path("total_wall_s").asDouble(Double.NaN), n.path("final_mean_return").asDouble(Double.NaN));
        } catch (IOException e) {
            throw new IllegalStateException("the peer's SUMMARY line is not JSON: " + json, e);
        }
    }

    private record Execution(int exitCode, List<String> lines) {
        List<String> lastLines() {
            return lines.subList(Math.max(0, lines.size() - 5), lines.size());
        }
    }

    /** Runs {@code command}, logging its merged output line by line. */
    private static Execution execute(List<String> command, Duration timeout) throws InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        UNSET.forEach(builder.environment()::remove);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalArgumentException("peer: cannot run " + command.get(0) + ": " + e.getMessage()
                    + "; pass --python with the interpreter that has PyTorch", e);
        }
        Thread killer = new Thread(process::destroyForcibly, "bench-peer-cleanup");
        Runtime.getRuntime().addShutdownHook(killer);
        List<String> lines = new ArrayList<>();
        Thread watchdog = new Thread(() -> {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    log.error("peer: no result within {} s; stopping it", timeout.toSeconds());
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
            }
        }, "bench-peer-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                log.info("peer: {}", line);
                lines.add(line);
            }
            return new Execution(process.waitFor(), lines);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the peer's output: " + e.getMessage(), e);
        } finally {
            process.destroyForcibly();
            watchdog.interrupt();
            Runtime.getRuntime().removeShutdownHook(killer);
        }
    }
}
