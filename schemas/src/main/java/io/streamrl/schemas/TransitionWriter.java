package io.streamrl.schemas;

import io.streamrl.schemas.avro.Transition;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Encodes transitions at the rate a producer sends them: the counterpart of
 * {@link TransitionReader}. A transition without a join outcome (every one a simulation actor or
 * a replayed file produces) is written in one pass into a reused buffer, following Avro's binary
 * encoding (zig-zag varints, little-endian IEEE floats, length-prefixed UTF-8, array blocks,
 * union index) after the single-object header; Avro's generic writer (a field lookup, a boxed
 * float and a logical-type conversion per value) cost a replayed row more than its send. Any
 * other transition (one with a join outcome, or a null where the schema needs a value, which
 * Avro refuses with its own message) goes through {@link RecordCodec.Writer}. The bytes are
 * {@link RecordCodec#encode}'s, byte for byte ({@code TransitionWriterTest}).
 *
 * <p>The field order below is the current Transition layout; like the reader, the writer
 * refuses to start once the schema has a newer version, until it is updated.
 *
 * <p>Not thread-safe: one per producing thread.
 */
public final class TransitionWriter {

    /** The version whose layout {@link #writeCurrent} implements. */
    private static final int LAYOUT_VERSION = 3;

    private final RecordCodec<Transition>.Writer generic;
    private final byte[] header = new byte[RecordCodec.HEADER_LENGTH];
    private final LastBytes actorIds = new LastBytes();
    private final LastBytes envIds = new LastBytes();
    private byte[] buffer = new byte[256];
    private int size;

    public TransitionWriter() {
        RecordCodec<Transition> codec = RecordCodec.transition();
        SchemaVersion newest = codec.versions().get(codec.versions().size() - 1);
        if (newest.version() != LAYOUT_VERSION) {
            throw new IllegalStateException("TransitionWriter writes Transition v" + LAYOUT_VERSION + " but the newest"
                    + " version is v" + newest.version() + ": update writeCurrent to the new layout");
        }
        this.generic = codec.newWriter();
        header[0] = RecordCodec.MARKER_0;
        header[1] = RecordCodec.MARKER_1;
        long fingerprint = newest.fingerprint();
        for (int i = 0; i < 8; i++) {
            header[2 + i] = (byte) (fingerprint >>> (8 * i));
        }
    }

    /**
     * The single-object encoding of {@code t}.
     *
     * @param topic named in an error message; may be null
     * @throws org.apache.kafka.common.errors.SerializationException as {@link RecordCodec#encode}
     */
    public byte[] encode(String topic, Transition t) {
        if (t == null || !fastPathTakes(t)) {
            return generic.encode(topic, t);
        }
        size = 0;
        writeBytes(header);
        writeCurrent(t);
        return Arrays.copyOf(buffer, size);
    }

    /** Whether {@code t} has no join outcome and every value the schema requires. */
    private static boolean fastPathTakes(Transition t) {
        return t.getJoin() == null && t.getActorId() != null && t.getEnvId() != null && t.getEventTime() != null
                && noNulls(t.getObservation()) && noNulls(t.getAction()) && noNulls(t.getNextObservation())
                && noNulls(t.getExplorationNoise());
    }

    private static boolean noNulls(List<Float> values) {
        if (values == null) {
            return false;
        }
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) == null) {
                return false;
            }
        }
        return true;
    }

    /** Transition v3, in field order. */
    private void writeCurrent(Transition t) {
        writeString(actorIds.of(t.getActorId()));
        writeString(envIds.of(t.getEnvId()));
        writeLong(t.getEpisode());
        writeLong(t.getStep());
        writeFloats(t.getObservation());
        writeFloats(t.getAction());
        writeDouble(t.getReward());
        writeFloats(t.getNextObservation());
        writeByte(t.getTerminated() ? 1 : 0);
        writeByte(t.getTruncated() ? 1 : 0);
        writeLong(t.getPolicyVersion());
        writeFloats(t.getExplorationNoise());
        writeLong(t.getEventTime().toEpochMilli());
        if (t.getDecisionId() == null) {
            writeLong(0);
        } else {
            writeLong(1);
            writeString(t.getDecisionId().getBytes(StandardCharsets.UTF_8));
        }
        if (t.getLogDensity() == null) {
            writeLong(0);
        } else {
            writeLong(1);
            writeDouble(t.getLogDensity());
        }
        writeLong(0); // join: null (fastPathTakes)
    }

    /** An array as Avro writes one: a block of all items (when there are any), then the empty block. */
    private void writeFloats(List<Float> values) {
        int n = values.size();
        if (n > 0) {
            writeLong(n);
            ensure(4 * n);
            for (int i = 0; i < n; i++) {
                int bits = Float.floatToRawIntBits(values.get(i));
                buffer[size++] = (byte) bits;
                buffer[size++] = (byte) (bits >>> 8);
                buffer[size++] = (byte) (bits >>> 16);
                buffer[size++] = (byte) (bits >>> 24);
            }
        }
        writeLong(0);
    }

    private void writeDouble(double value) {
        long bits = Double.doubleToRawLongBits(value);
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buffer[size++] = (byte) (bits >>> (8 * i));
        }
    }

    /** Zig-zag varint; an Avro int is written the same way. */
    private void writeLong(long value) {
        ensure(10);
        long n = (value << 1) ^ (value >> 63);
        while ((n & ~0x7FL) != 0) {
            buffer[size++] = (byte) ((n & 0x7F) | 0x80);
            n >>>= 7;
        }
        buffer[size++] = (byte) n;
    }

    private void writeString(byte[] utf8) {
        writeLong(utf8.length);
        writeBytes(utf8);
    }

    private void writeByte(int b) {
        ensure(1);
        buffer[size++] = (byte) b;
    }

    private void writeBytes(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buffer, size, bytes.length);
        size += bytes.length;
    }

    private void ensure(int more) {
        if (size + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(2 * buffer.length, size + more));
        }
    }

    /** The UTF-8 bytes of the last string seen: one producer's records nearly always share their ids. */
    private static final class LastBytes {
        private String last;
        private byte[] bytes;

        byte[] of(String s) {
            if (!s.equals(last)) {
                last = s;
                bytes = s.getBytes(StandardCharsets.UTF_8);
            }
            return bytes;
        }
    }
}
