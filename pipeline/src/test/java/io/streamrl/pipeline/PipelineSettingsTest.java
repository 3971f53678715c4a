package io.streamrl.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrl.actor.Pacing;
import io.streamrl.core.agent.DdpgConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PipelineSettingsTest {

    private static final DdpgConfig AGENT = DdpgConfig.ddpg();

    @Test
    void inStepPacesTheActorsToTheLearnersReplayRatio() {
        Pipeline.Settings s = Pipeline.Settings.inStep("pendulum", AGENT, 3, 2, 20_000, 100, 1_000, "vector");

        assertThat(s.pacing()).isEqualTo(Pacing.inStepWith(AGENT, 100, 2));
        assertThat(s.pacing().maxPolicyLag()).isEqualTo(50);
        assertThat(s.actorPrefix()).isEqualTo("actor");
        assertThat(s.withActorPrefix("demo-actor").actorPrefix()).isEqualTo("demo-actor");
        assertThat(s.withTimeout(Duration.ofSeconds(5)).timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.withPacing(new Pacing(7, 9)).pacing()).isEqualTo(new Pacing(7, 9));
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
