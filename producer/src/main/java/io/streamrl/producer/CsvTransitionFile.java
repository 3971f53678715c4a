package io.streamrl.producer;

import io.streamrl.producer.BadRowException.Reason;
import io.streamrl.schemas.TransitionFields;
import de.siegmar.fastcsv.reader.AbstractBaseCsvCallbackHandler;
import de.siegmar.fastcsv.reader.CommentStrategy;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.RecordWrapper;
import java.io.BufferedInputStream;
import java.io.FilterReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * A CSV file of transitions in the {@link CsvColumns} layout; line 1 is the header. FastCSV splits
 * the records (RFC 4180 quoting, any line break) and gives each its starting line; values are
 * stripped of surrounding spaces when they are read.
 */
final class CsvTransitionFile implements TransitionFile {

    /** A CSV file has no exploration noise column; views are read-only, so every row shares this. */
    private static final float[] NO_NOISE = new float[0];

    private final Path path;
    private final TransitionShape shape;
    private final Defaults defaults;
    private final CountingInputStream counted;
    private final QuoteCountingReader text;
    private final Records handler = new Records();
    private final CsvReader<Fields> reader;
    private final Iterator<Fields> records;
    /** The record after the one last returned, read ahead (null at the end), once {@code started}. */
    private Fields ahead;
    private boolean started;
    /** The failure of the record after the one last returned, thrown at the next call. */
    private BadFileException broken;
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
    /** Each optional column's index, -1 when absent: per row, a map lookup each cost as much as a parse. */
    private final int episodeColumn;
    private final int stepColumn;
    private final int timestampColumn;
    private final int densityColumn;
    private final int actorColumn;
    private final int versionColumn;
    private final List<String> ignored = new ArrayList<>();
    private long dataRows;

