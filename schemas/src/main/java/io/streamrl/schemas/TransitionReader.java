package io.streamrl.schemas;

import io.streamrl.schemas.avro.Transition;
import java.io.IOException;
import java.util.Arrays;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.util.Utf8;

/**
 * Decodes transitions for a learner at the rate Kafka delivers them. Records written with the
 * current schema are read field by field with Avro's {@link BinaryDecoder} straight into
 * {@link TransitionFields}; building the generated {@link Transition} (boxed floats, several
 * objects per record) was three quarters of the learner's ingest time. Records of older schema
 * versions go through {@link RecordCodec} and Avro's schema resolution as before.
 *
 * <p>The field order below is the current Transition layout. If the schema changes, the
 * fingerprint check at construction fails until this reader is updated (the schema-history
 * test names it), so a stale reader can never misread new records.
 *
 * <p>Not thread-safe (it reuses its decoder): one per ingest thread.
 */
public final class TransitionReader {

    /** The version whose layout {@link #readCurrent} implements. */
    private static final int LAYOUT_VERSION = 2;

    private final RecordCodec<Transition> codec;
    private final SchemaVersion layout;
    private final long layoutFingerprint;
    private final String topic;
    private BinaryDecoder decoder;
    private final Utf8 scratch = new Utf8();
    private final StringCache actorIds = new StringCache();
    private final StringCache envIds = new StringCache();

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
     * @throws RecordDecodingException when the bytes are not exactly one complete Transition
     */
    public TransitionFields read(byte[] bytes) {
        if (codec.checkHeader(topic, bytes) != layoutFingerprint) {
            return TransitionFields.of(codec.decode(topic, bytes));
        }
        try {
            int bodyLength = bytes.length - RecordCodec.HEADER_LENGTH;
            decoder = DecoderFactory.get().binaryDecoder(bytes, RecordCodec.HEADER_LENGTH, bodyLength, decoder);
            TransitionFields fields = readCurrent(decoder, bodyLength);
            if (!decoder.isEnd()) {
                throw new IOException("bytes are left over after a complete record");
            }
            return fields;
        } catch (IOException | RuntimeException e) {
            throw codec.bodyFailure(topic, layout, bytes, e);
        }
    }

    private TransitionFields readCurrent(BinaryDecoder in, int bodyLength) throws IOException {
        String actorId = actorIds.get(in.readString(scratch));
        String envId = envIds.get(in.readString(scratch));
        long episode = in.readLong();
        int step = in.readInt();
        float[] observation = readFloats(in, bodyLength);
        float[] action = readFloats(in, bodyLength);
        double reward = in.readDouble();
        float[] nextObservation = readFloats(in, bodyLength);
        boolean terminated = in.readBoolean();
        boolean truncated = in.readBoolean();
        long policyVersion = in.readLong();
        float[] noise = readFloats(in, bodyLength);
        long eventTime = in.readLong();
        String decisionId = null;
        int branch = in.readIndex();
        if (branch == 1) {
            decisionId = in.readString();
        } else if (branch != 0) {
            throw new IOException("decision_id union branch " + branch + " does not exist");
        }
        return new TransitionFields(actorId, envId, episode, step, observation, action, reward, nextObservation,
                terminated, truncated, policyVersion, noise, eventTime, decisionId);
    }

    /**
     * An array of floats, in Avro's blocks. A claimed count above what the bytes could hold is
     * rejected before anything is allocated, so a corrupt count cannot exhaust the heap.
     */
    private static float[] readFloats(BinaryDecoder in, int bodyLength) throws IOException {
        long count = in.readArrayStart();
        float[] out = new float[0];
        int filled = 0;
        while (count > 0) {
            if (count > bodyLength / 4 - filled) {
                throw new IOException("an array claims " + count + " more floats than the " + bodyLength
                        + "-byte body can hold");
            }
            out = Arrays.copyOf(out, filled + (int) count);
            for (int i = 0; i < count; i++) {
                out[filled++] = in.readFloat();
            }
            count = in.arrayNext();
        }
        return out;
    }

    /** Ids repeat record after record; keep the last String rather than build a new one each time. */
    private static final class StringCache {
        private final Utf8 last = new Utf8();
        private String value;

        String get(Utf8 read) {
            if (value == null || !last.equals(read)) {
                last.set(read);
                value = read.toString();
            }
            return value;
        }
    }
}
