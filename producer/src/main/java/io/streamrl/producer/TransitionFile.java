package io.streamrl.producer;

import io.streamrl.schemas.TransitionFields;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * A file of transitions, read row by row. A row that cannot become a transition comes back as
 * a {@link Row} with its problem, and reading goes on; a file that cannot be read further throws
 * {@link BadFileException}.
 */
public interface TransitionFile extends AutoCloseable {

    /**
     * One row: its line (or record number), its text, and either the transition or why there is
     * none. The text is made only when asked for (a dead letter needs it; a good row does not):
     * rendering every Avro record as text cost more than publishing it. The transition's lists
     * are primitive arrays: what replay checks and encodes, without a boxed float per value.
     */
    record Row(long line, Supplier<String> textSource, TransitionFields transition, BadRowException problem) {

        public boolean ok() {
            return problem == null;
        }

        /** The row as read (a CSV line as parsed, a JSON line, an Avro record as JSON). */
        public String text() {
            return textSource.get();
        }
    }

    /**
     * What a CSV or JSON row that does not say so gets: the actor id (also the Kafka key, so that
     * a file's rows stay in order on one partition) and the event time.
     */
    record Defaults(String actorId, long eventTimeMillis) {
    }

    /**
     * The next row, or null at the end of the file.
     *
     * @throws BadFileException when the file breaks off or is corrupt at this point
     */
    Row next() throws IOException;

    /** Bytes of the file consumed so far, for progress and ETA; approximate. */
    long bytesRead();

    Path path();

    @Override
    void close() throws IOException;

    /**
     * Opens {@code file} in {@code format}, for transitions of {@code shape}'s environment.
     *
     * @throws BadFileException when it cannot be read as that format at all (a CSV header that
     *     lacks a column, a file that is not an Avro container)
     */
    static TransitionFile open(Path file, FileFormat format, TransitionShape shape, Defaults defaults)
            throws IOException {
        return switch (format) {
            case CSV -> new CsvTransitionFile(file, shape, defaults);
            case JSONL -> new JsonLinesTransitionFile(file, shape, defaults);
            case AVRO -> new AvroTransitionFile(file);
        };
    }
}