    CsvTransitionFile(Path path, TransitionShape shape, Defaults defaults) throws IOException {
        this.path = path;
        this.shape = shape;
        this.defaults = defaults;
        this.counted = new CountingInputStream(new BufferedInputStream(Files.newInputStream(path), 1 << 16));
        this.text = new QuoteCountingReader(new InputStreamReader(counted, StandardCharsets.UTF_8));
        // Empty lines come back as records and are skipped here. A row with too few or too many
        // fields is this reader's to refuse (dead letter, line), not FastCSV's (whole file).
        this.reader = CsvReader.builder().fieldSeparator(',').quoteCharacter('"').commentStrategy(CommentStrategy.NONE)
                .skipEmptyLines(false).ignoreDifferentFieldCount(true).acceptCharsAfterQuotes(false)
                .build(handler, text);
        this.records = reader.iterator();
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
            if (!known.contains(name)) {
                ignored.add(name);
            }
        }
        episodeColumn = index.getOrDefault(CsvColumns.EPISODE, -1);
        stepColumn = index.getOrDefault(CsvColumns.STEP, -1);
        timestampColumn = index.getOrDefault(CsvColumns.TIMESTAMP, -1);
        densityColumn = index.getOrDefault(CsvColumns.LOG_DENSITY, -1);
        actorColumn = index.getOrDefault(CsvColumns.ACTOR_ID, -1);
        versionColumn = index.getOrDefault(CsvColumns.POLICY_VERSION, -1);
    }

    /** Header columns that are neither required nor optional, and so not read. */
    List<String> ignoredColumns() {
        return List.copyOf(ignored);
    }

    @Override
    public Row next() throws IOException {
        Fields record;
        do {
            record = nextRecord();
            if (record == null) {
                return null;
            }
        } while (record.ends.length == 1 && record.ends[0] == 0);
        dataRows++;
        long line = record.line;
        values.line(line);
        Supplier<String> text = record::text;
        try {
            if (record.ends.length != headerSize) {
                throw values.bad(Reason.COLUMN_COUNT, "the row has " + record.ends.length + " fields; the header has "
                        + headerSize);
            }
            return new Row(line, text, transition(record), null);
        } catch (BadRowException e) {
            return new Row(line, text, null, e);
        }
    }

    /**
     * The next record, null at the end of the file. FastCSV is one record ahead, so that a record cut
     * inside quotes at the end of the file is refused before it is returned; a record that breaks the
     * file fails the call after the one returning the record before it.
     */
    private Fields nextRecord() throws BadFileException {
        if (broken != null) {
            throw broken;
        }
        Fields current = started ? ahead : read();
        started = true;
        if (current == null) {
            return null;
        }
        try {
            ahead = read();
        } catch (BadFileException e) {
            ahead = null;
            broken = e;
            return current;
        }
        // FastCSV ends a quoted field that is still open at the end of the file there, as if closed,
        // so a file cut inside quotes would pass for a good one. Every quote in the file is either in
        // a value FastCSV gave (a quoted value's doubled) or one of the pair around a quoted value.
        if (ahead == null && text.quotes != handler.quotes) {
            throw new BadFileException(path + " breaks off after line " + (current.line - 1) + ": the quoted field"
                    + " opened in the record of line " + current.line + " is not closed at the end of the file");
        }
        return current;
    }

    /** FastCSV's next record, null at the end; a record that breaks the quoting rules or the reading says where. */
    private Fields read() throws BadFileException {
        try {
            return records.hasNext() ? records.next() : null;
        } catch (CsvParseException e) {
            Throwable reason = e.getCause() == null ? e : e.getCause();
            throw new BadFileException(path + " line " + handler.line + ": " + reason.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new BadFileException(path + " breaks off after line " + (handler.line - 1) + ": "
                    + e.getCause().getMessage(), e);
        }
    }

    /** The row's values in the order of the schema's fields, so that the first bad one is the one named. */
    private TransitionFields transition(Fields r) throws BadRowException {
        char[] c = r.chars;
        String actor = absent(r, actorColumn) ? defaults.actorId() : r.value(actorColumn).strip();
        long episode = absent(r, episodeColumn) ? 0
                : values.toLong(CsvColumns.EPISODE, c, r.start(episodeColumn), r.end(episodeColumn));
        int step = absent(r, stepColumn) ? (int) Math.min(Integer.MAX_VALUE, dataRows)
                : (int) values.toLong(CsvColumns.STEP, c, r.start(stepColumn), r.end(stepColumn));
        float[] obs = vector(r, observation, observationNames);
        float[] act = vector(r, action, actionNames);
        double rew = values.toDouble(CsvColumns.REWARD, c, r.start(reward), r.end(reward));
        float[] next = vector(r, nextObservation, nextObservationNames);
        boolean term = values.toBoolean(CsvColumns.TERMINATED, c, r.start(terminated), r.end(terminated));
        boolean trunc = values.toBoolean(CsvColumns.TRUNCATED, c, r.start(truncated), r.end(truncated));
        long version = absent(r, versionColumn) ? -1
                : values.toLong(CsvColumns.POLICY_VERSION, c, r.start(versionColumn), r.end(versionColumn));
        long time = absent(r, timestampColumn) ? defaults.eventTimeMillis()
                : values.toEpochMillis(CsvColumns.TIMESTAMP, c, r.start(timestampColumn), r.end(timestampColumn));
        // NaN is the view's "none"; a NaN read from the column is none as well.
        double density = absent(r, densityColumn) ? Double.NaN
                : values.toDouble(CsvColumns.LOG_DENSITY, c, r.start(densityColumn), r.end(densityColumn));
        return new TransitionFields(actor, shape.envId(), episode, step, obs, act, rew, next, term, trunc, version,
                NO_NOISE, time, null, density, null, 0, 0);
    }

    /** Whether an optional column is absent from the file or blank in this row: either way it takes its default. */
    private static boolean absent(Fields r, int index) {
        return index < 0 || RowValues.isBlank(r.chars, r.start(index), r.end(index));
    }

    private float[] vector(Fields r, int[] columns, String[] names) throws BadRowException {
        float[] out = new float[columns.length];
        for (int i = 0; i < columns.length; i++) {
            out[i] = values.toFloat(names[i], r.chars, r.start(columns[i]), r.end(columns[i]));
        }
        return out;
    }

    private List<String> readHeader() throws BadFileException {
        Fields header = nextRecord();
        if (header == null) {
            throw new BadFileException(path + " is empty; line 1 must be the header "
                    + String.join(",", CsvColumns.required(shape.observationDim(), shape.actionDim())));
        }
        List<String> names = new ArrayList<>(header.ends.length);
        for (int i = 0; i < header.ends.length; i++) {
            names.add(header.value(i).strip());
        }
        return names;
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
        reader.close();
    }

    /**
     * One record: the line it starts on and its fields, unquoted, one after the other in
     * {@code chars} with a comma between two: field {@code i} ends at {@code ends[i]}. The
     * characters are the row's text as a dead letter carries it.
     */
    private record Fields(long line, char[] chars, int[] ends) {

        int start(int field) {
            return field == 0 ? 0 : ends[field - 1] + 1;
        }

        int end(int field) {
            return ends[field];
        }

        String value(int field) {
            return new String(chars, start(field), end(field) - start(field));
        }

        String text() {
            return new String(chars);
        }
    }

    /**
     * Collects FastCSV's fields into {@link Fields}, remembers the line of the record being read
     * (for errors that break the file) and counts the quotes the file must hold for what it gave.
     */
    private static final class Records extends AbstractBaseCsvCallbackHandler<Fields> {

        private long line = 1;
        private long quotes;
        /** The record being read: its fields so far, as in {@link Fields}. */
        private char[] chars = new char[256];
        private int size;
        private int[] ends = new int[16];

        @Override
        protected void handleBegin(long startingLineNumber) {
            line = startingLineNumber;
            size = 0;
        }

        @Override
        protected void handleField(int index, char[] buf, int offset, int length, boolean quoted) {
            if (index == ends.length) {
                ends = Arrays.copyOf(ends, ends.length * 2);
            }
            if (size + length + 1 > chars.length) {
                chars = Arrays.copyOf(chars, Math.max(2 * chars.length, size + length + 1));
            }
            if (index > 0) {
                chars[size++] = ',';
            }
            int inValue = 0;
            for (int i = offset; i < offset + length; i++) {
                char c = buf[i];
                chars[size++] = c;
                if (c == '"') {
                    inValue++;
                }
            }
            ends[index] = size;
            // A quote in a quoted value was written doubled, one elsewhere as it is.
            quotes += quoted ? 2 + 2L * inValue : inValue;
        }

        @Override
        protected RecordWrapper<Fields> buildRecord() {
            return wrapRecord(new Fields(line, Arrays.copyOf(chars, size), Arrays.copyOf(ends, getFieldCount())));
        }
    }

    /** Counts the quote characters read, for the check at the end of the file. */
    private static final class QuoteCountingReader extends FilterReader {

        private long quotes;

        QuoteCountingReader(Reader in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            if (c == '"') {
                quotes++;
            }
            return c;
        }

        @Override
        public int read(char[] buf, int offset, int length) throws IOException {
            int n = super.read(buf, offset, length);
            for (int i = offset; i < offset + n; i++) {
                if (buf[i] == '"') {
                    quotes++;
                }
            }
            return n;
        }
    }
}
