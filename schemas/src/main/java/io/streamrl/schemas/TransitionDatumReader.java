package io.streamrl.schemas;

import io.streamrl.schemas.avro.JoinOutcome;
import io.streamrl.schemas.avro.JoinResult;
import io.streamrl.schemas.avro.Transition;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * Reads the transitions of an Avro container file ({@link org.apache.avro.file.DataFileReader})
 * at the rate a replay sends them. A file written with the current schema is read field by field
 * from Avro's binary decoder in the current layout, as {@link TransitionReader} reads a Kafka
 * value; Avro's own reader resolves every field through its resolving grammar even when writer
 * and reader schema are the same, which cost a replayed row more than everything else it needs.
 * A file written with an older version goes through {@link RecordCodec#containerReader()} and
 * Avro's schema resolution. {@code TransitionDatumReaderTest} checks it against Avro's reader.
 *
 * <p>Like the other two, it refuses to start once the schema has a newer version, until it is
 * updated. Not thread-safe: one per file.
 */
public final class TransitionDatumReader implements DatumReader<Transition> {

    /** The version whose layout {@link #readCurrent} implements. */
    private static final int LAYOUT_VERSION = 3;
    private static final JoinResult[] JOIN_RESULTS = JoinResult.values();

    private final RecordCodec<Transition> codec = RecordCodec.transition();
    private final long layoutFingerprint;
    private final LastString actorIds = new LastString();
    private final LastString envIds = new LastString();
    private DatumReader<Transition> resolving;

    public TransitionDatumReader() {
        SchemaVersion newest = codec.versions().get(codec.versions().size() - 1);
        if (newest.version() != LAYOUT_VERSION) {
            throw new IllegalStateException("TransitionDatumReader reads Transition v" + LAYOUT_VERSION + " but the"
                    + " newest version is v" + newest.version() + ": update readCurrent to the new layout");
        }
        this.layoutFingerprint = newest.fingerprint();
    }

    /** The file's writer schema: the current one is read here, any other through Avro's resolution. */
    @Override
    public void setSchema(Schema writer) {
        if (SchemaNormalization.parsingFingerprint64(writer) == layoutFingerprint) {
            resolving = null;
        } else {
            resolving = codec.containerReader();
            resolving.setSchema(writer);
        }
    }

    @Override
    public Transition read(Transition reuse, Decoder in) throws IOException {
        return resolving != null ? resolving.read(reuse, in) : readCurrent(in);
    }

    /** Transition v3, in field order. */
    private Transition readCurrent(Decoder in) throws IOException {
        String actorId = actorIds.read(in);
        String envId = envIds.read(in);
        long episode = in.readLong();
        int step = in.readInt();
        List<Float> observation = floats(in);
        List<Float> action = floats(in);
        double reward = in.readDouble();
        List<Float> nextObservation = floats(in);
        boolean terminated = in.readBoolean();
        boolean truncated = in.readBoolean();
        long policyVersion = in.readLong();
        List<Float> explorationNoise = floats(in);
        long eventTime = in.readLong();
        String decisionId = branch(in, "decision_id") == 0 ? null : in.readString();
        Double logDensity = branch(in, "log_density") == 0 ? null : in.readDouble();
        JoinOutcome join = null;
        if (branch(in, "join") == 1) {
            int result = in.readEnum();
            if (result < 0 || result >= JOIN_RESULTS.length) {
                throw new AvroRuntimeException("join.result has symbol index " + result + "; JoinResult has "
                        + JOIN_RESULTS.length + " symbols");
            }
            join = new JoinOutcome(JOIN_RESULTS[result], in.readInt(), in.readLong());
        }
        return new Transition(actorId, envId, episode, step, observation, action, reward, nextObservation,
                terminated, truncated, policyVersion, explorationNoise, Instant.ofEpochMilli(eventTime), decisionId,
                logDensity, join);
    }

    /** A union's branch: 0 for null, 1 for the value. */
    private static int branch(Decoder in, String field) throws IOException {
        int index = in.readIndex();
        if (index != 0 && index != 1) {
            throw new AvroRuntimeException(field + " has union branch " + index + "; it has 2 (null, a value)");
        }
        return index;
    }

    private static List<Float> floats(Decoder in) throws IOException {
        long n = in.readArrayStart();
        List<Float> out = new ArrayList<>((int) Math.min(n, 64));
        while (n > 0) {
            for (long i = 0; i < n; i++) {
                out.add(in.readFloat());
            }
            n = in.arrayNext();
        }
        return out;
    }

    /** The last string read, kept: one file's rows nearly always share their actor and env ids. */
    private static final class LastString {
        private Utf8 bytes = new Utf8();
        private Utf8 lastBytes = new Utf8();
        private String last;

        String read(Decoder in) throws IOException {
            bytes = in.readString(bytes);
            if (last == null || !bytes.equals(lastBytes)) {
                last = bytes.toString();
                lastBytes = new Utf8(bytes);
            }
            return last;
        }
    }
}
