package io.streamrl.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrl.schemas.avro.JoinOutcome;
import io.streamrl.schemas.avro.JoinResult;
import io.streamrl.schemas.avro.Transition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 3_000; i++) {
            Transition t = random(r, i);
            byte[] written = writer.encode(TOPIC, t);
            assertThat(written).as("record %d: %s", i, t).isEqualTo(codec.encode(TOPIC, t));
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
                        .setEventTime(Instant.ofEpochMilli(-1)).setLogDensity(-0.0).setDecisionId("").build())) {
            assertThat(writer.encode(TOPIC, t)).isEqualTo(codec.encode(TOPIC, t));
        }
    }

    @Test
    void refusesWhatAvroRefusesWithItsMessage() {
        Transition t = builder().setObservation(Arrays.asList(1f, null)).build();
        assertThatThrownBy(() -> new TransitionWriter().encode(TOPIC, t)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("Cannot encode io.streamrl.schemas.avro.Transition for topic '" + TOPIC + "'");
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
