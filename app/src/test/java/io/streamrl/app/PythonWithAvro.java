package io.streamrl.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A Python 3 that can import python3-avro and confluent_kafka (Debian's {@code python3-avro}
 * and {@code python3-confluent-kafka}), and the repository's Python example, for the tests that
 * check Python producers against the Java readers. Tests skip (JUnit assumptions) when there is
 * none: {@code mvn verify} needs no Python.
 *
 * <p>Interpreters tried, in order: the system property {@code streamrl.python}, {@code python3}
 * on the PATH, {@code /usr/bin/python3}. The last is there because apt installs the packages
 * for the system interpreter, while {@code python3} on the PATH may be another one (pyenv, a
 * virtualenv) that lacks them.
 *
 * @param executable the interpreter
 * @param example {@code examples/python/produce_transitions.py} of this repository
 */
record PythonWithAvro(String executable, Path example) {

    static final String EXAMPLE = "examples/python/produce_transitions.py";

    /** The first interpreter that imports both packages, or why there is none. */
    static Optional<PythonWithAvro> find(List<String> whyNot) {
        Optional<Path> example = findExample();
        if (example.isEmpty()) {
            whyNot.add(EXAMPLE + " not found above " + Path.of("").toAbsolutePath());
            return Optional.empty();
        }
        Set<String> candidates = new LinkedHashSet<>();
        String configured = System.getProperty("streamrl.python");
        if (configured != null && !configured.isBlank()) {
            candidates.add(configured);
        }
        candidates.add("python3");
        candidates.add("/usr/bin/python3");
        for (String candidate : candidates) {
            try {
                Result probe = execute(List.of(candidate, "-c", "import avro.io, avro.schema, confluent_kafka"), 60, null);
                if (probe.exitCode() == 0) {
                    return Optional.of(new PythonWithAvro(candidate, example.get()));
                }
                whyNot.add(candidate + ": " + probe.err().strip().lines().reduce((a, b) -> b).orElse("exit "
                        + probe.exitCode()));
            } catch (IOException e) {
                whyNot.add(candidate + ": " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    /** The repository root, found upwards from the working directory (Maven runs tests in the module's). */
    private static Optional<Path> findExample() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path example = dir.resolve(EXAMPLE);
            if (Files.isRegularFile(example)) {
                return Optional.of(example);
            }
        }
        return Optional.empty();
    }

    /** Runs this interpreter with {@code args}, the example's directory importable. */
    Result run(List<String> args, int timeoutSeconds) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(executable);
        command.addAll(args);
        return execute(command, timeoutSeconds, example.getParent());
    }

    private static Result execute(List<String> command, int timeoutSeconds, Path pythonPath) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command);
        if (pythonPath != null) {
            builder.environment().put("PYTHONPATH", pythonPath.toString());
        }
        // Importing the example must not leave a __pycache__ directory in the repository.
        builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        Process process = builder.start();
        process.getOutputStream().close();
        // Both pipes drained at once, so a chatty process cannot block on a full one.
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process, false));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process, true));
        try {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s");
            }
            return new Result(process.exitValue(), out.join(), err.join());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + String.join(" ", command), e);
        }
    }

    private static String read(Process process, boolean error) {
        try {
            byte[] bytes = (error ? process.getErrorStream() : process.getInputStream()).readAllBytes();
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    record Result(int exitCode, String out, String err) {
    }
}
