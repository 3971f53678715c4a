package io.streamrl.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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


        TransitionFields read = new TransitionReader(TOPIC).read(SampleRecords.transitionV1());
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

    @Test
    void theValidatorGivesTheSameVerdictOnBothForms() {
        TransitionValidator validator = new TransitionValidator();
        Transition bad = Transition.newBuilder(SampleRecords.transition())
                .setReward(Double.NaN).setNextObservation(List.of(1f, 2f)).build();
        List<String> fromRecord = validator.validate(bad);
        List<String> fromFields = validator.validate(new TransitionReader(TOPIC).read(codec.encode(bad)));
        assertThat(fromFields).isEqualTo(fromRecord).hasSize(2);
    }

    private static void assertSameContent(TransitionFields a, TransitionFields b) {
        assertThat(a.actorId()).isEqualTo(b.actorId());
        assertThat(a.envId()).isEqualTo(b.envId());
        assertThat(a.episode()).isEqualTo(b.episode());
        assertThat(a.step()).isEqualTo(b.step());
        assertThat(a.observation()).isEqualTo(b.observation());
        assertThat(a.action()).isEqualTo(b.action());
        assertThat(a.reward()).isEqualTo(b.reward());
        assertThat(a.nextObservation()).isEqualTo(b.nextObservation());
        assertThat(a.terminated()).isEqualTo(b.terminated());
        assertThat(a.truncated()).isEqualTo(b.truncated());
        assertThat(a.policyVersion()).isEqualTo(b.policyVersion());
        assertThat(a.explorationNoise()).isEqualTo(b.explorationNoise());
        assertThat(a.eventTimeMillis()).isEqualTo(b.eventTimeMillis());
        assertThat(a.decisionId()).isEqualTo(b.decisionId());
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
