package io.streamrl.core.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EnvValidationTest {

    static Stream<String> ids() {
        return Stream.of(PendulumEnv.ID, MountainCarContinuousEnv.ID, CartPoleEnv.ID, PricingEnv.ID);
    }

    private static Env started(String id) {
        Env env = Envs.make(id, new SplittableRandom(7));
        env.reset();
        return env;
    }

    /** An action every environment accepts: torque/force 0, CartPole's "push left". */
    private static final double[] NEUTRAL = {0.0};

    @ParameterizedTest
    @MethodSource("ids")
    void stepBeforeResetIsRefused(String id) {
        Env env = Envs.make(id, new SplittableRandom(7));
        assertThatThrownBy(() -> env.step(NEUTRAL))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(id)
                .hasMessageContaining("before reset()");
    }

    @ParameterizedTest
    @MethodSource("ids")
    void actionOfWrongLengthIsRefused(String id) {
        Env env = started(id);
        assertThatThrownBy(() -> env.step(new double[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(id)
                .hasMessageContaining("must have 1 entry, got 0");
        assertThatThrownBy(() -> env.step(new double[] {0.0, 0.0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must have 1 entry, got 2");
        assertThatThrownBy(() -> env.step(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be null");
    }

    @ParameterizedTest
    @MethodSource("ids")
    void nonFiniteActionIsRefused(String id) {
        Env env = started(id);
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            assertThatThrownBy(() -> env.step(new double[] {bad}))
                    .as("action %s", bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(id)
                    .hasMessageContaining(String.valueOf(bad));
        }
        // a refused action leaves the episode running
        assertThat(env.step(NEUTRAL).done()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(doubles = {2.0, -1.0, 0.5, 1.0000001})
    void cartPoleActionMustBeZeroOrOne(double action) {
        Env env = started(CartPoleEnv.ID);
        assertThatThrownBy(() -> env.step(new double[] {action}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CartPole-v1")
                .hasMessageContaining("integer in [0, 1]")
                .hasMessageContaining(String.valueOf(action));
    }

    @ParameterizedTest
    @MethodSource("ids")
    void wrongStateIsRefused(String id) {
        Env env = started(id);
        int n = env.state().length;
        assertThatThrownBy(() -> env.setState(new double[n + 1]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("state must have " + n + " entries");
        double[] nan = env.state();
        nan[0] = Double.NaN;
        assertThatThrownBy(() -> env.setState(nan))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be finite");
    }

    @ParameterizedTest
    @MethodSource("ids")
    void timeLimitTruncatesOnItsStepAndEndsTheEpisode(String id) {
        Env env = started(id);
        double[] start = env.state();
        int limit = env.spec().maxEpisodeSteps();
        for (int step = 1; step <= limit; step++) {
            env.setState(start); // a start state never terminates within one step
            StepResult result = env.step(NEUTRAL);
            assertThat(result.terminated()).as("terminated at step %d", step).isFalse();
            assertThat(result.truncated()).as("truncated at step %d", step).isEqualTo(step == limit);
        }
        assertThatThrownBy(() -> env.step(NEUTRAL))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("after the episode ended (truncated at step " + limit + ")");
        env.reset();
        assertThat(env.step(NEUTRAL).truncated()).as("a reset restarts the count").isFalse();
    }

    @ParameterizedTest
    @MethodSource("terminalStarts")
    void stepAfterTerminationIsRefused(String id, double[] nearTerminal, double[] action) {
        Env env = started(id);
        env.setState(nearTerminal);
        StepResult result = env.step(action);
        assertThat(result.terminated()).isTrue();
        assertThat(result.truncated()).isFalse();
        assertThatThrownBy(() -> env.step(action))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(id)
                .hasMessageContaining("after the episode ended (terminated at step 1)");
    }

    static List<Object[]> terminalStarts() {
        return List.of(
                new Object[] {CartPoleEnv.ID, new double[] {0.0, 0.0, 0.5, 0.0}, new double[] {1.0}},
                new Object[] {MountainCarContinuousEnv.ID, new double[] {0.44, 0.05}, new double[] {1.0}});
    }

    @ParameterizedTest
    @MethodSource("ids")
    void solvedThresholdIsMetAtOrAbove(String id) {
        EnvSpec spec = Envs.spec(id);
        double threshold = spec.solvedThreshold();
        if (Double.isNaN(threshold)) {
            assertThat(spec.isSolvedBy(1e9)).isFalse();
        } else {
            assertThat(spec.isSolvedBy(threshold)).isTrue();
            assertThat(spec.isSolvedBy(Math.nextDown(threshold))).isFalse();
        }
    }
}
