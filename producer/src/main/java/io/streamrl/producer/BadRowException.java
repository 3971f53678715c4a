package io.streamrl.producer;

import java.nio.file.Path;
import java.util.Locale;

/** A row of a transitions file that cannot become a transition: the file, the line and why. */
public final class BadRowException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why a row was refused; {@link #label()} names it in summaries and metrics. */
    public enum Reason {
        /** A CSV row with more or fewer fields than the header. */
        COLUMN_COUNT,
        /** A value that should be a number (or a boolean, or a timestamp) and is not one. */
        NOT_A_NUMBER,
        /** NaN or an infinity where a finite number is needed. */
        NOT_FINITE,
        /** An action outside the environment's bounds. */
        OUT_OF_BOUNDS,
        /** A vector with the wrong number of entries for the environment. */
        WRONG_LENGTH,
        /** A required value that is absent or empty. */
        MISSING_VALUE,
        /** A JSON line that does not parse, or an Avro record that does not decode. */
        MALFORMED,
        /** A value the transition schema's rules refuse (e.g. a step below 1). */
        INVALID;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final transient Path file;
    private final long line;
    private final Reason reason;
    private final String detail;

    public BadRowException(Path file, long line, Reason reason, String detail) {
        super(file + " line " + line + ": " + detail + " (" + reason.label() + ")");
        this.file = file;
        this.line = line;
        this.reason = reason;
        this.detail = detail;
    }

    public Path file() {
        return file;
    }

    /** The line of the file, 1-based, the header being line 1 of a CSV file; the record number in an Avro file. */
    public long line() {
        return line;
    }

    public Reason reason() {
        return reason;
    }

    /** The message without file and line. */
    public String detail() {
        return detail;
    }
}
