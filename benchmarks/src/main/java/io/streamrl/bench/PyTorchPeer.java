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
 * The PyTorch peers of the peer folder, run as its README says for time to solve: one thread,
 * with {@code OPENBLAS_CORETYPE} and {@code OPENBLAS_L2_SIZE} removed from their environment so
 * that OpenBLAS picks the CPU's best kernels. The DDPG peer ({@code ddpg_pendulum.py}) by
 * default; the A2C one ({@code a2c_cartpole.py}) with {@link #a2c}.
 */
final class PyTorchPeer {

    static final String SCRIPT = "ddpg_pendulum.py";
    static final String A2C_SCRIPT = "a2c_cartpole.py";
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
        this(dir, python, SCRIPT);
    }

    private PyTorchPeer(Path dir, String python, String scriptName) throws InterruptedException {
        this.script = dir.resolve(scriptName);
        this.python = python;
        if (!Files.isRegularFile(script)) {
            throw new IllegalArgumentException("peer: " + script + " does not exist; --peer takes the folder that"
                    + " holds " + scriptName + " (shared/peer)");
        }
        requireTorch();
    }

    /** The A2C peer, {@value #A2C_SCRIPT} in {@code dir}. */
    static PyTorchPeer a2c(Path dir, String python) throws InterruptedException {
        return new PyTorchPeer(dir, python, A2C_SCRIPT);
    }

    /**
     * The A2C peer's time to solve CartPole-v1 for one seed, with its own (SB3) defaults:
     * {@code --seed S --total-timesteps T --eval-every E --threads N}.
     */
    SolveBenchmark.PeerRun runA2c(long seed, long totalTimesteps, long evalEvery, int threads, Duration timeout)
            throws InterruptedException {
        return summaryOf(seed, List.of(python, script.toString(), "--seed", Long.toString(seed), "--total-timesteps",
                Long.toString(totalTimesteps), "--eval-every", Long.toString(evalEvery), "--threads",
                Integer.toString(threads)), timeout);
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

    /** Trains one seed to {@code totalTimesteps} with {@code settings} (the script's options) and returns its summary. */
    SolveBenchmark.PeerRun run(long seed, List<String> settings, int totalTimesteps, int threads, Duration timeout)
            throws InterruptedException {
        List<String> command = new ArrayList<>(List.of(python, script.toString(), "--seed", Long.toString(seed),
                "--total-timesteps", Integer.toString(totalTimesteps), "--threads", Integer.toString(threads)));
        command.addAll(settings);
        return summaryOf(seed, command, timeout);
    }

    private SolveBenchmark.PeerRun summaryOf(long seed, List<String> command, Duration timeout)
            throws InterruptedException {
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
            // The DDPG peer names the last two total_wall_s and final_mean_return, the A2C peer wall_s
            // and last_eval_mean_return.
            JsonNode total = n.has("total_wall_s") ? n.path("total_wall_s") : n.path("wall_s");
            JsonNode last = n.has("final_mean_return") ? n.path("final_mean_return") : n.path("last_eval_mean_return");
            return new SolveBenchmark.PeerRun(step.isNumber() ? step.asLong() : null,
                    wall.isNumber() ? wall.asDouble() : null, total.asDouble(Double.NaN), last.asDouble(Double.NaN));
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
