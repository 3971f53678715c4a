package io.streamrl.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrl.core.agent.DdpgConfig;
import io.streamrl.core.noise.ExplorationConfig;
import io.streamrl.core.noise.NoiseType;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PacingTest {

    @Test
    void twoActorsShareTheUpdatesOfOnePublicationAndTheFirstPublicationsTransitions() {
        // DDPG defaults: learning-starts 1,000, replay ratio 1. Publishing every 100 updates needs
        // 100 transitions between publications, 50 per actor, which each version pays for; the
        // first publication needs 1,100. An actor holds one version's worth more in hand.
        Pacing p = Pacing.inStepWith(DdpgConfig.ddpg(), 100, 2);
        assertThat(p).isEqualTo(new Pacing(100, 550, 50));
    }

    @Test
    void aLowerReplayRatioNeedsMoreTransitionsPerUpdate() {
        DdpgConfig halfRatio = DdpgConfig.ddpg().with(Map.of("replay-ratio", "0.5", "learning-starts", "1001"));
        // 100 updates at 0.5 per transition need 200 transitions; (1,001 + 200) / 3 rounds up to 401.
        assertThat(Pacing.inStepWith(halfRatio, 100, 3)).isEqualTo(new Pacing(134, 401, 67));
    }

    @Test
    void anActorNeverWaitsBeforeItsFirstStep() {
        assertThat(Pacing.inStepWith(DdpgConfig.ddpg(), 1, 8)).isEqualTo(new Pacing(2, 126, 1));
    }

    @Test
    void refusesNoActors() {
        assertThatThrownBy(() -> Pacing.inStepWith(DdpgConfig.ddpg(), 100, 0)).hasMessageContaining("actors");
    }

    @Test
    void aVersionPaysForNoMoreThanTheAllowance() {
        assertThatThrownBy(() -> new Pacing(50, 550, 51)).hasMessageContaining("steps-per-version")
                .hasMessageContaining("51");
        assertThatThrownBy(() -> ActorConfig.builder("a1", "pendulum", 1).maxPolicyLag(50).stepsPerVersion(51).build())
                .hasMessageContaining("steps-per-version").hasMessageContaining("51");
        assertThat(ActorConfig.builder("a1", "pendulum", 1).maxPolicyLag(50).build().versionCredit()).isEqualTo(50);
    }

    @Test
    void explorationComesFromTheHyperparameters() {
        DdpgConfig agent = DdpgConfig.ddpg().with(Map.of("noise", "ou", "noise-sigma", "0.8", "noise-sigma-min",
                "0.1", "noise-decay", "0.97", "ou-theta", "0.2"));
        ActorConfig config = ActorConfig.builder("a1", "pendulum", 1).exploration(agent.exploration())
                .pacing(new Pacing(100, 550, 50)).build();
        assertThat(config.exploration()).isEqualTo(agent.exploration())
                .isEqualTo(new ExplorationConfig(NoiseType.OU, 0.8, 0.1, 0.97, 0.2));
        assertThat(config.maxPolicyLag()).isEqualTo(100);
        assertThat(config.versionCredit()).isEqualTo(50);
        assertThat(config.warmupSteps()).isEqualTo(550);
    }
}
