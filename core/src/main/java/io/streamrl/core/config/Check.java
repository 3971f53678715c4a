package io.streamrl.core.config;

import java.util.regex.Pattern;

/**
 * Fail-fast validation for configuration records: every message names the key (as the user
 * writes it, kebab-case) and the allowed range.
 */
public final class Check {

    /** Longest {@link #identifier identifier}. */
    public static final int MAX_IDENTIFIER_LENGTH = 128;
    /** The values {@link #identifier} accepts, as its messages state them. */
    public static final String IDENTIFIER_RANGE = "1 to " + MAX_IDENTIFIER_LENGTH + " characters from [A-Za-z0-9._-]";

    // Kafka's topic-name characters: safe as a record key, inside a client.id and as a metric tag.
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_IDENTIFIER_LENGTH + "}");

    private Check() {
    }

    /**
     * A name that becomes a Kafka record key, part of client ids and a metric tag, such as an
     * actor id or a policy name: {@value #IDENTIFIER_RANGE}.
     */
    public static String identifier(String key, String value) {
        if (!isIdentifier(value)) {
            throw invalidShape(key, value == null ? null : "'" + value + "'", IDENTIFIER_RANGE);
        }
        return value;
    }

    /** Whether {@link #identifier} accepts {@code value}. */
    public static boolean isIdentifier(String value) {
        return value != null && IDENTIFIER.matcher(value).matches();
    }

    /** {@code lo < value <= hi}. */
    public static double inOpenClosed(String key, double value, double lo, double hi) {
        if (!(value > lo && value <= hi)) {
            throw invalid(key, value, "(" + lo + ", " + hi + "]");
        }
        return value;
    }

    /** {@code lo <= value <= hi}. */
    public static double inClosed(String key, double value, double lo, double hi) {
        if (!(value >= lo && value <= hi)) {
            throw invalid(key, value, "[" + lo + ", " + hi + "]");
        }
        return value;
    }

    /** {@code lo <= value < hi}. */
    public static double inClosedOpen(String key, double value, double lo, double hi) {
        if (!(value >= lo && value < hi)) {
            throw invalid(key, value, "[" + lo + ", " + hi + ")");
        }
        return value;
    }

    /** {@code lo <= value <= hi} for integers. */
    public static long inClosed(String key, long value, long lo, long hi) {
        if (value < lo || value > hi) {
            throw invalid(key, value, "[" + lo + ", " + hi + "]");
        }
        return value;
    }

    /**
     * {@code lo <= value <= hi} where {@code hi} is the value of another setting, {@code hiKey}:
     * the message names it ("{@code [1, buffer-capacity=100]}") so the user knows which to change.
     */
    public static double inClosed(String key, double value, double lo, String hiKey, double hi) {
        if (!(value >= lo && value <= hi)) {
            throw invalid(key, value, "[" + lo + ", " + hiKey + "=" + hi + "]");
        }
        return value;
    }

    /** The same for integers. */
    public static long inClosed(String key, long value, long lo, String hiKey, long hi) {
        if (value < lo || value > hi) {
            throw invalid(key, value, "[" + lo + ", " + hiKey + "=" + hi + "]");
        }
        return value;
    }

    /** A finite, strictly positive number. */
    public static double positive(String key, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw invalid(key, value, "(0, inf)");
        }
        return value;
    }

    public static IllegalArgumentException invalid(String key, Object value, String range) {
        return new IllegalArgumentException(key + " must be in " + range + ", got " + value);
    }

    /** For a value with a shape rather than a range: "{@code key must be <what>, got <value>}". */
    public static IllegalArgumentException invalidShape(String key, Object value, String what) {
        return new IllegalArgumentException(key + " must be " + what + ", got " + value);
    }
}
