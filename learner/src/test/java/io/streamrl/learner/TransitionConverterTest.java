package io.streamrl.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrl.core.env.EnvSpec;
import io.streamrl.core.env.Envs;
import io.streamrl.core.policy.ObservationNormalizer;
import io.streamrl.schemas.RecordDecodingException;
import io.streamrl.schemas.RecordValidationException;
import io.streamrl.schemas.Topics;
import io.streamrl.schemas.avro.Transition;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TransitionConverterTest {

    private static final EnvSpec PENDULUM = Envs.make("pendulum", new SplittableRandom(0)).spec();
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
        Experience e = converter.convert(PendulumTransitions.encode(t));
        assertThat(e.observation()).containsExactly(0.5f, -0.5f, 0.5f);
        assertThat(e.nextObservation()).containsExactly(-1f, 2f, -1f);
        assertThat(e.reward()).isEqualTo(-3.25);
    }

    @Test
    void onlyATerminalStateStopsBootstrappingATruncationDoesNot() {
        Transition truncated = PendulumTransitions.builder("a", 0, 200, random).setTerminated(false)
                .setTruncated(true).build();
        Transition terminal = PendulumTransitions.builder("a", 0, 17, random).setTerminated(true)
                .setTruncated(false).build();
        Transition both = PendulumTransitions.builder("a", 0, 200, random).setTerminated(true)
                .setTruncated(true).build();
        assertThat(identity.convert(PendulumTransitions.encode(truncated)).terminal()).isFalse();
        assertThat(identity.convert(PendulumTransitions.encode(terminal)).terminal()).isTrue();
        assertThat(identity.convert(PendulumTransitions.encode(both)).terminal()).isTrue();
    }

    @Test
    void rejectsBytesThatAreNotATransition() {
        assertThatThrownBy(() -> identity.convert(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}))
                .isInstanceOf(RecordDecodingException.class)
                .hasMessageContaining("BAD_MAGIC");
        byte[] whole = PendulumTransitions.encode(PendulumTransitions.nth("a", 0, random));
        assertThatThrownBy(() -> identity.convert(Arrays.copyOf(whole, whole.length / 2)))
                .isInstanceOf(RecordDecodingException.class)
                .hasMessageContaining("TRUNCATED");
        assertThatThrownBy(() -> identity.convert(null))
                .isInstanceOf(RecordDecodingException.class)
                .hasMessageContaining("null");
    }

    @Test
    void rejectsWhatTheSchemaValidatorRejects() {
        Transition nanReward = PendulumTransitions.builder("a", 0, 1, random).setReward(Double.NaN).build();
        assertThatThrownBy(() -> identity.convert(PendulumTransitions.encode(nanReward)))
                .isInstanceOf(RecordValidationException.class)
                .hasMessageContaining("reward");
    }

    @Test
    void rejectsAnotherEnvironmentsTransitions() {
        Transition other = PendulumTransitions.builder("a", 0, 1, random).setEnvId("MountainCarContinuous-v0").build();
        assertThatThrownBy(() -> identity.convert(PendulumTransitions.encode(other)))
                .isInstanceOf(RecordValidationException.class)
                .hasMessageContaining("env_id is 'MountainCarContinuous-v0'")
                .hasMessageContaining("allowed: Pendulum-v1");
    }

    @Test
    void rejectsWrongDimensionsNamingEachField() {
        Transition longObs = PendulumTransitions.builder("a", 0, 1, random)
                .setObservation(List.of(1f, 0f, 0f, 0f)).setNextObservation(List.of(1f, 0f, 0f, 0f)).build();
        assertThatThrownBy(() -> identity.convert(PendulumTransitions.encode(longObs)))
                .isInstanceOf(RecordValidationException.class)
                .hasMessageContaining("observation has 4 values; allowed: 3")
                .hasMessageContaining("next_observation has 4 values; allowed: 3");
        Transition twoActions = PendulumTransitions.builder("a", 0, 1, random).setAction(List.of(0f, 1f)).build();
        assertThatThrownBy(() -> identity.convert(PendulumTransitions.encode(twoActions)))
                .isInstanceOf(RecordValidationException.class)
                .hasMessageContaining("action has 2 values; allowed: 1");
    }

    @Test
    void rejectsARewardTheFloat32BufferCannotHold() {
        Transition huge = PendulumTransitions.builder("a", 0, 1, random).setReward(-1e300).build();
        assertThatThrownBy(() -> identity.convert(PendulumTransitions.encode(huge)))
                .isInstanceOf(RecordValidationException.class)
                .hasMessageContaining("reward is -1.0E300")
                .hasMessageContaining("float32");
    }

    @Test
    void rejectsAnObservationThatOverflowsUnderNormalisation() {
        ObservationNormalizer steep = new ObservationNormalizer(new float[3], new float[] {1f, 1f, 1e30f});
        TransitionConverter converter = new TransitionConverter(Topics.of("conv").transitions(), PENDULUM, steep);
        Transition fast = PendulumTransitions.builder("a", 0, 1, random).setObservation(List.of(1f, 0f, 1e10f)).build();
        assertThatThrownBy(() -> converter.convert(PendulumTransitions.encode(fast)))
                .isInstanceOf(RecordValidationException.class)
                .hasMessageContaining("observation[2] is Infinity after observation normalisation");
    }

    private float[] convertAction(TransitionConverter converter, float torque) {
        Transition t = PendulumTransitions.builder("a", 0, 1, random).setAction(List.of(torque)).build();
        return converter.convert(PendulumTransitions.encode(t)).action();
    }
}
