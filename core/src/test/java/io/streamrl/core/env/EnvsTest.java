package io.streamrl.core.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EnvsTest {

    @Test
    void namesAreTheGymnasiumIdsThenTheShortNames() {
        assertThat(Envs.names()).containsExactly("Pendulum-v1", "MountainCarContinuous-v0", "CartPole-v1",
                "Pricing-v0", "pendulum", "mountaincar", "cartpole", "pricing");
    }

    @Test
    void everyNameMakesItsEnvironmentInAnyCase() {
        String[][] nameToId = {
            {"Pendulum-v1", "Pendulum-v1"}, {"PENDULUM", "Pendulum-v1"}, {"pendulum-V1", "Pendulum-v1"},
            {"mountaincar", "MountainCarContinuous-v0"}, {"mountaincarcontinuous-v0", "MountainCarContinuous-v0"},
            {"CartPole", "CartPole-v1"}, {"cartpole-v1", "CartPole-v1"},
            {"Pricing", "Pricing-v0"}, {"PRICING-V0", "Pricing-v0"},
        };
        for (String[] pair : nameToId) {
            assertThat(Envs.make(pair[0], new SplittableRandom(1)).spec().id()).as(pair[0]).isEqualTo(pair[1]);
        }
    }

    @Test
    void specsCarryTheTimeLimitsAndSolvedThresholds() {
        assertSpec("pendulum", 3, 200, -200.0);
        assertSpec("mountaincar", 2, 999, 90.0);
        assertSpec("cartpole", 4, 500, 475.0);
        assertSpec("pricing", 4, 365, Double.NaN);
        assertThat(Envs.make("cartpole", new SplittableRandom(1)).spec().actionSpace())
                .isEqualTo(new ActionSpace.Discrete(2));
        ActionSpace.Box pendulum = (ActionSpace.Box) Envs.make("pendulum", new SplittableRandom(1)).spec().actionSpace();
        assertThat(pendulum.low()).containsExactly(-2.0);
        assertThat(pendulum.high()).containsExactly(2.0);
    }

    private static void assertSpec(String name, int observationDim, int maxSteps, double solved) {
        EnvSpec spec = Envs.make(name, new SplittableRandom(1)).spec();
        assertThat(spec.observationDim()).as(name + " observationDim").isEqualTo(observationDim);
        assertThat(spec.actionDim()).as(name + " actionDim").isEqualTo(1);
        assertThat(spec.maxEpisodeSteps()).as(name + " maxEpisodeSteps").isEqualTo(maxSteps);
        if (Double.isNaN(solved)) {
            assertThat(spec.solvedThreshold()).as(name + " solvedThreshold").isNaN();
        } else {
            assertThat(spec.solvedThreshold()).as(name + " solvedThreshold").isEqualTo(solved);
        }
    }

    @Test
    void unknownNameListsTheValidNames() {
        assertThatThrownBy(() -> Envs.make("Acrobot-v1", new SplittableRandom(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown environment 'Acrobot-v1'")
                .hasMessageContaining(String.join(", ", Envs.names()));
        assertThatThrownBy(() -> Envs.make(null, new SplittableRandom(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("valid names");
    }

    @Test
    void eachEnvironmentUsesOnlyItsOwnGenerator() {
        Env a = Envs.make("pendulum", new SplittableRandom(42));
        Env b = Envs.make("pendulum", new SplittableRandom(42));
        Env c = Envs.make("pendulum", new SplittableRandom(43));
        float[] first = a.reset();
        assertThat(b.reset()).containsExactly(first);
        assertThat(c.reset()).isNotEqualTo(first);
    }
}
