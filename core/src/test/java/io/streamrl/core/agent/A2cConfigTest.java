package io.streamrl.core.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrl.core.compute.Activation;
import io.streamrl.core.config.RecordOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class A2cConfigTest {

    /** Stable-Baselines3 2.x, {@code A2C("MlpPolicy", env)} with 8 environments. */
    @Test
    void thePresetIsStableBaselines3sA2c() {
        A2cConfig c = A2cConfig.a2c();
        assertThat(c.numEnvs()).isEqualTo(8);
        assertThat(c.nSteps()).isEqualTo(5);
        assertThat(c.gamma()).isEqualTo(0.99);
        assertThat(c.gaeLambda()).isEqualTo(1.0);
        assertThat(c.entCoef()).isEqualTo(0.0);
        assertThat(c.vfCoef()).isEqualTo(0.5);
        assertThat(c.maxGradNorm()).isEqualTo(0.5);
        assertThat(c.lr()).isEqualTo(7e-4);
        assertThat(c.rmsAlpha()).isEqualTo(0.99);
        assertThat(c.rmsEps()).isEqualTo(1e-5);
        assertThat(c.hidden()).containsExactly(64, 64);
        assertThat(c.activation()).isEqualTo(Activation.TANH);
        assertThat(c.orthoInit()).isTrue();
        assertThat(c.targetTau()).isEqualTo(0.0);
        assertThat(c.logStdInit()).isEqualTo(0.0);
        assertThat(c.normalizeAdvantage()).isFalse();
        assertThat(c.rewardScale()).isEqualTo(1.0);
        assertThat(c.rolloutSize()).isEqualTo(40);
        assertThat(A2cConfig.preset("A2C")).isEqualTo(c);
        assertThat(c.algorithmName()).isEqualTo("a2c");
    }

    @Test
    void everyKeyCanBeSetByItsKebabCaseName() {
        A2cConfig c = A2cConfig.a2c().with(Map.ofEntries(Map.entry("num-envs", "4"), Map.entry("n-steps", "16"),
                Map.entry("gamma", "0.95"), Map.entry("gae-lambda", "0.9"), Map.entry("ent-coef", "0.01"),
                Map.entry("vf-coef", "0.25"), Map.entry("max-grad-norm", "Infinity"), Map.entry("lr", "1e-3"),
                Map.entry("rms-alpha", "0.9"), Map.entry("rms-eps", "1e-8"), Map.entry("hidden", "32,16"),
                Map.entry("activation", "relu"), Map.entry("ortho-init", "false"), Map.entry("target-tau", "0.01"),
                Map.entry("log-std-init", "-1"), Map.entry("normalize-advantage", "true"),
                Map.entry("reward-scale", "0.1")));
        assertThat(c).isEqualTo(new A2cConfig(4, 16, 0.95, 0.9, 0.01, 0.25, Double.POSITIVE_INFINITY, 1e-3, 0.9, 1e-8,
                List.of(32, 16), Activation.RELU, false, 0.01, -1.0, true, 0.1));
        assertThat(RecordOptions.describe(c).keySet()).containsExactly("num-envs", "n-steps", "gamma", "gae-lambda",
                "ent-coef", "vf-coef", "max-grad-norm", "lr", "rms-alpha", "rms-eps", "hidden", "activation",
                "ortho-init", "target-tau", "log-std-init", "normalize-advantage", "reward-scale");
        assertThat(c.toLogLine()).contains("hidden=32,16").contains("activation=relu");
    }

    @Test
    void badValuesNameTheKeyAndTheRange() {
        String[][] cases = {
            {"num-envs", "0", "num-envs must be in [1, 1024], got 0"},
            {"n-steps", "0", "n-steps must be in [1, 100000], got 0"},
            {"gamma", "1.5", "gamma must be in [0.0, 1.0], got 1.5"},
            {"gae-lambda", "-0.1", "gae-lambda must be in [0.0, 1.0], got -0.1"},
            {"ent-coef", "-1", "ent-coef must be in [0.0, 100.0], got -1.0"},
            {"vf-coef", "NaN", "vf-coef must be in [0.0, 100.0], got NaN"},
            {"max-grad-norm", "0", "max-grad-norm must be in (0.0, Infinity], got 0.0"},
            {"lr", "0", "lr must be in (0.0, 1.0], got 0.0"},
            {"rms-alpha", "1", "rms-alpha must be in [0.0, 1.0), got 1.0"},
            {"rms-eps", "0", "rms-eps must be in (0.0, 1.0], got 0.0"},
            {"hidden", "0", "hidden must be layer widths each in [1, 8192], got [0]"},
            {"activation", "sigmoid", "activation must be one of [identity, relu, tanh], got 'sigmoid'"},
            {"target-tau", "2", "target-tau must be in [0.0, 1.0], got 2.0"},
            {"log-std-init", "5", "log-std-init must be in [-20.0, 2.0], got 5.0"},
            {"reward-scale", "0", "reward-scale must be in (0.0, 1000000.0], got 0.0"},
            {"normalize-advantage", "yes", "normalize-advantage must be true or false, got 'yes'"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> A2cConfig.a2c().with(Map.of(c[0], c[1]))).as(c[0])
                    .isInstanceOf(IllegalArgumentException.class).hasMessage(c[2]);
        }
        assertThatThrownBy(() -> A2cConfig.a2c().with(Map.of("actor-lr", "1")))
                .hasMessageStartingWith("unknown setting 'actor-lr' for A2cConfig, valid: num-envs, n-steps");
        assertThatThrownBy(() -> A2cConfig.preset("ppo")).hasMessage("unknown algorithm 'ppo', valid: a2c");
    }
}
