package io.streamrl.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrl.core.env.EnvSpec;
import io.streamrl.core.env.Envs;
import io.streamrl.core.policy.ObservationNormalizer;
import io.streamrl.core.replay.Batch;
import io.streamrl.schemas.RecordDecodingException;
import io.streamrl.schemas.RecordValidationException;
import io.streamrl.schemas.Topics;
import io.streamrl.schemas.avro.Transition;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TransitionConverterTest {

    private static final EnvSpec PENDULUM = Envs.spec("pendulum");
    private final SplittableRandom random = new SplittableRandom(7);
    private final TransitionConverter identity = new TransitionConverter(Topics.of("conv").transitions(), PENDULUM,
            ObservationNormalizer.identity(3));

    @Test
    void mapsTheActionFromTorqueUnitsIntoMinusOneToOne() {
        // Pendulum's torque bounds are [-2, 2]: 1 Nm is three quarters of the way up.
        assertThat(convertAction(identity, 1.0f)).containsExactly(0.5f);
        assertThat(convertAction(identity, -2.0f)).containsExactly(-1.0f);
        assertThat(convertAction(identity, 0.0f)).containsExactly(0.0f);
        // An actor's clipped-but-reported value outside the box stays inside [-1, 1].
        assertThat(convertAction(identity, 3.0f)).containsExactly(1.0f);
    }

    @Test
    void normalisesBothObservationsAndKeepsTheReward() {
        ObservationNormalizer normalizer = new ObservationNormalizer(new float[] {0f, 0f, 1f},
                new float[] {1f, 2f, 0.125f});
        TransitionConverter converter = new TransitionConverter(Topics.of("conv").transitions(), PENDULUM, normalizer);
        Transition t = PendulumTransitions.builder("a", 0, 1, random)
                .setObservation(List.of(0.5f, -0.25f, 5f))
                .setNextObservation(List.of(-1f, 1f, -7f))
                .setReward(-3.25)
                .build();
        Batch batch = converter.newBatch(3);
        converter.convert(PendulumTransitions.encode(t), batch, 1);
        assertThat(row(batch.observations(), 1, 3)).containsExactly(0.5f, -0.5f, 0.5f);
        assertThat(row(batch.nextObservations(), 1, 3)).containsExactly(-1f, 2f, -1f);
        assertThat(batch.rewards()[1]).isEqualTo(-3.25f);
        // Only the row asked for is written.
        assertThat(batch.observations()).startsWith(0f, 0f, 0f).endsWith(0f, 0f, 0f);
        assertThat(batch.rewards()[0]).isZero();
        assertThat(batch.rewards()[2]).isZero();
    }

    @Test
    void onlyATerminalStateStopsBootstrappingATruncationDoesNot() {
        Transition truncated = PendulumTransitions.builder("a", 0, 200, random).setTerminated(false)
                .setTruncated(true).build();
        Transition terminal = PendulumTransitions.builder("a", 0, 17, random).setTerminated(true)
                .setTruncated(false).build();
        Transition both = PendulumTransitions.builder("a", 0, 200, random).setTerminated(true)
                .setTruncated(true).build();
        Batch batch = identity.newBatch(3);
        batch.terminated()[0] = 1f; // a row reused after an earlier transition must be overwritten
        identity.convert(PendulumTransitions.encode(truncated), batch, 0);
        identity.convert(PendulumTransitions.encode(terminal), batch, 1);
        identity.convert(PendulumTransitions.encode(both), batch, 2);
        assertThat(batch.terminated()).containsExactly(0f, 1f, 1f);
    }

    @Test
    void rejectsBytesThatAreNotATransition() {
        assertThatThrownBy(() -> convertOne(identity, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}))
                .isInstanceOf(RecordDecodingException.class)
                .hasMessageContaining("BAD_MAGIC");
        byte[] whole = PendulumTransitions.encode(PendulumTransitions.nth("a", 0, random));
        assertThatThrownBy(() -> convertOne(identity, Arrays.copyOf(whole, whole.length / 2)))
                .isInstanceOf(RecordDecodingException.class)
                .hasMessageContaining("TRUNCATED");
        assertThatThrownBy(() -> convertOne(identity, null))
                .isInstanceOf(RecordDecodingException.class)
                .hasMessageContaining("null");
    }

    @Test
    void rejectsWhatTheSchemaValidatorRejects() {
        Transition nanReward = PendulumTransitions.builder("a", 0, 1, random).setReward(Double.NaN).build();
        assertThatThrownBy(() -> convertOne(identity, PendulumTransitions.encode(nanReward)))
                .isInstanceOf(RecordValidationException.class)
                .hasMessageContaining("reward");
    }

    @Test
    void rejectsAnotherEnvironmentsTransitions() {
        Transition other = PendulumTransitions.builder("a", 0, 1, random).setEnvId("MountainCarContinuous-v0").build();
        assertThatThrownBy(() -> convertOne(identity, PendulumTransitions.encode(other)))
                .isInstanceOf(RecordValidationException.class)
                .hasMessageContaining("env_id is 'MountainCarContinuous-v0'")
                .hasMessageContaining("allowed: Pendulum-v1");
    }

    @Test
    void rejectsWrongDimensionsNamingEachField() {
        Transition longObs = PendulumTransitions.builder("a", 0, 1, random)
                .setObservation(List.of(1f, 0f, 0f, 0f)).setNextObservation(List.of(1f, 0f, 0f, 0f)).build();
        assertThatThrownBy(() -> convertOne(identity, PendulumTransitions.encode(longObs)))
                .isInstanceOf(RecordValidationException.class)
                .hasMessageContaining("observation has 4 values; allowed: 3")
                .hasMessageContaining("next_observation has 4 values; allowed: 3");
        Transition twoActions = PendulumTransitions.builder("a", 0, 1, random).setAction(List.of(0f, 1f)).build();
        assertThatThrownBy(() -> convertOne(identity, PendulumTransitions.encode(twoActions)))
                .isInstanceOf(RecordValidationException.class)
                .hasMessageContaining("action has 2 values; allowed: 1");
    }

    @Test
    void rejectsARewardTheFloat32BufferCannotHold() {
        Transition huge = PendulumTransitions.builder("a", 0, 1, random).setReward(-1e300).build();
        assertThatThrownBy(() -> convertOne(identity, PendulumTransitions.encode(huge)))
                .isInstanceOf(RecordValidationException.class)
                .hasMessageContaining("reward is -1.0E300")
                .hasMessageContaining("float32");
    }

    @Test
    void rejectsAnObservationThatOverflowsUnderNormalisation() {
        ObservationNormalizer steep = new ObservationNormalizer(new float[3], new float[] {1f, 1f, 1e30f});
        TransitionConverter converter = new TransitionConverter(Topics.of("conv").transitions(), PENDULUM, steep);
        Transition fast = PendulumTransitions.builder("a", 0, 1, random).setObservation(List.of(1f, 0f, 1e10f)).build();
        assertThatThrownBy(() -> convertOne(converter, PendulumTransitions.encode(fast)))
                .isInstanceOf(RecordValidationException.class)
                .hasMessageContaining("observation[2] is Infinity after observation normalisation");
    }

    private float[] convertAction(TransitionConverter converter, float torque) {
        Transition t = PendulumTransitions.builder("a", 0, 1, random).setAction(List.of(torque)).build();
        return convertOne(converter, PendulumTransitions.encode(t)).actions();
    }

    private static Batch convertOne(TransitionConverter converter, byte[] value) {
        Batch batch = converter.newBatch(1);
        converter.convert(value, batch, 0);
        return batch;
    }

    private static float[] row(float[] column, int row, int width) {
        return Arrays.copyOfRange(column, row * width, (row + 1) * width);
    }
}
