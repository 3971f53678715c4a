package io.streamrl.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrl.schemas.avro.JoinOutcome;
import io.streamrl.schemas.avro.JoinResult;
import io.streamrl.schemas.avro.Transition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The learner's fast transition decoder must read exactly what the codec reads. */
class TransitionReaderTest {

    private static final String TOPIC = "test.transitions";
    private final RecordCodec<Transition> codec = RecordCodec.transition();

    @Test
    void readsEveryFieldAsTheCodecDoes() {
        SplittableRandom r = new SplittableRandom(4);
        TransitionReader reader = new TransitionReader(TOPIC);
        for (int i = 0; i < 500; i++) {
            Transition t = randomTransition(r, i);
            byte[] bytes = codec.encode(t);
            assertSameContent(reader.read(bytes), TransitionFields.of(codec.decode(TOPIC, bytes)));
        }
        assertSameContent(reader.read(codec.encode(SampleRecords.transition())),
                TransitionFields.of(SampleRecords.transition()));
    }

    @Test
    void recordsOfAnOlderVersionGoThroughSchemaResolution() {


        TransitionView read = new TransitionReader(TOPIC).read(SampleRecords.transitionV1());
        assertThat(read.envId()).isEqualTo("MountainCarContinuous-v0");
        assertThat(read.observation()).containsExactly(-0.5f, 0.01f);
        assertThat(read.decisionId()).isNull();
        assertThat(read.eventTimeMillis()).isEqualTo(SampleRecords.TIME.toEpochMilli());
    }

