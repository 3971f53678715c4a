package io.streamrl.schemas;

import io.streamrl.schemas.RecordDecodingException.Kind;
import io.streamrl.schemas.avro.Control;
import io.streamrl.schemas.avro.DeadLetter;
import io.streamrl.schemas.avro.Decision;
import io.streamrl.schemas.avro.EpisodeSummary;
import io.streamrl.schemas.avro.PolicyEnvelope;
import io.streamrl.schemas.avro.Reward;
import io.streamrl.schemas.avro.RolloutSegment;
import io.streamrl.schemas.avro.Transition;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Encodes one generated record type with Avro single-object encoding (marker 0xC3 0x01, the
 * 8-byte schema fingerprint, then the binary body) and decodes bytes written with any version
 * in its {@link SchemaHistory}, resolved to the current generated class. No schema registry:
 * the fingerprint alone picks the writer schema. Each version is known by its standard
 * fingerprint, which {@link #encode} writes, and by the fingerprints other writers compute for
 * the same schema ({@link CanonicalForm}: python3-avro's), which name the same layout.
 *
 * <p>Thread-safe. {@link #decode(String, byte[])} either returns a complete record or throws
 * {@link RecordDecodingException}; it never changes the bytes it was given.
 */
public final class RecordCodec<T extends SpecificRecord> {

    /** Single-object encoding: two marker bytes and the writer schema's 8-byte fingerprint. */
    static final int HEADER_LENGTH = 10;
    static final byte MARKER_0 = (byte) 0xC3;
    static final byte MARKER_1 = (byte) 0x01;

    private final String recordType;
    private final List<SchemaVersion> versions;
    private final Map<Long, SchemaVersion> versionsByFingerprint;
    private final long newestFingerprint;
    /** The newest version's alias fingerprints (see {@link CanonicalForm}), checked before the map like the standard one. */
    private final long[] newestAliases;
    /** Every alias fingerprint to its version's standard one; computing that again per record would cost a JSON text. */
    private final Map<Long, Long> standardByAlias;
    private final BinaryMessageEncoder<T> encoder;
    private final Map<Long, DatumReader<T>> readersByFingerprint;
    private final GeneratedRecordData model;
    private final Schema current;

    RecordCodec(Class<T> type, List<SchemaVersion> versions) {
        Schema current = SpecificData.getForClass(type).getSchema(type);
        GeneratedRecordData model = new GeneratedRecordData(type, current);
        this.model = model;
        this.current = current;
        this.recordType = current.getFullName();
        this.versions = List.copyOf(versions);
        requireCurrentIsNewest(current, this.versions);
        Map<Long, SchemaVersion> byFingerprint = new HashMap<>();
        Map<Long, Long> aliasToStandard = new HashMap<>();
        Map<Long, DatumReader<T>> readers = new HashMap<>();
        for (SchemaVersion version : this.versions) {
            requireReadable(current, version);
            SchemaVersion same = byFingerprint.putIfAbsent(version.fingerprint(), version);
            if (same != null) {
                throw new IllegalStateException(recordType + " versions v" + same.version() + " and v"
                        + version.version() + " have the same wire layout; keep one of them");
            }
            @SuppressWarnings("unchecked")
            DatumReader<T> reader = model.createDatumReader(version.schema(), current);
            readers.put(version.fingerprint(), reader);
        }
        // Aliases after every standard fingerprint, so that a clash is reported against the version
        // it would have shadowed whichever order the versions come in.
        for (SchemaVersion version : this.versions) {
            for (SchemaFingerprint alias : aliases(version)) {
                SchemaVersion same = byFingerprint.putIfAbsent(alias.value(), version);
                if (same != null) {
                    throw new IllegalStateException(recordType + " v" + version.version() + "'s " + alias.form().label()
                            + " fingerprint " + alias.hex() + " is also v" + same.version() + "'s: a record carrying"
                            + " it could not be told apart");
                }
                aliasToStandard.put(alias.value(), version.fingerprint());
            }
        }
        this.standardByAlias = Map.copyOf(aliasToStandard);
        this.versionsByFingerprint = Map.copyOf(byFingerprint);
        SchemaVersion newest = this.versions.get(this.versions.size() - 1);
        this.newestFingerprint = newest.fingerprint();
        this.newestAliases = aliases(newest).stream().mapToLong(SchemaFingerprint::value).toArray();
        this.readersByFingerprint = Map.copyOf(readers);
        this.encoder = new BinaryMessageEncoder<>(model, current);
    }

    /** A version's accepted fingerprints other than its standard one. */
    private static List<SchemaFingerprint> aliases(SchemaVersion version) {
        List<SchemaFingerprint> all = version.fingerprints();
        return all.subList(1, all.size());
    }

    public static RecordCodec<Transition> transition() {
        return forGenerated(Transition.class);
    }

    public static RecordCodec<PolicyEnvelope> policyEnvelope() {
        return forGenerated(PolicyEnvelope.class);
    }

    public static RecordCodec<EpisodeSummary> episodeSummary() {
        return forGenerated(EpisodeSummary.class);
    }

    public static RecordCodec<DeadLetter> deadLetter() {
        return forGenerated(DeadLetter.class);
    }

    public static RecordCodec<Decision> decision() {
        return forGenerated(Decision.class);
    }

    public static RecordCodec<Reward> reward() {
        return forGenerated(Reward.class);
    }

    public static RecordCodec<Control> control() {
        return forGenerated(Control.class);
    }

    public static RecordCodec<RolloutSegment> rolloutSegment() {
        return forGenerated(RolloutSegment.class);
    }

    /**
     * A codec for every record type on streamrl's topics: Transition, PolicyEnvelope,
     * EpisodeSummary, DeadLetter, Decision, Reward, Control, RolloutSegment (the order of the
     * topic table in docs/architecture.md). Each call builds new codecs.
     */
    public static List<RecordCodec<?>> all() {
        return List.of(transition(), policyEnvelope(), episodeSummary(), deadLetter(), decision(), reward(), control(),
                rolloutSegment());
    }

    private static <T extends SpecificRecord> RecordCodec<T> forGenerated(Class<T> type) {
        return new RecordCodec<>(type, SchemaHistory.versions(type.getSimpleName()));
    }

    /**
     * A reader of Avro container files of this record written with any schema the record can be
     * resolved from (the file names its writer schema); it decodes into the generated classes
     * without a JVM-wide class allowlist (see {@link GeneratedRecordData}).
     */
    @SuppressWarnings("unchecked")
    public DatumReader<T> containerReader() {
        return model.createDatumReader(current);
    }

    /** A writer of Avro container files of this record, in the current schema. */
    @SuppressWarnings("unchecked")
    public DatumWriter<T> containerWriter() {
        return model.createDatumWriter(current);
    }

    /** The record's current schema, the one it is written with. */
    public Schema currentSchema() {
        return current;
    }

    /** Full name of the record type, e.g. {@code io.streamrl.schemas.avro.Transition}. */
    public String recordType() {
        return recordType;
    }

    /** Every version this codec reads, oldest first; the last one is the version it writes. */
    public List<SchemaVersion> versions() {
        return versions;
    }

    /** Single-object encoding of the record with the current schema. */
    public byte[] encode(T record) {
        return encode(null, record);
    }

    /**
     * As {@link #encode(Object)}; {@code topic} (nullable) only names the destination in the
     * error message.
     *
     * @throws SerializationException when the record is null or a required field is null or
     *     of the wrong type (records built with {@code newBuilder()} cannot be)
     */
    public byte[] encode(String topic, T record) {
        if (record == null) {
            throw new SerializationException("Cannot encode a null " + recordType + destination(topic)
                    + ": a null value is a tombstone; send it without this codec");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try {
            encoder.encode(record, out);
        } catch (IOException | RuntimeException e) {
            throw encodingFailure(topic, e);
        }
        return out.toByteArray();
    }

    private SerializationException encodingFailure(String topic, Exception e) {
        return new SerializationException("Cannot encode " + recordType + destination(topic) + ": " + e.getMessage()
                + " (a required field is null or has the wrong type; build records with newBuilder(),"
                + " which checks every field)", e);
    }

    /** Built only for an error message: every record sent goes through {@code encode}. */
    private static String destination(String topic) {
        return topic == null ? "" : " for topic '" + topic + "'";
    }

    /** As {@link #decode(String, byte[])} when the source topic is unknown. */
    public T decode(byte[] bytes) {
        return decode(null, bytes);
    }

    /**
     * Decodes a record written with any known version of this type.
     *
     * @param topic the topic the bytes came from (nullable), named in the error message
     * @throws RecordDecodingException when the bytes are not exactly one complete record
     */
    public T decode(String topic, byte[] bytes) {
        long fingerprint = checkHeader(topic, bytes);
        SchemaVersion writer = versionsByFingerprint.get(fingerprint);
        int leftOver;
        try {
            // Check the body's shape before Avro builds anything from it (see BodyScanner).
            leftOver = BodyScanner.bytesLeftAfterDatum(writer.schema(), bytes, HEADER_LENGTH);
        } catch (IOException | RuntimeException e) {
            throw bodyFailure(topic, writer, bytes, e);
        }
        if (leftOver > 0) {
            throw failure(topic, Kind.MALFORMED, leftOver + " of " + bytes.length + " bytes are left over after a "
                    + "complete version " + writer.version() + " record: the bytes are corrupt or hold more than "
                    + "one record", null);
        }
        try {
            // The body is read straight from the array: Avro's message decoder would read it byte
            // by byte through a synchronized stream, at several times the cost per record.
            BinaryDecoder body = DecoderFactory.get().binaryDecoder(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH,
                    null);
            return readersByFingerprint.get(fingerprint).read(null, body);
        } catch (IOException | RuntimeException e) {
            throw bodyFailure(topic, writer, bytes, e);
        }
    }

    /**
     * Checks the single-object header and returns the standard fingerprint ({@link
     * SchemaVersion#fingerprint()}) of the version that wrote the record: the header's own
     * fingerprint, or, when the header carries an alias of a version (see {@link
     * CanonicalForm}), that version's standard one, so callers compare against standard
     * fingerprints only.
     *
     * @throws RecordDecodingException for null or short bytes, a bad marker or an unknown fingerprint
     */
    long checkHeader(String topic, byte[] bytes) {
        if (bytes == null) {
            throw failure(topic, Kind.TRUNCATED, "the value is null (a tombstone?): there are no bytes to decode", null);
        }
        if (bytes.length < HEADER_LENGTH) {
            throw failure(topic, Kind.TRUNCATED, "only " + bytes.length + " bytes, but single-object encoding needs a "
                    + HEADER_LENGTH + "-byte header (2 marker bytes, 8 fingerprint bytes) before the body", null);
        }
        if (bytes[0] != MARKER_0 || bytes[1] != MARKER_1) {
            throw failure(topic, Kind.BAD_MAGIC, String.format("the bytes start with 0x%02X 0x%02X instead of the "
                    + "single-object marker 0xC3 0x01, so they were not written by this project's Avro serializer "
                    + "(another format or serializer wrote to this topic)", bytes[0], bytes[1]), null);
        }
        long fingerprint = littleEndianLong(bytes, 2);
        // The newest version first: nearly every record has it, and the map would box the key.
        if (fingerprint == newestFingerprint) {
            return fingerprint;
        }
        for (long alias : newestAliases) {
            if (fingerprint == alias) {
                return newestFingerprint;
            }
        }
        if (!versionsByFingerprint.containsKey(fingerprint)) {
            throw failure(topic, Kind.UNKNOWN_FINGERPRINT, String.format("schema fingerprint %s is not a known version "
                    + "of this record (known: %s); the bytes are another record type, or were written with a newer "
                    + "schema: upgrade this reader, or add the writer's schema to the "
                    + "history resources (%s)", SchemaFingerprint.hex(fingerprint), knownVersions(),
                    SchemaHistory.RESOURCE_DIRECTORY.substring(1)), null);
        }
        return standardByAlias.getOrDefault(fingerprint, fingerprint);
    }

    RecordDecodingException bodyFailure(String topic, SchemaVersion writer, byte[] bytes, Exception e) {
        if (causedByEndOfInput(e)) {
            return failure(topic, Kind.TRUNCATED, "the body ends early (" + bytes.length + " bytes in all) while "
                    + "reading version " + writer.version() + ": " + describe(e, "the bytes ran out mid-value"), e);
        }
        return failure(topic, Kind.MALFORMED, "the body is not a version " + writer.version() + " record: "
                + describe(e, e.getClass().getName()), e);
    }

    private RecordDecodingException failure(String topic, Kind kind, String detail, Throwable cause) {
        return new RecordDecodingException(topic, recordType, kind, detail, cause);
    }

    /** Eight bytes as a little-endian long, without a ByteBuffer per record on the ingest path. */
    private static long littleEndianLong(byte[] bytes, int offset) {
        long value = 0;
        for (int i = 7; i >= 0; i--) {
            value = (value << 8) | (bytes[offset + i] & 0xFFL);
        }
        return value;
    }

    private String knownVersions() {
        return versions.stream()
                .map(v -> "v" + v.version() + " " + SchemaFingerprint.hex(v.fingerprint()) + aliases(v).stream()
                        .map(a -> " or " + a.hex() + " (" + a.form().label() + ")").collect(Collectors.joining()))
                .collect(Collectors.joining(", "));
    }

    private static String describe(Exception e, String whenSilent) {
        return e.getMessage() == null ? whenSilent : e.getMessage();
    }

    private static boolean causedByEndOfInput(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof EOFException) {
                return true;
            }
        }
        return false;
    }

    private static void requireCurrentIsNewest(Schema current, List<SchemaVersion> versions) {
        if (versions.isEmpty()) {
            throw new IllegalArgumentException("versions of " + current.getFullName() + " is empty; allowed: "
                    + "every version ever written, oldest first, ending with the current schema");
        }
        SchemaVersion newest = versions.get(versions.size() - 1);
        if (!newest.sameWireLayoutAs(current)) {
            throw new IllegalStateException("The current schema of " + current.getFullName() + " differs from its "
                    + "newest recorded version v" + newest.version() + ": copy the current .avsc to "
                    + SchemaHistory.resourcePath(current.getName(), newest.version() + 1)
                    + " so records written with it stay readable after the next change");
        }
    }

    private static void requireReadable(Schema current, SchemaVersion version) {
        SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(current, version.schema());
        if (result.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new IllegalStateException("The current schema of " + current.getFullName() + " cannot read its "
                    + "version v" + version.version() + ": " + result.getDescription()
                    + "; add fields with defaults instead of renaming or retyping them");
        }
    }
}
