package io.streamrl.producer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.schemas.RecordCodec;
import io.streamrl.schemas.RecordDecodingException;
import io.streamrl.schemas.TopicSpec;
import io.streamrl.schemas.Topics;
import io.streamrl.schemas.avro.Transition;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/**
 * Writes what a topic holds (read {@code read_committed}, from the start, an offset or a time,
 * up to its end when the export starts, or an earlier time) to an Avro container, JSON Lines or
 * (transitions only) CSV file that {@link Replay} reads back. The file appears whole or not at
 * all: it is written beside its final name and moved there at the end. Records that do not
 * decode are counted and left out.
 */
public final class Export implements AutoCloseable {

    /** The topics export knows, by their name within the namespace. */
    public static final List<String> TOPICS = List.of(Topics.TRANSITIONS, Topics.DECISIONS, Topics.REWARDS,
            Topics.LATE_REWARDS, Topics.EPISODES, Topics.DEAD_LETTER, Topics.POLICY, Topics.CONTROL);

    /**
     * @param topic the topic's name within the namespace, one of {@link #TOPICS}
     * @param to the file to write
     * @param format its format; CSV for the transitions topic only
     * @param fromOffset start every partition at this offset (or its beginning, if later); null for none
     * @param fromTime start every partition at the first record at or after this time; null for none
     * @param until leave out records after this time; null for up to the end
     * @param progressInterval how often {@link #run} reports progress
     */
    public record Settings(String topic, Path to, FileFormat format, Long fromOffset, Instant fromTime,
                           Instant until, Duration progressInterval) {

        public Settings {
            if (!TOPICS.contains(topic)) {
                throw new IllegalArgumentException("topic must be one of " + TOPICS + ", got '" + topic + "'");
            }
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(format, "format");
            if (format == FileFormat.CSV && !topic.equals(Topics.TRANSITIONS)) {
                throw new IllegalArgumentException("csv is for the transitions topic only; export " + topic
                        + " as jsonl or avro");
            }
            if (fromOffset != null && fromTime != null) {
                throw new IllegalArgumentException("give from-offset or from-time, not both");
            }
            if (fromOffset != null && fromOffset < 0) {
                throw new IllegalArgumentException("from-offset must be >= 0, got " + fromOffset);
            }
        }
    }

    public record Progress(long written, long total, long elapsedMillis) {
    }

    /**
     * @param written records in the file
     * @param undecodable records left out because they did not decode
     * @param outsideTime records left out because they were after {@code until}
     */
    public record Summary(String topic, Path file, long written, long undecodable, long outsideTime,
                          long elapsedMillis) {
    }

    private final KafkaSettings kafka;
    private final Settings settings;
    private final Clock clock;
    private volatile boolean stopping;

    public Export(KafkaSettings kafka, Settings settings, Clock clock) {
        this.kafka = Objects.requireNonNull(kafka, "kafka");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void close() {
        stopping = true;
    }

    /**
     * Exports, and moves the file into place when done.
     *
     * @throws IOException when the file cannot be written; nothing is left at its name
     * @throws IllegalArgumentException when the topic does not exist
     */
    public Summary run(Consumer<Progress> progress) throws IOException {
        long start = clock.millis();
        TopicSpec<?, ? extends SpecificRecord> spec = spec(kafka.topics(), settings.topic());
        Path target = settings.to().toAbsolutePath();
        Path temp = target.resolveSibling("." + target.getFileName() + ".partial");
        long[] counts = new long[3]; // written, undecodable, after until
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumer("streamrl-export", null));
             RecordFileWriter writer = RecordFileWriter.open(settings.format(), temp, spec)) {
            List<TopicPartition> partitions = TopicScan.partitions(consumer, spec.name(), kafka.connectTimeout());
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, kafka.connectTimeout());
            Map<TopicPartition, Long> begin = startOffsets(consumer, partitions, end);
            long total = partitions.stream().mapToLong(p -> end.get(p) - begin.get(p)).sum();
            long progressMillis = settings.progressInterval().toMillis();
            long[] next = {clock.millis() + progressMillis};
            long untilMillis = settings.until() == null ? Long.MAX_VALUE : settings.until().toEpochMilli();
            TopicScan.scan(consumer, begin, end, r -> {
                if (r.timestamp() > untilMillis) {
                    counts[2]++;
                    return;
                }
                try {
                    writer.write(spec.decodeValue(r.value()));
                    counts[0]++;
                } catch (RecordDecodingException e) {
                    counts[1]++;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                long now = clock.millis();
                if (now >= next[0]) {
                    progress.accept(new Progress(counts[0], total, now - start));
                    next[0] = now + progressMillis;
                }
            }, () -> stopping);
            if (stopping) {
                throw new IOException("export of " + spec.name() + " interrupted after " + counts[0]
                        + " records; nothing was written to " + target);
            }
        } catch (UncheckedIOException e) {
            Files.deleteIfExists(temp);
            throw e.getCause();
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Summary summary = new Summary(spec.name(), target, counts[0], counts[1], counts[2], clock.millis() - start);
        progress.accept(new Progress(counts[0], counts[0], summary.elapsedMillis()));
        return summary;
    }

