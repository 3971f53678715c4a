package io.streamrl.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrl.schemas.avro.Transition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.util.RandomData;
import org.junit.jupiter.api.Test;

/**
 * Records whose header carries a version's alias fingerprint (python3-avro's canonical form, see
 * {@link CanonicalForm}) decode as that version, through every codec and the learner's fast
 * reader, without Python: the bytes are built here the way a Python producer builds them.
 */
class AliasFingerprintTest {

    private static final String TOPIC = "test.topic";

    @Test
    void everyVersionOfEveryRecordDecodesFromBytesCarryingItsAlias() throws IOException {
        for (RecordCodec<?> codec : RecordCodec.all()) {
            for (SchemaVersion version : codec.versions()) {
                SchemaFingerprint alias = version.fingerprints().get(1);
                assertThat(alias.form()).isEqualTo(CanonicalForm.PYTHON_AVRO);
                int seed = 0;
                for (Object datum : new RandomData(version.schema(), 20, 7L * version.version())) {
                    String what = codec.recordType() + " v" + version.version() + " record " + seed++;
                    byte[] standard = encode(version, (GenericRecord) datum);
                    byte[] aliased = withFingerprint(standard, alias);

                    assertThat(codec.checkHeader(TOPIC, aliased)).as(what).isEqualTo(version.fingerprint());
                    assertThat(codec.decode(TOPIC, aliased)).as(what).isEqualTo(codec.decode(TOPIC, standard));
                }
            }
        }
    }

    @Test
    void javaWritersKeepWritingTheStandardFingerprint() {
        byte[] written = RecordCodec.transition().encode(SampleRecords.transition());
        SchemaVersion newest = RecordCodec.transition().versions().get(2);

        assertThat(Arrays.copyOf(written, RecordCodec.HEADER_LENGTH)).isEqualTo(newest.fingerprints().get(0).header());
    }

    @Test
    void theFastReaderReadsACurrentRecordCarryingTheAliasOnItsFastPath() {
        RecordCodec<Transition> codec = RecordCodec.transition();
        SchemaVersion current = codec.versions().get(codec.versions().size() - 1);
        byte[] standard = codec.encode(SampleRecords.transition());
        byte[] aliased = withFingerprint(standard, current.fingerprints().get(1));
        TransitionReader reader = new TransitionReader(TOPIC);

        TransitionView first = reader.read(aliased);
        // The fast path hands out its one reused view; the slow path (schema resolution) a new object per record.
        assertThat(reader.read(standard)).isSameAs(first);
        assertThat(TransitionFields.copyOf(reader.read(aliased))).usingRecursiveComparison()
                .isEqualTo(TransitionFields.of(SampleRecords.transition()));
    }

    @Test
    void theFastReaderReadsAnOlderVersionCarryingItsAliasThroughResolution() {
        SchemaVersion v1 = RecordCodec.transition().versions().get(0);
        byte[] aliased = withFingerprint(SampleRecords.transitionV1(), v1.fingerprints().get(1));

        TransitionView read = new TransitionReader(TOPIC).read(aliased);

        assertThat(read.envId()).isEqualTo("MountainCarContinuous-v0");
        assertThat(read.decisionId()).isNull();
        assertThat(read.eventTimeMillis()).isEqualTo(SampleRecords.TIME.toEpochMilli());
    }

    @Test
    void anUnknownFingerprintIsStillRefusedAndTheMessageListsTheAliases() {
        byte[] bytes = RecordCodec.reward().encode(SampleRecords.reward());
        bytes[9] ^= 0x40;

        assertThatThrownBy(() -> RecordCodec.reward().decode(TOPIC, bytes))
                .isInstanceOf(RecordDecodingException.class)
                .hasMessageContaining("is not a known version")
                .hasMessageContaining("v2 " + RecordCodec.reward().versions().get(1).fingerprints().get(0).hex()
                        + " or " + RecordCodec.reward().versions().get(1).fingerprints().get(1).hex() + " (python-avro)");
    }

    private static byte[] encode(SchemaVersion version, GenericRecord datum) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), version.schema()).encode(datum, out);
        return out.toByteArray();
    }

    private static byte[] withFingerprint(byte[] record, SchemaFingerprint fingerprint) {
        byte[] copy = record.clone();
        System.arraycopy(fingerprint.header(), 0, copy, 0, RecordCodec.HEADER_LENGTH);
        return copy;
    }
}
