package io.streamrl.schemas;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * One fingerprint a reader accepts for a schema version: the CRC-64-AVRO of the version's
 * canonical form in one {@link CanonicalForm} variant.
 *
 * @param form the variant that produced {@code canonicalForm}
 * @param canonicalForm the text that was hashed
 * @param value the fingerprint
 */
public record SchemaFingerprint(CanonicalForm form, String canonicalForm, long value) {

    /** The single-object marker, the first two bytes of every record. */
    static final byte[] MARKER = {(byte) 0xC3, (byte) 0x01};

    public SchemaFingerprint {
        Objects.requireNonNull(form, "form");
        Objects.requireNonNull(canonicalForm, "canonicalForm");
    }

    /** The fingerprint of {@code schema}'s canonical form in {@code form}: CRC-64-AVRO of its UTF-8 bytes. */
    public static SchemaFingerprint of(CanonicalForm form, Schema schema) {
        String text = form.of(schema);
        return new SchemaFingerprint(form, text, SchemaNormalization.fingerprint64(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** {@code 0x} and 16 upper-case hex digits, as error messages and {@code streamrl schemas} print it. */
    public String hex() {
        return hex(value);
    }

    /**
     * The 10-byte single-object header of a record written with this fingerprint: the marker
     * {@code C3 01}, then the fingerprint as 8 little-endian bytes. A body that follows it is
     * the plain Avro binary encoding of the record.
     */
    public byte[] header() {
        byte[] header = new byte[RecordCodec.HEADER_LENGTH];
        header[0] = MARKER[0];
        header[1] = MARKER[1];
        for (int i = 0; i < 8; i++) {
            header[2 + i] = (byte) (value >>> (8 * i));
        }
        return header;
    }

    /** {@link #header()} as 20 lower-case hex digits, e.g. for Python's {@code bytes.fromhex}. */
    public String headerHex() {
        return HexFormat.of().formatHex(header());
    }

    static String hex(long fingerprint) {
        return String.format("0x%016X", fingerprint);
    }
}
