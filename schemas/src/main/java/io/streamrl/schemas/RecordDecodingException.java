package io.streamrl.schemas;

import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Bytes that are not a complete record of the expected type. Thrown instead of returning a
 * partly filled record; the caller still holds the raw bytes and can dead-letter them.
 * Extends Kafka's {@link SerializationException} so the Kafka deserializer contract holds.
 */
public final class RecordDecodingException extends SerializationException {

    private static final long serialVersionUID = 1L;

    /** What was wrong with the bytes. */
    public enum Kind {
        /** Fewer bytes than a record needs: null, empty, a cut header or a cut body. */
        TRUNCATED,
        /** The first two bytes are not the single-object marker 0xC3 0x01. */
        BAD_MAGIC,
        /** The header names a schema that is not a known version of the expected record. */
        UNKNOWN_FINGERPRINT,
        /** The body does not decode with the schema its header names, or has bytes left over. */
        MALFORMED
    }

    private final String topic;
    private final String recordType;
    private final Kind kind;

    RecordDecodingException(String topic, String recordType, Kind kind, String detail, Throwable cause) {
        super("Cannot decode " + recordType + (topic == null ? "" : " from topic '" + topic + "'")
                + " [" + kind + "]: " + detail, cause);
        this.topic = topic;
        this.recordType = Objects.requireNonNull(recordType, "recordType");
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** The topic the bytes came from, when the caller named it. */
    public Optional<String> topic() {
        return Optional.ofNullable(topic);
    }

    /** Full name of the expected record type, e.g. {@code io.streamrl.schemas.avro.Transition}. */
    public String recordType() {
        return recordType;
    }

    public Kind kind() {
        return kind;
    }
}
