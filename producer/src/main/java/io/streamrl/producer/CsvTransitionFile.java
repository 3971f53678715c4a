package io.streamrl.producer;

import io.streamrl.producer.BadRowException.Reason;
import io.streamrl.schemas.avro.Transition;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/** A CSV file of transitions in the {@link CsvColumns} layout; line 1 is the header. */
final class CsvTransitionFile implements TransitionFile {

    private final Path path;
    private final TransitionShape shape;
    private final Defaults defaults;
    private final CountingInputStream counted;
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private final RowValues values;
    private final int headerSize;
    private final int[] observation;
    private final int[] nextObservation;
    private final int[] action;
    /** Column names for error messages, made once: per value and row they cost more than the parsing. */
    private final String[] observationNames;
    private final String[] nextObservationNames;
    private final String[] actionNames;
    private final int reward;
    private final int terminated;
    private final int truncated;
    private final Map<String, Integer> optional = new HashMap<>();
    private final List<String> ignored = new ArrayList<>();
    private long dataRows;

    CsvTransitionFile(Path path, TransitionShape shape, Defaults defaults) throws IOException {
        this.path = path;
        this.shape = shape;
        this.defaults = defaults;
        this.counted = new CountingInputStream(new BufferedInputStream(Files.newInputStream(path), 1 << 16));
        // Empty lines come back as records (and are skipped here), so that the line count before
        // each record is the line it starts on, whether or not the file ends with a line break.
        this.parser = CSVFormat.DEFAULT.builder().setIgnoreSurroundingSpaces(true).setIgnoreEmptyLines(false).get()
                .parse(new InputStreamReader(counted, StandardCharsets.UTF_8));
        this.records = parser.iterator();
        this.values = new RowValues(path);
        List<String> header = readHeader();
        this.headerSize = header.size();
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            if (index.putIfAbsent(header.get(i), i) != null) {
                throw new BadFileException(path + " line 1: the header names column '" + header.get(i) + "' twice");
            }
        }
        List<String> missing = new ArrayList<>();
        for (String name : CsvColumns.required(shape.observationDim(), shape.actionDim())) {
            if (!index.containsKey(name)) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new BadFileException(path + " line 1: the header lacks " + String.join(", ", missing) + "; "
                    + shape.envId() + " needs the columns " + String.join(",",
                    CsvColumns.required(shape.observationDim(), shape.actionDim())) + " (optional after them: "
                    + String.join(",", CsvColumns.OPTIONAL) + ")");
        }
        observation = columns(index, CsvColumns::observation, shape.observationDim());
        nextObservation = columns(index, CsvColumns::nextObservation, shape.observationDim());
        action = columns(index, CsvColumns::action, shape.actionDim());
        observationNames = names(CsvColumns::observation, shape.observationDim());
        nextObservationNames = names(CsvColumns::nextObservation, shape.observationDim());
        actionNames = names(CsvColumns::action, shape.actionDim());
        reward = index.get(CsvColumns.REWARD);
        terminated = index.get(CsvColumns.TERMINATED);
        truncated = index.get(CsvColumns.TRUNCATED);
        List<String> known = CsvColumns.all(shape.observationDim(), shape.actionDim());
        for (String name : header) {
            if (CsvColumns.OPTIONAL.contains(name)) {
                optional.put(name, index.get(name));
            } else if (!known.contains(name)) {
                ignored.add(name);
            }
        }
    }

    /** Header columns that are neither required nor optional, and so not read. */
    List<String> ignoredColumns() {
        return List.copyOf(ignored);
    }

    @Override
    public Row next() throws IOException {
        long line;
        CSVRecord record;
        do {
            line = parser.getCurrentLineNumber() + 1;
            try {
                if (!records.hasNext()) {
                    return null;
                }
                record = records.next();
            } catch (UncheckedIOException e) {
                throw new BadFileException(path + " breaks off after line " + (line - 1) + ": "
                        + e.getCause().getMessage(), e);
            }
        } while (record.size() == 1 && record.get(0).isEmpty());
        dataRows++;
        values.line(line);
        CSVRecord parsed = record;
        Supplier<String> text = () -> String.join(",", parsed.values());
        try {
            if (record.size() != headerSize) {
                throw values.bad(Reason.COLUMN_COUNT, "the row has " + record.size() + " fields; the header has "
                        + headerSize);
            }
            return new Row(line, text, transition(record), null);
        } catch (BadRowException e) {
            return new Row(line, text, null, e);
        }
    }

    private Transition transition(CSVRecord r) throws BadRowException {
        String episode = optional(r, CsvColumns.EPISODE);
        String step = optional(r, CsvColumns.STEP);
        String timestamp = optional(r, CsvColumns.TIMESTAMP);
        String density = optional(r, CsvColumns.LOG_DENSITY);
        String actor = optional(r, CsvColumns.ACTOR_ID);
        String version = optional(r, CsvColumns.POLICY_VERSION);
        return Transition.newBuilder()
                .setActorId(actor.isEmpty() ? defaults.actorId() : actor)
                .setEnvId(shape.envId())
                .setEpisode(episode.isEmpty() ? 0 : values.toLong(CsvColumns.EPISODE, episode))
                .setStep(step.isEmpty() ? (int) Math.min(Integer.MAX_VALUE, dataRows)
                        : (int) values.toLong(CsvColumns.STEP, step))
                .setObservation(vector(r, observation, observationNames))
                .setAction(vector(r, action, actionNames))
                .setReward(values.toDouble(CsvColumns.REWARD, r.get(reward)))
                .setNextObservation(vector(r, nextObservation, nextObservationNames))
                .setTerminated(values.toBoolean(CsvColumns.TERMINATED, r.get(terminated)))
                .setTruncated(values.toBoolean(CsvColumns.TRUNCATED, r.get(truncated)))
                .setPolicyVersion(version.isEmpty() ? -1 : values.toLong(CsvColumns.POLICY_VERSION, version))
                .setExplorationNoise(List.of())
                .setEventTime(Instant.ofEpochMilli(timestamp.isEmpty() ? defaults.eventTimeMillis()
                        : values.toEpochMillis(CsvColumns.TIMESTAMP, timestamp)))
                .setDecisionId(null)
                .setLogDensity(density.isEmpty() ? null : values.toDouble(CsvColumns.LOG_DENSITY, density))
                .setJoin(null)
                .build();
    }

    /** An optional column's value, stripped; empty when the column is absent or the field blank (its default). */
    private String optional(CSVRecord r, String column) {
        Integer index = optional.get(column);
        return index == null ? "" : r.get(index).strip();
    }

    private List<Float> vector(CSVRecord r, int[] columns, String[] names) throws BadRowException {
        List<Float> out = new ArrayList<>(columns.length);
        for (int i = 0; i < columns.length; i++) {
            out.add(values.toFloat(names[i], r.get(columns[i])));
        }
        return out;
    }

    private List<String> readHeader() throws IOException {
        try {
            if (!records.hasNext()) {
                throw new BadFileException(path + " is empty; line 1 must be the header "
                        + String.join(",", CsvColumns.required(shape.observationDim(), shape.actionDim())));
            }
            return records.next().toList().stream().map(String::strip).toList();
        } catch (UncheckedIOException e) {
            throw new BadFileException(path + " line 1: " + e.getCause().getMessage(), e);
        }
    }

    private static String[] names(IntFunction<String> name, int n) {
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            out[i] = name.apply(i);
        }
        return out;
    }

    private static int[] columns(Map<String, Integer> index, IntFunction<String> name, int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = index.get(name.apply(i));
        }
        return out;
    }

    @Override
    public long bytesRead() {
        return counted.count();
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
