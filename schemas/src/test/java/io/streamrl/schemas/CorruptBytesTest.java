package io.streamrl.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.streamrl.schemas.RecordDecodingException.Kind;
import io.streamrl.schemas.avro.Decision;
import io.streamrl.schemas.avro.DecisionMode;
import io.streamrl.schemas.avro.Transition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class CorruptBytesTest {

    private static final String TOPIC = "streamrl.transitions";
    private static final String TYPE = "io.streamrl.schemas.avro.Transition";

    private final RecordCodec<Transition> codec = RecordCodec.transition();
    private final byte[] valid = codec.encode(SampleRecords.transition());

    @Test
    void nullAndEmptyAreTruncated() {
        assertFailure(null, Kind.TRUNCATED, "null");
        assertFailure(new byte[0], Kind.TRUNCATED, "only 0 bytes");
    }

    @Test
    void aCutHeaderIsTruncated() {
        assertFailure(Arrays.copyOf(valid, 9), Kind.TRUNCATED, "only 9 bytes");
    }

    @Test
    void everyCutOfTheBodyIsTruncatedForEveryRecordType() {
        assertEveryCutIsTruncated(codec, SampleRecords.transition());
        assertEveryCutIsTruncated(RecordCodec.policyEnvelope(), SampleRecords.policyEnvelope());
        assertEveryCutIsTruncated(RecordCodec.episodeSummary(), SampleRecords.episodeSummary());
        assertEveryCutIsTruncated(RecordCodec.deadLetter(), SampleRecords.deadLetter());
        assertEveryCutIsTruncated(RecordCodec.decision(), SampleRecords.decision());
        assertEveryCutIsTruncated(RecordCodec.decision(), SampleRecords.fallbackDecision());
        assertEveryCutIsTruncated(RecordCodec.reward(), SampleRecords.reward());
        assertEveryCutIsTruncated(RecordCodec.control(), SampleRecords.control());
        assertEveryCutIsTruncated(RecordCodec.control(), SampleRecords.defaultControl());
        assertEveryCutIsTruncated(RecordCodec.rolloutSegment(), SampleRecords.rolloutSegment());
    }

    @Test
    void anEnumIndexBeyondTheSymbolsIsMalformed() {
        RecordCodec<Decision> decisions = RecordCodec.decision();
        byte[] learned = decisions.encode(SampleRecords.decisionBuilder().setMode(DecisionMode.LEARNED).build());
        byte[] fallback = decisions.encode(SampleRecords.decisionBuilder().setMode(DecisionMode.FALLBACK).build());
        int modeByte = Arrays.mismatch(learned, fallback);
        assertThat(learned).hasSameSizeAs(fallback);
        assertThat(fallback[modeByte]).as("zig-zag of FALLBACK's index 3").isEqualTo((byte) 6);
        byte[] bytes = learned.clone();
        bytes[modeByte] = 8; // zig-zag 4: DecisionMode has four symbols, 0 to 3

        RecordDecodingException e = catchThrowableOfType(RecordDecodingException.class,
                () -> decisions.decode("streamrl.decisions", bytes));

        assertThat(e).as("decoding must fail").isNotNull();
        assertThat(e.kind()).isEqualTo(Kind.MALFORMED);
        assertThat(e).hasMessageContaining("enum DecisionMode has no symbol 4 (it has 4)");
    }

    @Test
    void aWrongMarkerIsBadMagic() {
        byte[] bytes = valid.clone();
        bytes[0] = 0x7B;

        assertFailure(bytes, Kind.BAD_MAGIC, "0x7B 0x01");
    }

    @Test
    void anUnknownFingerprintListsTheKnownVersions() {
        byte[] bytes = valid.clone();
        bytes[5] ^= 0x55;

        RecordDecodingException e = assertFailure(bytes, Kind.UNKNOWN_FINGERPRINT, "not a known version");
        assertThat(e).hasMessageContaining("v1 0x").hasMessageContaining("v2 0x");
    }

    @Test
    void anotherRecordTypeIsAnUnknownFingerprint() {
        byte[] episode = RecordCodec.episodeSummary().encode(SampleRecords.episodeSummary());

        assertFailure(episode, Kind.UNKNOWN_FINGERPRINT, "not a known version");
    }

    @Test
    void bytesLeftOverAfterARecordAreMalformed() {
        byte[] bytes = Arrays.copyOf(valid, valid.length + 1);

        assertFailure(bytes, Kind.MALFORMED, "1 of " + bytes.length + " bytes are left over");
    }

    @Test
    void aNegativeStringLengthIsMalformed() {
        byte[] bytes = Arrays.copyOf(valid, 11);
        bytes[10] = 0x01; // zig-zag -1 as the length of actor_id

        assertFailure(bytes, Kind.MALFORMED, "not a version 3 record");
    }

    @Test
    void aHugeClaimedArrayIsRejectedBeforeAnythingIsAllocated() throws IOException {
        byte[] positiveBlock = transitionHeaderAnd(body -> {
            writeFieldsBeforeObservation(body);
            body.writeLong(1L << 30);
            body.writeFloat(1f);
        });
        byte[] negativeBlock = transitionHeaderAnd(body -> {
            writeFieldsBeforeObservation(body);
            body.writeLong(-(1L << 30)); // a block with its byte size, as blocking encoders write it
            body.writeLong(4);
            body.writeFloat(1f);
        });

        assertFailure(positiveBlock, Kind.TRUNCATED, "claims 1073741824 array items but only 4 bytes remain");
        assertFailure(negativeBlock, Kind.TRUNCATED, "claims 1073741824 array items but only 4 bytes remain");
    }

    @Test
    void aHugeClaimedStringIsRejected() throws IOException {
        byte[] bytes = transitionHeaderAnd(body -> body.writeLong(Integer.MAX_VALUE));

        assertFailure(bytes, Kind.TRUNCATED, "claims 2147483647 string but only 0 bytes remain");
    }

    @Test
    void randomGarbageNeverDecodes() {
        SplittableRandom random = new SplittableRandom(20240301L);
        for (int trial = 0; trial < 2000; trial++) {
            byte[] garbage = new byte[random.nextInt(0, 300)];
            random.nextBytes(garbage);
            assertThat(catchThrowableOfType(RecordDecodingException.class, () -> codec.decode(TOPIC, garbage)))
                    .as("trial %d", trial).isNotNull();
        }
    }

    @Test
    void aValidHeaderFollowedByGarbageNeverDecodes() {
        SplittableRandom random = new SplittableRandom(7L);
        for (int trial = 0; trial < 2000; trial++) {
            byte[] bytes = Arrays.copyOf(valid, 10 + random.nextInt(0, 300));
            byte[] body = new byte[bytes.length - 10];
            random.nextBytes(body);
            System.arraycopy(body, 0, bytes, 10, body.length);
            assertThat(catchThrowableOfType(RecordDecodingException.class, () -> codec.decode(TOPIC, bytes)))
                    .as("trial %d", trial).isNotNull();
        }
    }

    @Test
    void decodingLeavesTheBytesUntouchedForDeadLettering() {
        byte[] bytes = Arrays.copyOf(valid, valid.length - 3);
        byte[] before = bytes.clone();

        assertThatThrownBy(() -> codec.decode(TOPIC, bytes)).isInstanceOf(RecordDecodingException.class);
        assertThat(bytes).isEqualTo(before);
    }

    @Test
    void theKafkaDeserializerThrowsTheSameExceptionAsASerializationException() {
        byte[] bytes = Arrays.copyOf(valid, valid.length - 1);

        assertThatThrownBy(() -> AvroSerde.transition().deserializer().deserialize(TOPIC, bytes))
                .isInstanceOf(SerializationException.class)
                .isInstanceOfSatisfying(RecordDecodingException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.TRUNCATED);
                    assertThat(e.topic()).contains(TOPIC);
                });
    }

    @Test
    void withoutATopicTheMessageStillNamesTheType() {
        RecordDecodingException e = catchThrowableOfType(RecordDecodingException.class, () -> codec.decode(new byte[3]));

        assertThat(e.topic()).isEmpty();
        assertThat(e).hasMessageStartingWith("Cannot decode " + TYPE + " [TRUNCATED]");
    }

    private byte[] transitionHeaderAnd(BodyWriter writer) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(valid, 0, 10);
        BinaryEncoder body = EncoderFactory.get().directBinaryEncoder(out, null);
        writer.write(body);
        body.flush();
        return out.toByteArray();
    }

    private static void writeFieldsBeforeObservation(BinaryEncoder body) throws IOException {
        body.writeString("a"); // actor_id
        body.writeString("e"); // env_id
        body.writeLong(0); // episode
        body.writeInt(1); // step
    }

    @FunctionalInterface
    private interface BodyWriter {
        void write(BinaryEncoder body) throws IOException;
    }

    private RecordDecodingException assertFailure(byte[] bytes, Kind kind, String detail) {
        RecordDecodingException e = catchThrowableOfType(RecordDecodingException.class, () -> codec.decode(TOPIC, bytes));
        assertThat(e).as("decoding must fail").isNotNull();
        assertThat(e.kind()).isEqualTo(kind);
        assertThat(e.recordType()).isEqualTo(TYPE);
        assertThat(e.topic()).contains(TOPIC);
        assertThat(e).hasMessageContaining(TYPE).hasMessageContaining("'" + TOPIC + "'").hasMessageContaining(detail);
        return e;
    }

    private static <T extends SpecificRecord> void assertEveryCutIsTruncated(RecordCodec<T> codec, T record) {
        byte[] full = codec.encode(record);
        for (int length = 0; length < full.length; length++) {
            byte[] cut = Arrays.copyOf(full, length);
            RecordDecodingException e = catchThrowableOfType(RecordDecodingException.class, () -> codec.decode(TOPIC, cut));
            assertThat(e).as("%s cut to %d of %d bytes", codec.recordType(), length, full.length).isNotNull();
            assertThat(e.kind()).as("%s cut to %d bytes", codec.recordType(), length).isEqualTo(Kind.TRUNCATED);
        }
    }
}
