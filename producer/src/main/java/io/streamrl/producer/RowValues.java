package io.streamrl.producer;

import ch.randelshofer.fastdoubleparser.JavaDoubleParser;
import ch.randelshofer.fastdoubleparser.JavaFloatParser;
import io.streamrl.producer.BadRowException.Reason;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
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

    private final Path file;
    private long line;

    RowValues(Path file) {
        this.file = file;
    }

    /** The line the next values come from. */
    void line(long value) {
        line = value;
    }

    /** Parsed straight to float: through a double, a decimal could round twice and land on the other neighbour. */
    float toFloat(String column, String text) throws BadRowException {
        String v = required(column, text);
        try {
            return JavaFloatParser.parseFloat(v);
        } catch (NumberFormatException e) {
            return (float) special(column, v);
        }
    }

    double toDouble(String column, String text) throws BadRowException {
        String v = required(column, text);
        try {
            return JavaDoubleParser.parseDouble(v);
        } catch (NumberFormatException e) {
            return special(column, v);
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

    long toLong(String column, String text) throws BadRowException {
        String v = required(column, text);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw bad(Reason.NOT_A_NUMBER, column + " is '" + shorten(v) + "'; allowed: a whole number");
        }
    }

    boolean toBoolean(String column, String text) throws BadRowException {
        String v = required(column, text);
        if (v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw bad(Reason.NOT_A_NUMBER, column + " is '" + shorten(v) + "'; allowed: true or false");
    }

    /** Epoch milliseconds, or an ISO-8601 instant such as {@code 2026-12-07T10:15:30Z}. */
    long toEpochMillis(String column, String text) throws BadRowException {
        String v = required(column, text);
        if (isWholeNumber(v)) {
            return toLong(column, v);
        }
        try {
            return Instant.parse(v).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw bad(Reason.NOT_A_NUMBER, column + " is '" + shorten(v) + "'; allowed: epoch milliseconds or an"
                    + " ISO-8601 instant such as 2026-12-07T10:15:30Z");
        }
    }

    /** Digits and minus signs only; a loop, since a stream per row cost as much as the parse. */
    private static boolean isWholeNumber(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c != '-' && !Character.isDigit(c)) {
                return false;
            }
        }
        return true;
    }

    BadRowException bad(Reason reason, String detail) {
        return new BadRowException(file, line, reason, detail);
    }

    private String required(String column, String text) throws BadRowException {
        if (text == null || text.isBlank()) {
            throw bad(Reason.MISSING_VALUE, column + " is empty; allowed: a value");
        }
        return text.strip();
    }

    static String shorten(String text) {
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }
}