    private Map<TopicPartition, Long> startOffsets(KafkaConsumer<byte[], byte[]> consumer,
                                                   List<TopicPartition> partitions, Map<TopicPartition, Long> end) {
        Map<TopicPartition, Long> begin = new HashMap<>(consumer.beginningOffsets(partitions, kafka.connectTimeout()));
        if (settings.fromOffset() != null) {
            begin.replaceAll((p, b) -> Math.min(end.get(p), Math.max(b, settings.fromOffset())));
        } else if (settings.fromTime() != null) {
            Map<TopicPartition, Long> query = new HashMap<>();
            partitions.forEach(p -> query.put(p, settings.fromTime().toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, kafka.connectTimeout());
            begin.replaceAll((p, b) -> found.get(p) == null ? end.get(p) : Math.max(b, found.get(p).offset()));
        }
        return begin;
    }

    static TopicSpec<?, ? extends SpecificRecord> spec(Topics topics, String name) {
        return switch (name) {
            case Topics.TRANSITIONS -> topics.transitions();
            case Topics.DECISIONS -> topics.decisions();
            case Topics.REWARDS -> topics.rewards();
            case Topics.LATE_REWARDS -> topics.lateRewards();
            case Topics.EPISODES -> topics.episodes();
            case Topics.DEAD_LETTER -> topics.deadLetter();
            case Topics.POLICY -> topics.policy();
            case Topics.CONTROL -> topics.control();
            default -> throw new IllegalArgumentException("topic must be one of " + TOPICS + ", got '" + name + "'");
        };
    }

    /** One output file of decoded records. */
    private interface RecordFileWriter extends AutoCloseable {

        void write(SpecificRecord record) throws IOException;

        @Override
        void close() throws IOException;

        static RecordFileWriter open(FileFormat format, Path file, TopicSpec<?, ? extends SpecificRecord> spec)
                throws IOException {
            return switch (format) {
                case AVRO -> avro(file, spec);
                case JSONL -> jsonLines(file);
                case CSV -> csv(file);
            };
        }

        private static RecordFileWriter avro(Path file, TopicSpec<?, ? extends SpecificRecord> spec)
                throws IOException {
            @SuppressWarnings("unchecked")
            RecordCodec<SpecificRecord> codec = (RecordCodec<SpecificRecord>) spec.valueSerde().codec();
            DataFileWriter<SpecificRecord> out = new DataFileWriter<>(codec.containerWriter());
            out.create(codec.currentSchema(), file.toFile());
            return new RecordFileWriter() {
                @Override
                public void write(SpecificRecord record) throws IOException {
                    out.append(record);
                }

                @Override
                public void close() throws IOException {
                    out.close();
                }
            };
        }

        private static RecordFileWriter jsonLines(Path file) throws IOException {
            OutputStream stream = Files.newOutputStream(file);
            JsonGenerator json = new JsonFactory().createGenerator(stream);
            json.setRootValueSeparator(null);
            return new RecordFileWriter() {
                @Override
                public void write(SpecificRecord record) throws IOException {
                    AvroJson.write(record, json);
                    json.writeRaw('\n');
                }

                @Override
                public void close() throws IOException {
                    json.close();
                    stream.close();
                }
            };
        }

        private static RecordFileWriter csv(Path file) throws IOException {
            Writer writer = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file),
                    StandardCharsets.UTF_8), 1 << 16);
            return new RecordFileWriter() {
                private CsvWriter printer;
                private int observationDim = -1;
                private int actionDim = -1;
                private final List<String> row = new ArrayList<>();

                @Override
                public void write(SpecificRecord record) throws IOException {
                    Transition t = (Transition) record;
                    if (printer == null) {
                        observationDim = t.getObservation().size();
                        actionDim = t.getAction().size();
                        printer = CsvWriter.builder().lineDelimiter(LineDelimiter.LF).build(writer)
                                .writeRecord(CsvColumns.all(observationDim, actionDim));
                    } else if (t.getObservation().size() != observationDim || t.getAction().size() != actionDim) {
                        throw new IOException("a transition of actor " + t.getActorId() + " has "
                                + t.getObservation().size() + " observation and " + t.getAction().size()
                                + " action values where the first had " + observationDim + " and " + actionDim
                                + "; one CSV file holds one shape: export as jsonl or avro");
                    }
                    row.clear();
                    t.getObservation().forEach(v -> row.add(v.toString()));
                    t.getAction().forEach(v -> row.add(v.toString()));
                    row.add(Double.toString(t.getReward()));
                    t.getNextObservation().forEach(v -> row.add(v.toString()));
                    row.add(Boolean.toString(t.getTerminated()));
                    row.add(Boolean.toString(t.getTruncated()));
                    row.add(Long.toString(t.getEpisode()));
                    row.add(Integer.toString(t.getStep()));
                    row.add(Long.toString(t.getEventTime().toEpochMilli()));
                    row.add(t.getLogDensity() == null ? "" : t.getLogDensity().toString());
                    row.add(t.getActorId());
                    row.add(Long.toString(t.getPolicyVersion()));
                    printer.writeRecord(row);
                }

                @Override
                public void close() throws IOException {
                    if (printer != null) {
                        printer.close();
                    }
                    writer.close();
                }
            };
        }
    }
}