    @Test
    void corruptBytesFailLikeTheCodecNeverWithAPartialRecord() {
        TransitionReader reader = new TransitionReader(TOPIC);
        byte[] good = codec.encode(SampleRecords.transition());
        for (int cut = 0; cut < good.length; cut++) {
            byte[] truncated = Arrays.copyOf(good, cut);
            assertThatThrownBy(() -> reader.read(truncated)).isInstanceOf(RecordDecodingException.class);
        }
        byte[] trailing = Arrays.copyOf(good, good.length + 3);
        assertThatThrownBy(() -> reader.read(trailing))
                .isInstanceOf(RecordDecodingException.class)
                .hasMessageContaining("left over");
        byte[] hugeArray = good.clone();
        // The observation's block count follows actor id, env id, episode and step; claim 2^30 floats.
        int countAt = 10 + 1 + "actor-7".length() + 1 + "Pendulum-v1".length() + 1 + 1;
        assertThat(hugeArray[countAt]).isEqualTo((byte) 6); // zig-zag of 3
        byte[] withHugeCount = new byte[good.length + 4];
        System.arraycopy(good, 0, withHugeCount, 0, countAt);
        byte[] varint = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08}; // zig-zag of 2^30
        System.arraycopy(varint, 0, withHugeCount, countAt, varint.length);
        System.arraycopy(good, countAt + 1, withHugeCount, countAt + varint.length, good.length - countAt - 1);
        assertThatThrownBy(() -> reader.read(withHugeCount))
                .isInstanceOf(RecordDecodingException.class)
                .hasMessageContaining("more floats than");
        assertThatThrownBy(() -> reader.read(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}))
                .isInstanceOf(RecordDecodingException.class)
                .satisfies(e -> assertThat(((RecordDecodingException) e).kind())
                        .isEqualTo(RecordDecodingException.Kind.BAD_MAGIC));
    }

    /** Avro lets a writer split an array into blocks, a negative count announcing the block's byte size. */
    @Test
    void readsArraysSplitIntoBlocks() {
        Transition t = SampleRecords.transitionBuilder()
                .setActorId("a").setEnvId("Pendulum-v1").setEpisode(0).setStep(1)
                .setObservation(List.of(1.5f, -2.5f, 3.5f)).build();
        byte[] single = codec.encode(t);
        // Header, actor id (1 + 1 bytes), env id (1 + 11), episode (1), step (1): then the observation's count.
        int countAt = RecordCodec.HEADER_LENGTH + 2 + 12 + 1 + 1;
        assertThat(single[countAt]).isEqualTo((byte) 6); // zig-zag of 3
        byte[] floats = Arrays.copyOfRange(single, countAt + 1, countAt + 1 + 12);
        var split = new java.io.ByteArrayOutputStream();
        split.write(single, 0, countAt);
        split.write(3); // zig-zag of -2: a block of two floats...
        split.write(16); // ...taking 8 bytes
        split.write(floats, 0, 8);
        split.write(2); // a block of one float
        split.write(floats, 8, 4);
        split.write(single, countAt + 1 + 12, single.length - countAt - 1 - 12); // the end marker 0 onwards
        byte[] blocks = split.toByteArray();
        TransitionReader reader = new TransitionReader(TOPIC);
        assertThat(reader.read(blocks).observation()).containsExactly(1.5f, -2.5f, 3.5f);
        assertSameContent(reader.read(blocks), TransitionFields.of(codec.decode(TOPIC, blocks)));
        assertSameContent(reader.read(single), TransitionFields.of(t));
    }

    /**
     * Every single-byte change to the body of good records (each position, bytes chosen to hit
     * varint continuation bits, signs, booleans and union branches): the reader and the codec
     * must both fail with the same kind of error, or both read the same content.
     */
    @Test
    void agreesWithTheCodecOnEveryOneByteCorruption() {
        SplittableRandom r = new SplittableRandom(9);
        TransitionReader reader = new TransitionReader(TOPIC);
        byte[] replacements = {0x00, 0x01, 0x02, 0x06, 0x7F, (byte) 0x80, (byte) 0x81, (byte) 0xFF};
        int failures = 0;
        int reads = 0;
        for (int i = 0; i < 100; i++) {
            byte[] good = codec.encode(randomTransition(r, i));
            for (int at = RecordCodec.HEADER_LENGTH; at < good.length; at++) {
                for (byte replacement : replacements) {
                    byte[] changed = good.clone();
                    changed[at] = replacement;
                    Object viaCodec = outcome(() -> TransitionFields.of(codec.decode(TOPIC, changed)));
                    Object viaReader = outcome(() -> TransitionFields.copyOf(reader.read(changed)));
                    if (viaCodec instanceof RecordDecodingException.Kind kind) {
                        assertThat(viaReader).as("byte %d set to %d", at, replacement).isEqualTo(kind);
                        failures++;
                    } else {
                        assertThat(viaReader).as("byte %d set to %d", at, replacement)
                                .isInstanceOf(TransitionFields.class);
                        assertSameContent((TransitionFields) viaReader, (TransitionFields) viaCodec);
                        reads++;
                    }
                }
            }
        }
        // Both verdicts must occur, or the comparison proves little.
        assertThat(failures).isGreaterThan(1000);
        assertThat(reads).isGreaterThan(1000);
    }

    private static Object outcome(java.util.function.Supplier<TransitionFields> read) {
        try {
            return read.get();
        } catch (RecordDecodingException e) {
            return e.kind();
        }
    }

    @Test
    void theValidatorGivesTheSameVerdictOnBothForms() {
        TransitionValidator validator = new TransitionValidator();
        Transition bad = SampleRecords.transitionBuilder()
                .setReward(Double.NaN).setNextObservation(List.of(1f, 2f)).build();
        List<String> fromRecord = validator.validate(bad);
        List<String> fromFields = validator.validate(new TransitionReader(TOPIC).read(codec.encode(bad)));
        assertThat(fromFields).isEqualTo(fromRecord).hasSize(2);
    }

    private static void assertSameContent(TransitionView a, TransitionView b) {
        assertThat(a.actorId()).isEqualTo(b.actorId());
        assertThat(a.envId()).isEqualTo(b.envId());
        assertThat(a.episode()).isEqualTo(b.episode());
        assertThat(a.step()).isEqualTo(b.step());
        assertThat(a.observation()).isEqualTo(b.observation());
        assertThat(a.action()).isEqualTo(b.action());
        assertThat(Double.doubleToRawLongBits(a.reward())).isEqualTo(Double.doubleToRawLongBits(b.reward()));
        assertThat(a.nextObservation()).isEqualTo(b.nextObservation());
        assertThat(a.terminated()).isEqualTo(b.terminated());
        assertThat(a.truncated()).isEqualTo(b.truncated());
        assertThat(a.policyVersion()).isEqualTo(b.policyVersion());
        assertThat(a.explorationNoise()).isEqualTo(b.explorationNoise());
        assertThat(a.eventTimeMillis()).isEqualTo(b.eventTimeMillis());
        assertThat(a.decisionId()).isEqualTo(b.decisionId());
        assertThat(Double.doubleToLongBits(a.logDensity())).isEqualTo(Double.doubleToLongBits(b.logDensity()));
        assertThat(a.joinResult()).isEqualTo(b.joinResult());
        assertThat(a.joinRewardCount()).isEqualTo(b.joinRewardCount());
        assertThat(a.joinWaitMillis()).isEqualTo(b.joinWaitMillis());
    }

    private static Transition randomTransition(SplittableRandom r, int i) {
        int obs = 1 + r.nextInt(6);
        int act = 1 + r.nextInt(3);
        return Transition.newBuilder()
                .setActorId("actor-" + r.nextInt(3))
                .setEnvId(r.nextBoolean() ? "Pendulum-v1" : "Pricing-v0")
                .setEpisode(r.nextLong(1L << 40))
                .setStep(1 + r.nextInt(1000))
                .setObservation(floats(r, obs))
                .setAction(floats(r, act))
                .setReward(r.nextDouble(-100, 100))
                .setNextObservation(floats(r, obs))
                .setTerminated(r.nextBoolean())
                .setTruncated(r.nextBoolean())
                .setPolicyVersion(r.nextLong(-1, 1L << 40))
                .setExplorationNoise(r.nextBoolean() ? List.of() : floats(r, act))
                .setEventTime(SampleRecords.TIME.plusMillis(i))
                .setDecisionId(r.nextBoolean() ? null : "decision-" + i)
                .setLogDensity(r.nextBoolean() ? null : r.nextDouble(-5, 2))
                .setJoin(r.nextBoolean() ? null : JoinOutcome.newBuilder()
                        .setResult(r.nextBoolean() ? JoinResult.JOINED : JoinResult.DEFAULTED)
                        .setRewardCount(r.nextInt(4)).setWaitMs(r.nextLong(1L << 35)).build())
                .build();
    }

    private static List<Float> floats(SplittableRandom r, int n) {
        List<Float> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add((float) r.nextDouble(-10, 10));
        }
        return out;
    }
}
