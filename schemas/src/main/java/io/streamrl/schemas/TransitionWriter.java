package io.streamrl.schemas;

import io.streamrl.schemas.avro.Transition;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Encodes transitions at the rate a producer sends them: the counterpart of
 * {@link TransitionReader}, from the same {@link TransitionView}. A transition is written in one
 * pass into a reused buffer, following Avro's binary encoding (zig-zag varints, little-endian
 * IEEE floats, length-prefixed UTF-8, array blocks, union index, enum index) after the
 * single-object header; Avro's generic writer (a field lookup, a boxed float and a logical-type
 * conversion per value) cost a replayed row more than its send, and a view spares the reader
 * the boxed lists of a generated {@link Transition}. The bytes are {@link RecordCodec#encode}'s
 * for the same content, byte for byte ({@code TransitionWriterTest}); as in the view, a NaN log
 * density is written as none.
 *
 * <p>The field order below is the current Transition layout; like the reader, the writer
 * refuses to start once the schema has a newer version, until it is updated.
 *
 * <p>Not thread-safe: one per producing thread.
 */
public final class TransitionWriter {

    /** The version whose layout {@link #writeCurrent} implements. */
    private static final int LAYOUT_VERSION = 3;

    private final String recordType = Transition.getClassSchema().getFullName();
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
     * @throws SerializationException as {@link RecordCodec#encode} when {@code t} is null or lacks a
     *     value the schema requires (an id, an array, the event time)
     */
    public byte[] encode(String topic, TransitionView t) {
        String missing = t == null ? null : missing(t);
        if (t == null || missing != null) {
            String destination = topic == null ? "" : " for topic '" + topic + "'";
            throw new SerializationException(t == null
                    ? "Cannot encode a null " + recordType + destination + ": a null value is a tombstone; send it"
                            + " without this codec"
                    : "Cannot encode " + recordType + destination + ": " + missing + " is missing; the schema"
                            + " requires it");
        }
        size = 0;
        writeBytes(header);
        writeCurrent(t);
        return Arrays.copyOf(buffer, size);
    }

    /** The first value the schema requires that {@code t} lacks, or null. */
    private static String missing(TransitionView t) {
        if (t.actorId() == null) {
            return "actor_id";
        }
        if (t.envId() == null) {
            return "env_id";
        }
        if (t.observation() == null) {
            return "observation";
        }
        if (t.action() == null) {
            return "action";
        }
        if (t.nextObservation() == null) {
            return "next_observation";
        }
        if (t.explorationNoise() == null) {
            return "exploration_noise";
        }
        return t.eventTimeMillis() == Long.MIN_VALUE ? "event_time" : null;
    }

    /** Transition v3, in field order. */
    private void writeCurrent(TransitionView t) {
        writeString(actorIds.of(t.actorId()));
        writeString(envIds.of(t.envId()));
        writeLong(t.episode());
        writeLong(t.step());
        writeFloats(t.observation());
        writeFloats(t.action());
        writeDouble(t.reward());
        writeFloats(t.nextObservation());
        writeByte(t.terminated() ? 1 : 0);
        writeByte(t.truncated() ? 1 : 0);
        writeLong(t.policyVersion());
        writeFloats(t.explorationNoise());
        writeLong(t.eventTimeMillis());
        if (t.decisionId() == null) {
            writeLong(0);
        } else {
            writeLong(1);
            writeString(t.decisionId().getBytes(StandardCharsets.UTF_8));
        }
        if (Double.isNaN(t.logDensity())) {
            writeLong(0);
        } else {
            writeLong(1);
            writeDouble(t.logDensity());
        }
        if (t.joinResult() == null) {
            writeLong(0);
        } else {
            writeLong(1);
            writeLong(t.joinResult().ordinal()); // an enum is its symbol's index
            writeLong(t.joinRewardCount());
            writeLong(t.joinWaitMillis());
        }
    }

    /** An array as Avro writes one: a block of all items (when there are any), then the empty block. */
    private void writeFloats(float[] values) {
        int n = values.length;
        if (n > 0) {
            writeLong(n);
            ensure(4 * n);
            for (int i = 0; i < n; i++) {
                int bits = Float.floatToRawIntBits(values[i]);
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
