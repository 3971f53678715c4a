package io.streamrl.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrl.schemas.avro.JoinOutcome;
import io.streamrl.schemas.avro.JoinResult;
import io.streamrl.schemas.avro.Transition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class TransitionWriterTest {

    private static final String TOPIC = "streamrl.transitions";
    private final RecordCodec<Transition> codec = RecordCodec.transition();

    @Test
    void writesAvrosBytesForRandomTransitionsWithAndWithoutAJoin() {
        TransitionWriter writer = new TransitionWriter();
        TransitionReader reader = new TransitionReader(TOPIC);
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 3_000; i++) {
            Transition t = random(r, i);
            byte[] avro = codec.encode(TOPIC, t);
            assertThat(writer.encode(TOPIC, TransitionFields.of(t))).as("record %d: %s", i, t).isEqualTo(avro);
            // The reader's reused view goes back to the same bytes.
            assertThat(writer.encode(TOPIC, reader.read(avro))).as("record %d read back", i).isEqualTo(avro);
        }
    }

    @Test
    void writesTheExtremes() {
        TransitionWriter writer = new TransitionWriter();
        List<Float> special = List.of(Float.NaN, Float.NEGATIVE_INFINITY, -0f, Float.MIN_VALUE, Float.MAX_VALUE);
        List<Float> long200 = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            long200.add((float) i); // a count above 63 takes two varint bytes
        }
        for (Transition t : List.of(
                builder().setEpisode(Long.MAX_VALUE).setStep(Integer.MIN_VALUE).setPolicyVersion(Long.MIN_VALUE)
                        .setObservation(special).setNextObservation(special).setReward(Double.NaN).build(),
                builder().setActorId("akteur-\u00fc-\u6f22-\ud83d\ude00").setEnvId("").setObservation(long200)
                        .setNextObservation(List.of()).setStep(Integer.MAX_VALUE).setEpisode(Long.MIN_VALUE)
                        .setEventTime(Instant.ofEpochMilli(-1)).setLogDensity(-0.0).setDecisionId("").build(),
                builder().setJoin(new JoinOutcome(JoinResult.DEFAULTED, Integer.MIN_VALUE, Long.MAX_VALUE)).build())) {
            assertThat(writer.encode(TOPIC, TransitionFields.of(t))).isEqualTo(codec.encode(TOPIC, t));
        }
    }

    @Test
    void aReusedBufferLeaksNothingFromTheRecordBefore() {
        TransitionWriter writer = new TransitionWriter();
        Transition longer = SampleRecords.transition();
        Transition shorter = builder().setActorId("a").build();
        for (Transition t : List.of(longer, shorter, longer)) {
            byte[] written = writer.encode(TOPIC, TransitionFields.of(t));
            assertThat(written).isEqualTo(codec.encode(TOPIC, t));
            assertThat(codec.decode(TOPIC, written)).isEqualTo(t);
        }
    }

    @Test
    void aNaNLogDensityIsWrittenAsNoneAsTheViewReadsIt() {
        Transition nan = builder().setLogDensity(Double.NaN).build();
        assertThat(new TransitionWriter().encode(TOPIC, TransitionFields.of(nan)))
                .isEqualTo(codec.encode(TOPIC, builder().setLogDensity(null).build()));
    }

    @Test
    void refusesATombstoneAndAMissingValueNamingIt() {
        TransitionFields valid = TransitionFields.of(builder().build());
        TransitionFields noActor = new TransitionFields(null, valid.envId(), valid.episode(), valid.step(),
                valid.observation(), valid.action(), valid.reward(), valid.nextObservation(), valid.terminated(),
                valid.truncated(), valid.policyVersion(), valid.explorationNoise(), valid.eventTimeMillis(),
                null, Double.NaN, null, 0, 0);
        assertThatThrownBy(() -> new TransitionWriter().encode(TOPIC, noActor))
                .isInstanceOf(SerializationException.class)
                .hasMessage("Cannot encode io.streamrl.schemas.avro.Transition for topic '" + TOPIC + "': actor_id is"
                        + " missing; the schema requires it");
        TransitionFields noTime = new TransitionFields(valid.actorId(), valid.envId(), valid.episode(), valid.step(),
                valid.observation(), valid.action(), valid.reward(), valid.nextObservation(), valid.terminated(),
                valid.truncated(), valid.policyVersion(), valid.explorationNoise(), Long.MIN_VALUE,
                null, Double.NaN, null, 0, 0);
        assertThatThrownBy(() -> new TransitionWriter().encode(null, noTime))
                .isInstanceOf(SerializationException.class).hasMessageContaining("event_time is missing");
        assertThatThrownBy(() -> new TransitionWriter().encode(TOPIC, null))
                .isInstanceOf(SerializationException.class).hasMessageContaining("tombstone");
    }

    private static Transition.Builder builder() {
        return Transition.newBuilder().setActorId("a").setEnvId("Pendulum-v1").setEpisode(0).setStep(1)
                .setObservation(List.of(1f, 2f, 3f)).setAction(List.of(0.5f)).setReward(-1)
                .setNextObservation(List.of(1f, 2f, 3f)).setTerminated(false).setTruncated(false)
                .setPolicyVersion(-1).setExplorationNoise(List.of()).setEventTime(SampleRecords.TIME)
                .setDecisionId(null).setLogDensity(null).setJoin(null);
    }

    static Transition random(SplittableRandom r, int i) {
        int obs = r.nextInt(8);
        int act = r.nextInt(4);
        return Transition.newBuilder()
                .setActorId(r.nextInt(4) == 0 ? "actor-" + i : "actor-" + r.nextInt(3))
                .setEnvId(r.nextBoolean() ? "Pendulum-v1" : "Pricing-v0")
                .setEpisode(r.nextLong())
                .setStep(r.nextInt())
                .setObservation(floats(r, obs))
                .setAction(floats(r, act))
                .setReward(r.nextDouble(-1e6, 1e6))
                .setNextObservation(floats(r, obs))
                .setTerminated(r.nextBoolean())
                .setTruncated(r.nextBoolean())
                .setPolicyVersion(r.nextLong())
                .setExplorationNoise(r.nextBoolean() ? List.of() : floats(r, act))
                .setEventTime(Instant.ofEpochMilli(r.nextLong(-(1L << 45), 1L << 45)))
                .setDecisionId(r.nextBoolean() ? null : "decision-" + i)
                .setLogDensity(r.nextBoolean() ? null : r.nextDouble(-50, 20))
                .setJoin(r.nextInt(4) != 0 ? null : JoinOutcome.newBuilder()
                        .setResult(r.nextBoolean() ? JoinResult.JOINED : JoinResult.DEFAULTED)
                        .setRewardCount(r.nextInt(4)).setWaitMs(r.nextLong(1L << 35)).build())
                .build();
    }

    private static List<Float> floats(SplittableRandom r, int n) {
        List<Float> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add((float) r.nextDouble(-1e4, 1e4));
        }
        return out;
    }
}
