package io.streamrl.bench;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them on a command line: {@code 60s}, {@code 500ms}, {@code 2m}, {@code 1.5h}, {@code 10}. */
public final class Durations {

    private static final Pattern HUMAN = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

    private Durations() {
    }

    /**
     * A non-negative duration: a number with the unit {@code ms}, {@code s}, {@code m} or {@code h}
     * (seconds when there is none), or ISO-8601 ({@code PT1M30S}).
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static Duration parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        Matcher m = HUMAN.matcher(t);
        if (m.matches()) {
            double value = Double.parseDouble(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            double nanosPerUnit = switch (unit) {
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
            double nanos = value * nanosPerUnit;
            if (nanos > Long.MAX_VALUE / 2.0) {
                throw new IllegalArgumentException("'" + text + "' is too long a duration");
            }
            return Duration.ofNanos(Math.round(nanos));
        }
        if (t.startsWith("pt")) {
            try {
                Duration d = Duration.parse(t.toUpperCase(Locale.ROOT));
                if (!d.isNegative()) {
                    return d;
                }
            } catch (DateTimeParseException e) {
                // Falls through to the message below.
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a duration; write e.g. 60s, 500ms, 2m, 1h"
                + " (a bare number is seconds)");
    }

    /** {@code 250ms}, {@code 60s}, {@code 1.5s}, {@code 2m}, {@code 24h}: the shortest exact form among these. */
    public static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos != 0 && nanos % 3_600_000_000_000L == 0) {
            return nanos / 3_600_000_000_000L + "h";
        }
        if (nanos != 0 && nanos % 60_000_000_000L == 0) {
            return nanos / 60_000_000_000L + "m";
        }
        if (nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + "s";
        }
        if (nanos % 1_000_000L == 0 && nanos < 1_000_000_000L) {
            return nanos / 1_000_000L + "ms";
        }
        return String.format(Locale.ROOT, "%.3fs", nanos / 1e9).replaceAll("0+s$", "s");
    }
}
