package io.streamrl.producer;

import ch.randelshofer.fastdoubleparser.JavaDoubleParser;
import ch.randelshofer.fastdoubleparser.JavaFloatParser;
import io.streamrl.producer.BadRowException.Reason;
import java.nio.CharBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;

/**
 * Text to values for the row readers, with errors that name the file, line and column. "nan",
 * "inf" and "-inf" (as Python and NumPy write them) read as the IEEE values, so that they are
 * refused as not finite rather than as not numbers. Decimals go through fastdoubleparser's Java
 * parsers: they accept exactly the syntax of {@link Float#parseFloat} and {@link Double#parseDouble}
 * (hex, "NaN", "Infinity", a leading '+', an 'f'/'d' suffix) and round alike, at a fraction of the
 * JDK 17 parsers' cost, which was the largest part of reading a CSV row.
 */
final class RowValues {

    private static final char[] TRUE = "true".toCharArray();
    private static final char[] FALSE = "false".toCharArray();

    private final Path file;
    private long line;

    RowValues(Path file) {
        this.file = file;
    }

    /** The line the next values come from. */
    void line(long value) {
        line = value;
    }

    /**
     * The value in {@code text[from, to)}, parsed straight to float: through a double, a decimal
     * could round twice and land on the other neighbour. Values are read from the row's characters
     * where they lie: a String per field cost more than the parsing.
     */
    float toFloat(String column, char[] text, int from, int to) throws BadRowException {
        int start = required(column, text, from, to);
        int end = stripEnd(text, start, to);
        try {
            return JavaFloatParser.parseFloat(text, start, end - start);
        } catch (NumberFormatException e) {
            return (float) special(column, new String(text, start, end - start));
        }
    }

    double toDouble(String column, char[] text, int from, int to) throws BadRowException {
        int start = required(column, text, from, to);
        int end = stripEnd(text, start, to);
        try {
            return JavaDoubleParser.parseDouble(text, start, end - start);
        } catch (NumberFormatException e) {
            return special(column, new String(text, start, end - start));
        }
    }

    private double special(String column, String v) throws BadRowException {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "nan", "+nan", "-nan" -> Double.NaN;
            case "inf", "+inf", "infinity", "+infinity" -> Double.POSITIVE_INFINITY;
            case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
            default -> throw bad(Reason.NOT_A_NUMBER, column + " is '" + shorten(v) + "'; allowed: a number");
        };
    }

    long toLong(String column, char[] text, int from, int to) throws BadRowException {
        int start = required(column, text, from, to);
        int end = stripEnd(text, start, to);
        try {
            return Long.parseLong(CharBuffer.wrap(text), start, end, 10);
        } catch (NumberFormatException e) {
            throw bad(Reason.NOT_A_NUMBER, column + " is '" + shorten(new String(text, start, end - start))
                    + "'; allowed: a whole number");
        }
    }

    boolean toBoolean(String column, char[] text, int from, int to) throws BadRowException {
        int start = required(column, text, from, to);
        int end = stripEnd(text, start, to);
        // The spellings files nearly always use, without a String; any other case goes the long way.
        if (Arrays.equals(text, start, end, TRUE, 0, TRUE.length)) {
            return true;
        }
        if (Arrays.equals(text, start, end, FALSE, 0, FALSE.length)) {
            return false;
        }
        String v = new String(text, start, end - start);
        if (v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw bad(Reason.NOT_A_NUMBER, column + " is '" + shorten(v) + "'; allowed: true or false");
    }

    /** Epoch milliseconds, or an ISO-8601 instant such as {@code 2026-12-07T10:15:30Z}. */
    long toEpochMillis(String column, char[] text, int from, int to) throws BadRowException {
        int start = required(column, text, from, to);
        int end = stripEnd(text, start, to);
        if (isWholeNumber(text, start, end)) {
            return toLong(column, text, start, end);
        }
        String v = new String(text, start, end - start);
        try {
            return Instant.parse(v).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw bad(Reason.NOT_A_NUMBER, column + " is '" + shorten(v) + "'; allowed: epoch milliseconds or an"
                    + " ISO-8601 instant such as 2026-12-07T10:15:30Z");
        }
    }

    /** Whether {@code text[from, to)} holds nothing but white space (an optional column's default). */
    static boolean isBlank(char[] text, int from, int to) {
        return stripStart(text, from, to) == to;
    }

    /** Digits and minus signs only. */
    private static boolean isWholeNumber(char[] text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text[i];
            if (c != '-' && !Character.isDigit(c)) {
                return false;
            }
        }
        return true;
    }

    BadRowException bad(Reason reason, String detail) {
        return new BadRowException(file, line, reason, detail);
    }

    /** Where the value in {@code text[from, to)} starts once stripped; a blank one is missing. */
    private int required(String column, char[] text, int from, int to) throws BadRowException {
        int start = stripStart(text, from, to);
        if (start == to) {
            throw bad(Reason.MISSING_VALUE, column + " is empty; allowed: a value");
        }
        return start;
    }

    /**
     * {@link String#strip}'s white space: no supplementary character is white space, so looking at
     * single chars finds the same.
     */
    private static int stripStart(char[] text, int from, int to) {
        while (from < to && Character.isWhitespace(text[from])) {
            from++;
        }
        return from;
    }

    private static int stripEnd(char[] text, int from, int to) {
        while (to > from && Character.isWhitespace(text[to - 1])) {
            to--;
        }
        return to;
    }

    static String shorten(String text) {
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }
}
