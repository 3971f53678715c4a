package io.streamrl.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrl.actor.Pacing;
import io.streamrl.core.agent.A2cConfig;
import io.streamrl.core.agent.DdpgConfig;
import io.streamrl.core.rollout.StalenessPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PipelineSettingsTest {

    private static final DdpgConfig AGENT = DdpgConfig.ddpg();

    @Test
    void inStepPacesTheActorsToTheLearnersReplayRatio() {
        Pipeline.Settings s = Pipeline.Settings.inStep("pendulum", AGENT, 3, 2, 20_000, 100, 1_000, "vector");

        assertThat(pacing(s)).isEqualTo(Pacing.inStepWith(AGENT, 100, 2));
        assertThat(pacing(s).stepsPerVersion()).isEqualTo(50);
        assertThat(pacing(s).maxPolicyLag()).isEqualTo(100);
        assertThat(s.actorPrefix()).isEqualTo("actor");
        assertThat(s.withActorPrefix("demo-actor").actorPrefix()).isEqualTo("demo-actor");
        assertThat(s.withTimeout(Duration.ofSeconds(5)).timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(pacing(s.withPacing(new Pacing(7, 9, 7)))).isEqualTo(new Pacing(7, 9, 7));
    }

    @Test
    void onPolicyRunsHaveNoPacingToChange() {
        Pipeline.Settings s = Pipeline.Settings.onPolicy("cartpole", Pipeline.OnPolicy.of(A2cConfig.a2c(),
                StalenessPolicy.defaults(), 4, 2), 1, 3, 1_000, 1, 50, "scalar");

        assertThatThrownBy(() -> s.withPacing(new Pacing(7, 9, 7))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("rollouts-per-version");
        assertThatThrownBy(() -> Pipeline.OnPolicy.of(A2cConfig.a2c(), StalenessPolicy.defaults(), 0, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("envs-per-actor must be in");
    }

    private static Pacing pacing(Pipeline.Settings s) {
        return ((Pipeline.OffPolicy) s.algorithm()).pacing();
    }

    @Test
    void badValuesNameTheirKeyAndRange() {
        assertThatThrownBy(() -> Pipeline.Settings.inStep("pendulum", AGENT, 1, 0, 100, 100, 100, "vector"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("actors must be in [1, 64]");
        assertThatThrownBy(() -> Pipeline.Settings.inStep("pendulum", AGENT, 1, 65, 100, 100, 100, "vector"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("actors must be in [1, 64]");
        assertThatThrownBy(() -> Pipeline.Settings.inStep("pendulum", AGENT, 1, 2, 0, 100, 100, "vector"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("max-steps must be");
        assertThatThrownBy(() -> Pipeline.Settings.inStep("pendulum", AGENT, 1, 2, 100, 100, 0, "vector"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("eval-every must be");
        Pipeline.Settings ok = Pipeline.Settings.inStep("pendulum", AGENT, 1, 2, 100, 100, 100, "vector");
        assertThatThrownBy(() -> ok.withTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("timeout must be");
    }
}
