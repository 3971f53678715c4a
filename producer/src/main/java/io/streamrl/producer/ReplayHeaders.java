package io.streamrl.producer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * The headers that tie a replayed record (or its dead letter) to its origin: the file's content
 * id and the row's line. {@code --resume} finds what a file already published by them, so an
 * interrupted replay publishes nothing twice; they also let anyone trace a record back to its
 * row ({@code kcat -f '%h'}).
 */
final class ReplayHeaders {

    /** First 16 bytes of the SHA-256 of the file's content, in hex. */
    static final String SOURCE = "streamrl.replay.source";
    /** The row's line (CSV, JSON Lines) or record number (Avro), in decimal. */
    static final String LINE = "streamrl.replay.line";

    private ReplayHeaders() {
    }

    /** The content id of {@code file}: the same bytes give the same id, wherever the file lies. */
    static String sourceId(Path file) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                sha.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest(), 0, 16);
    }

    /** The source header of every record of one file: made once, a header being immutable. */
    static Header source(byte[] source) {
        return new RecordHeader(SOURCE, source);
    }

    static void add(Headers headers, Header source, long line) {
        headers.add(source);
        headers.add(LINE, Long.toString(line).getBytes(StandardCharsets.US_ASCII));
    }

    /** The line of a record replayed from {@code source}, or -1 when it came from elsewhere. */
    static long lineOf(Headers headers, byte[] source) {
        Header s = headers.lastHeader(SOURCE);
        Header l = headers.lastHeader(LINE);
        if (s == null || l == null || !Arrays.equals(s.value(), source)) {
            return -1;
        }
        try {
            return Long.parseLong(new String(l.value(), StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
