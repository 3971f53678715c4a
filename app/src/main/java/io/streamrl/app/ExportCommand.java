package io.streamrl.app;

import io.streamrl.producer.Export;
import io.streamrl.producer.FileFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write what a topic holds, as it stands when the command starts, to an Avro, JSON Lines or"
                + " (transitions only) CSV file that 'streamrl replay' reads back.")
final class ExportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--topic", required = true, description = "The topic within the namespace: transitions,"
            + " decisions, rewards, late-rewards, episodes, dead-letter, policy or control.")
    String topic;

    @Option(names = "--to", required = true, paramLabel = "FILE", description = "The file to write; its extension"
            + " (.avro, .jsonl, .csv) gives the format unless --format does. Written whole or not at all.")
    Path to;

    @Option(names = "--format", description = "csv, jsonl or avro (default: from the file name's extension).")
    String format;

    @Option(names = "--from-offset", paramLabel = "OFFSET", description = "Start every partition at this offset"
            + " (default: the beginning).")
    Long fromOffset;

    @Option(names = "--from-time", paramLabel = "INSTANT", description = "Start every partition at the first"
            + " record at or after this time, e.g. 2026-12-07T00:00:00Z.")
    String fromTime;

    @Option(names = "--until", paramLabel = "INSTANT", description = "Leave out records written after this time"
            + " (default: everything up to the end as it stands at the start).")
    String until;

    @Override
    public Integer call() throws IOException {
        FileFormat fileFormat = format == null ? FileFormat.of(to) : FileFormat.named(format);
        Export.Settings settings = new Export.Settings(topic, to, fileFormat, fromOffset, instant("from-time", fromTime),
                instant("until", until), Duration.ofMillis(500));
        PrintWriter out = spec.commandLine().getOut();
        ProgressLine line = new ProgressLine(spec.commandLine().getErr(), System.console() != null);
        Export.Summary s;
        try (Export export = new Export(kafka.settings(), settings, Clock.systemUTC());
             GracefulStop stop = new GracefulStop("export", export::close)) {
            s = export.run(p -> line.show(String.format(Locale.ROOT, "export %s: %,d of %,d records, %.0f records/s,"
                    + " %s", topic, p.written(), p.total(), p.written() * 1000.0 / Math.max(1, p.elapsedMillis()),
                    Eta.of(p.written(), p.total(), p.elapsedMillis()))));
        } catch (IOException e) {
            line.end();
            throw new OutputException(to, e);
        }
        line.end();
        out.printf(Locale.ROOT, "exported %,d records of %s to %s in %.1f s (%.0f records/s)%s%s%n", s.written(),
                s.topic(), s.file(), s.elapsedMillis() / 1000.0, s.written() * 1000.0 / Math.max(1, s.elapsedMillis()),
                s.undecodable() > 0 ? String.format(Locale.ROOT, "; %,d records that do not decode left out",
                        s.undecodable()) : "",
                s.outsideTime() > 0 ? String.format(Locale.ROOT, "; %,d records after --until left out",
                        s.outsideTime()) : "");
        out.flush();
        return 0;
    }

    private static Instant instant(String option, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + " must be an ISO-8601 instant such as 2026-12-07T00:00:00Z,"
                    + " got '" + value + "'");
        }
    }
}
