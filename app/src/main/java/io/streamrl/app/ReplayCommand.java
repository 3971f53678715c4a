package io.streamrl.app;

import io.streamrl.core.env.Envs;
import io.streamrl.producer.BadFileException;
import io.streamrl.producer.FileFormat;
import io.streamrl.producer.Replay;
import io.streamrl.producer.TransitionShape;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Publish a file of logged transitions (CSV, JSON Lines or Avro) to the transitions topic, for"
                + " a learner to train on. Bad rows go to the dead-letter topic with file, line and reason and the"
                + " replay goes on (--strict stops at the first). Exit 0 when every row was published, 65 when a"
                + " row or the file was bad, 69 when Kafka did not take every record.")
final class ReplayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--env", required = true, description = "Environment the transitions come from, which fixes"
            + " their sizes and action bounds: ${COMPLETION-CANDIDATES}", completionCandidates = EnvNames.class)
    String env;

    @Option(names = "--file", required = true, paramLabel = "FILE", description = "The file to replay.")
    Path file;

    @Option(names = "--format", description = "csv, jsonl or avro (default: from the file name's extension).")
    String format;

    @Option(names = "--strict", description = "Stop at the first bad row, naming its line, instead of"
            + " dead-lettering it; nothing after it is published.")
    boolean strict;

    @Option(names = "--resume", description = "Skip the rows this file (the same content) already published or"
            + " dead-lettered, e.g. after an interrupted replay: nothing is published twice.")
    boolean resume;

    @Option(names = "--rate", defaultValue = "0", paramLabel = "ROWS_PER_SECOND",
            description = "Publish at most this many rows per second; 0 = as fast as Kafka takes them (default).")
    double rate;

    @Option(names = "--actor-id", paramLabel = "ID", description = "Actor id (and Kafka key) of rows that name"
            + " none (default: replay-<file name>).")
    String actorId;

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException("file " + file + (Files.exists(file) ? " cannot be read"
                    : " does not exist"));
        }
        FileFormat fileFormat = format == null ? FileFormat.of(file) : FileFormat.named(format);
        TransitionShape shape = TransitionShape.of(Envs.spec(env));
        Replay.Settings settings = new Replay.Settings(file, fileFormat, shape,
                actorId == null ? Replay.Settings.defaultActorId(file) : actorId, strict, resume, rate,
                Duration.ofMillis(500));
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ProgressLine line = new ProgressLine(err, System.console() != null);
        Replay.Summary s;
        try (Replay replay = new Replay(kafka.settings(), settings, Clock.systemUTC());
             GracefulStop stop = new GracefulStop("replay", replay::close)) {
            s = replay.run(p -> line.show(String.format(Locale.ROOT, "replay %s: %,d rows, %,d published, %,d"
                            + " rejected%s, %.0f rows/s, %s", file.getFileName(), p.read(), p.published(), p.rejected(),
                    p.skipped() > 0 ? String.format(Locale.ROOT, ", %,d already published", p.skipped()) : "",
                    p.read() * 1000.0 / Math.max(1, p.elapsedMillis()), Eta.of(p.bytesRead(), p.totalBytes(),
                            p.elapsedMillis()))));
        } catch (BadFileException e) {
            line.end();
            throw e;
        }
        line.end();
        out.printf(Locale.ROOT, "replayed %s into %s: %,d rows read, %,d published, %,d already published, %,d"
                        + " rejected%s, %,d dead-lettered, %,d failed, in %.1f s (%.0f rows/s)%n", file,
                kafka.settings().topics().transitions().name(), s.read(), s.published(), s.skipped(), s.rejectedTotal(),
                s.rejected().isEmpty() ? "" : s.rejected().entrySet().stream()
                        .map(e -> e.getKey().label() + " " + e.getValue()).sorted()
                        .collect(Collectors.joining(", ", " (", ")")),
                s.deadLettered(), s.failed(), s.elapsedMillis() / 1000.0, s.read() * 1000.0 / Math.max(1, s.elapsedMillis()));
        out.flush();
        if (s.stoppedAt() != null) {
            err.println("streamrl replay: stopped at the first bad row (--strict), nothing after it published: "
                    + s.stoppedAt().getMessage());
            return Main.EXIT_DATA;
        }
        if (s.fileError() != null) {
            err.println("streamrl replay: " + s.fileError() + "; the rows before were published");
            return Main.EXIT_DATA;
        }
        if (s.failed() > 0) {
            err.println("streamrl replay: Kafka did not take " + s.failed() + " records, the first because of "
                    + s.firstFailure() + "; run again with --resume to publish what is missing");
            return Main.EXIT_UNAVAILABLE;
        }
        if (s.interrupted()) {
            err.println("streamrl replay: interrupted; run again with --resume to publish the rest");
            return Main.EXIT_INTERRUPTED;
        }
        return s.rejectedTotal() > 0 ? Main.EXIT_DATA : 0;
    }
}
