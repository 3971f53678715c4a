package io.streamrl.schemas;

import io.streamrl.schemas.avro.JoinResult;
import io.streamrl.schemas.avro.Transition;
import java.io.EOFException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decodes transitions for a learner at the rate Kafka delivers them. Records written with the
 * current schema are parsed in one bounds-checked pass over the bytes, following Avro's binary
 * encoding (zig-zag varints, little-endian IEEE floats, length-prefixed UTF-8, array blocks,
 * union index), into one {@link TransitionView} that the reader reuses: no generated
 * {@link Transition} (boxed floats, several objects per record), no Avro {@code BinaryDecoder}
 * (a buffer-refill check per value), and in the steady state no allocation at all. Each of
 * those cost the learner more per record than Kafka itself. Records of older schema versions
 * go through {@link RecordCodec} and Avro's schema resolution. The writer's version comes from
 * {@link RecordCodec#checkHeader}, which resolves alias fingerprints (a Python producer's, see
 * {@link CanonicalForm}) to the version's standard one, so current-version records written in
 * Python take the fast path too.
 *
 * <p>The field order below is the current Transition layout. If the schema changes, the
 * check at construction fails until this reader is updated (the schema-history test names
 * it), so a stale reader can never misread new records. {@code TransitionReaderTest} checks it
 * against Avro's own decoder on random records and on every one-byte corruption of them.
 *
 * <p>Not thread-safe: one per ingest thread.
 */
public final class TransitionReader {

    /** The version whose layout {@link #readCurrent} implements. */
    private static final int LAYOUT_VERSION = 3;
    /** The longest array Avro's own decoder accepts (its SystemLimitException), checked in the same order. */
    private static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;
    /** Shared by every empty array read: a zero-length array cannot be written to. */
    private static final float[] NO_FLOATS = new float[0];
    private static final JoinResult[] JOIN_RESULTS = JoinResult.values();
    private static final VarHandle INT_LE =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final RecordCodec<Transition> codec;
    private final SchemaVersion layout;
    private final long layoutFingerprint;
    private final String topic;
    private final LastString actorIds = new LastString();
    private final LastString envIds = new LastString();
    private final Decoded decoded = new Decoded();
    private byte[] bytes;
    private int position;

    /** @param topic named in error messages; may be null */
    public TransitionReader(String topic) {
        this.codec = RecordCodec.transition();
        this.topic = topic;
        SchemaVersion newest = codec.versions().get(codec.versions().size() - 1);
        if (newest.version() != LAYOUT_VERSION) {
            throw new IllegalStateException("TransitionReader reads Transition v" + LAYOUT_VERSION + " but the newest"
                    + " version is v" + newest.version() + ": update readCurrent to the new layout");
        }
        this.layout = newest;
        this.layoutFingerprint = newest.fingerprint();
    }

    /**
     * Decodes one record. A record of the current version comes back in this reader's reused
     * view, valid until the next call: copy it ({@link TransitionFields#copyOf}) to keep it.
     *
     * @throws RecordDecodingException when the bytes are not exactly one complete Transition
     */
    public TransitionView read(byte[] value) {
        if (codec.checkHeader(topic, value) != layoutFingerprint) {
            return TransitionFields.of(codec.decode(topic, value));
        }
        bytes = value;
        position = RecordCodec.HEADER_LENGTH;
        try {
            readCurrent(decoded);
            if (position != value.length) {
                throw new IOException((value.length - position) + " bytes are left over after a complete record");
            }
            return decoded;
        } catch (IOException | RuntimeException e) {
            throw codec.bodyFailure(topic, layout, value, e);
        } finally {
            bytes = null;
        }
    }

    private void readCurrent(Decoded into) throws IOException {
        into.actorId = readString(actorIds);
        into.envId = readString(envIds);
        into.episode = readLong();
        into.step = readInt();
        into.observation = readFloats(into.observation);
        into.action = readFloats(into.action);
        into.reward = readDouble();
        into.nextObservation = readFloats(into.nextObservation);
        into.terminated = readBoolean();
        into.truncated = readBoolean();
        into.policyVersion = readLong();
        into.explorationNoise = readFloats(into.explorationNoise);
        into.eventTimeMillis = readLong();
        int branch = readInt(); // decision_id: union {null, string}
        into.decisionId = switch (branch) {
            case 0 -> null;
            case 1 -> readString(null);
            default -> throw new IOException("decision_id union branch " + branch + " does not exist (the union has 2)");
        };
        branch = readInt(); // log_density: union {null, double}
        into.logDensity = switch (branch) {
            case 0 -> Double.NaN;
            case 1 -> readDouble();
            default -> throw new IOException("log_density union branch " + branch + " does not exist (the union has 2)");
        };
        branch = readInt(); // join: union {null, JoinOutcome}
        switch (branch) {
            case 0 -> {
                into.joinResult = null;
                into.joinRewardCount = 0;
                into.joinWaitMillis = 0;
            }
            case 1 -> {
                int symbol = readInt();
                if (symbol < 0 || symbol >= JOIN_RESULTS.length) {
                    throw new IOException("join.result enum index " + symbol + " does not exist (the enum has "
                            + JOIN_RESULTS.length + ")");
                }
                into.joinResult = JOIN_RESULTS[symbol];
                into.joinRewardCount = readInt();
                into.joinWaitMillis = readLong();
            }
            default -> throw new IOException("join union branch " + branch + " does not exist (the union has 2)");
        }
    }

    /** Avro long: zig-zag, then a little-endian base-128 varint of at most 10 bytes. */
    private long readLong() throws IOException {
        require(1);
        int first = bytes[position++];
        if (first >= 0) { // one byte: nearly every count, length, flag and small number
            return (first >>> 1) ^ -(first & 1);
        }
        long raw = first & 0x7F;
        for (int shift = 7; shift < 70; shift += 7) {
            require(1);
            int b = bytes[position++];
            raw |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new IOException("a long runs over 10 bytes: invalid varint");
    }

    /** Avro int: as a long but at most 5 bytes, bits beyond 32 dropped (as Avro's own decoder does). */
    private int readInt() throws IOException {
        int raw = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            require(1);
            int b = bytes[position++];
            raw |= (b & 0x7F) << shift;
            if (b >= 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new IOException("an int runs over 5 bytes: invalid varint");
    }

    /** Byte 1 is true and any other false, as Avro's own decoder reads it: both paths agree on every record. */
    private boolean readBoolean() throws IOException {
        require(1);
        return bytes[position++] == 1;
    }

    private double readDouble() throws IOException {
        require(8);
        double value = Double.longBitsToDouble((long) LONG_LE.get(bytes, position));
        position += 8;
        return value;
    }

    /**
     * An array of floats, in Avro's blocks (a negative count is followed by the block's byte
     * size), into {@code reuse} when it has the right length. A count above what the remaining
     * bytes could hold is rejected before anything is allocated, so a corrupt count cannot
     * exhaust the heap.
     */
    private float[] readFloats(float[] reuse) throws IOException {
        float[] out = reuse;
        int filled = 0;
        for (long count = readLong(); count != 0; count = readLong()) {
            if (count < 0) {
                count = -count;
                // The block's size in bytes, there for skipping; the count says enough, but a
                // negative size is corrupt (Avro's decoder rejects it too).
                long blockBytes = readLong();
                if (blockBytes < 0) {
                    throw new IOException("an array block's byte size is negative: " + blockBytes);
                }
            }
            if (count < 0 || filled + count > MAX_ARRAY_LENGTH) {
                throw new IOException("an array claims " + count + " more items; at most " + MAX_ARRAY_LENGTH
                        + " fit in a Java array");
            }
            if (count > (bytes.length - position) / Float.BYTES) {
                throw new EOFException("an array claims " + count + " more floats than the "
                        + (bytes.length - position) + " bytes left can hold");
            }
            int length = filled + (int) count;
            if (out.length != length) {
                out = filled == 0 ? new float[length] : Arrays.copyOf(out, length);
            }
            for (; filled < length; filled++, position += Float.BYTES) {
                out[filled] = Float.intBitsToFloat((int) INT_LE.get(bytes, position));
            }
        }
        return filled == out.length ? out : NO_FLOATS;
    }

    /** A length-prefixed UTF-8 string; with {@code last}, the previous record's String when the bytes are the same. */
    private String readString(LastString last) throws IOException {
        long length = readLong();
        if (length < 0) {
            throw new IOException("a string claims a negative length " + length);
        }
        require(length);
        int start = position;
        position += (int) length;
        return last == null ? new String(bytes, start, (int) length, StandardCharsets.UTF_8)
                : last.of(bytes, start, position);
    }

    private void require(long count) throws EOFException {
        if (count > bytes.length - position) {
            throw new EOFException("the value needs " + count + " more bytes at offset " + position + " of "
                    + bytes.length);
        }
    }

    /** Ids repeat record after record: keep the last one's bytes and String rather than decode each time. */
    private static final class LastString {
        private byte[] encoded = new byte[0];
        private String value = "";

        String of(byte[] source, int from, int to) {
            if (!Arrays.equals(encoded, 0, encoded.length, source, from, to)) {
                encoded = Arrays.copyOfRange(source, from, to);
                value = new String(encoded, StandardCharsets.UTF_8);
            }
            return value;
        }
    }

    /** The reused view; its arrays keep their length from record to record, so they are reallocated only when it changes. */
    private static final class Decoded implements TransitionView {
        private String actorId;
        private String envId;
        private long episode;
        private int step;
        private float[] observation = NO_FLOATS;
        private float[] action = NO_FLOATS;
        private double reward;
        private float[] nextObservation = NO_FLOATS;
        private boolean terminated;
        private boolean truncated;
        private long policyVersion;
        private float[] explorationNoise = NO_FLOATS;
        private long eventTimeMillis;
        private String decisionId;
        private double logDensity = Double.NaN;
        private JoinResult joinResult;
        private int joinRewardCount;
        private long joinWaitMillis;

        @Override
        public String actorId() {
            return actorId;
        }

        @Override
        public String envId() {
            return envId;
        }

        @Override
        public long episode() {
            return episode;
        }

        @Override
        public int step() {
            return step;
        }

        @Override
        public float[] observation() {
            return observation;
        }

        @Override
        public float[] action() {
            return action;
        }

        @Override
        public double reward() {
            return reward;
        }

        @Override
        public float[] nextObservation() {
            return nextObservation;
        }

        @Override
        public boolean terminated() {
            return terminated;
        }

        @Override
        public boolean truncated() {
            return truncated;
        }

        @Override
        public long policyVersion() {
            return policyVersion;
        }

        @Override
        public float[] explorationNoise() {
            return explorationNoise;
        }

        @Override
        public long eventTimeMillis() {
            return eventTimeMillis;
        }

        @Override
        public String decisionId() {
            return decisionId;
        }

        @Override
        public double logDensity() {
            return logDensity;
        }

        @Override
        public JoinResult joinResult() {
            return joinResult;
        }

        @Override
        public int joinRewardCount() {
            return joinRewardCount;
        }

        @Override
        public long joinWaitMillis() {
            return joinWaitMillis;
        }
    }
}
