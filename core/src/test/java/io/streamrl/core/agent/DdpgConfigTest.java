package io.streamrl.core.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrl.core.config.RecordOptions;
import io.streamrl.core.noise.ExplorationConfig;
import io.streamrl.core.noise.NoiseSchedule;
import io.streamrl.core.noise.NoiseType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Defaults (the README's hyperparameter table), {@code with(Map)} parsing and fail-fast validation:
 * every out-of-range value names its key and the allowed range.
 */
class DdpgConfigTest {

    @Test
    void ddpgDefaultsAreTheDocumentedOnes() {
        DdpgConfig c = DdpgConfig.ddpg();
        assertThat(c.actorHidden()).containsExactly(64, 64);
        assertThat(c.criticHidden()).containsExactly(64, 64);
        assertThat(c.actorLr()).isEqualTo(1e-3);
        assertThat(c.criticLr()).isEqualTo(1e-3);
        assertThat(c.gamma()).isEqualTo(0.99);
        assertThat(c.tau()).isEqualTo(0.005);
        assertThat(c.batchSize()).isEqualTo(128);
        assertThat(c.bufferCapacity()).isEqualTo(1_000_000);
        assertThat(c.learningStarts()).isEqualTo(1_000);
        assertThat(c.replayRatio()).isEqualTo(1.0);
        assertThat(c.criticL2()).isZero();
        assertThat(c.policyDelay()).isEqualTo(2);
        assertThat(c.twinCritics()).isFalse();
        assertThat(c.targetNoise()).isZero();
        assertThat(c.targetNoiseClip()).isEqualTo(0.5);
        assertThat(c.exploration().noise()).isEqualTo(NoiseType.GAUSSIAN);
        assertThat(c.exploration().noiseSigma()).isEqualTo(0.1);
        assertThat(c.exploration().noiseSigmaMin()).isEqualTo(0.1);
        assertThat(c.exploration().noiseDecay()).isEqualTo(1.0);
        assertThat(c.exploration().ouTheta()).isEqualTo(0.15);
        assertThat(c.algorithmName()).isEqualTo("ddpg");
        assertThat(c.exploration().schedule()).isEqualTo(new NoiseSchedule(0.1, 0.1, 1.0));
    }

    @Test
    void td3DiffersFromDdpgOnlyInTwinCriticsAndTargetSmoothing() {
        DdpgConfig td3 = DdpgConfig.td3();
        assertThat(td3.twinCritics()).isTrue();
        assertThat(td3.targetNoise()).isEqualTo(0.2);
        assertThat(td3.targetNoiseClip()).isEqualTo(0.5);
        assertThat(td3.policyDelay()).isEqualTo(2);
        assertThat(td3.algorithmName()).isEqualTo("td3");
        assertThat(td3).isEqualTo(DdpgConfig.ddpg().with(Map.of("twin-critics", "true", "target-noise", "0.2")));
    }

    @Test
    void keysAreTheKebabCaseComponentNamesOfTheReadmeTable() {
        assertThat(RecordOptions.describe(DdpgConfig.ddpg()).keySet()).containsExactly(
                "actor-hidden", "critic-hidden", "actor-lr", "critic-lr", "gamma", "tau", "batch-size",
                "buffer-capacity", "learning-starts", "replay-ratio", "critic-l2", "policy-delay", "twin-critics",
                "target-noise", "target-noise-clip", "bc-alpha", "noise", "noise-sigma", "noise-sigma-min", "noise-decay",
                "ou-theta", "divergence-window", "divergence-factor", "max-consecutive-trips",
                "eval-withhold-margin");
        assertThat(DdpgConfig.ddpg().toLogLine())
                .startsWith("actor-hidden=64,64 critic-hidden=64,64 actor-lr=0.001 ")
                .contains(" twin-critics=false ", " bc-alpha=0.0 noise=gaussian ")
                .contains(" ou-theta=0.15 ")
                .endsWith(" divergence-window=1000 divergence-factor=1000.0 max-consecutive-trips=10"
                        + " eval-withhold-margin=500.0");
    }

    @Test
    void presetsByNameIgnoreCaseAndBlanks() {
        assertThat(DdpgConfig.preset("ddpg")).isEqualTo(DdpgConfig.ddpg());
        assertThat(DdpgConfig.preset(" TD3 ")).isEqualTo(DdpgConfig.td3());
        assertThat(DdpgConfig.preset("TD3+BC")).isEqualTo(DdpgConfig.td3Bc());
        assertThatThrownBy(() -> DdpgConfig.preset("sac"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown algorithm 'sac', valid: ddpg, td3, td3+bc");
        assertThatThrownBy(() -> DdpgConfig.preset(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("valid: ddpg, td3, td3+bc");
    }

    @Test
    void td3BcIsTd3WithTheBehaviourCloningTermOfAlpha2Point5() {
        DdpgConfig c = DdpgConfig.td3Bc();
        assertThat(c.bcAlpha()).isEqualTo(2.5);
        assertThat(c.behaviourCloning()).isTrue();
        assertThat(c.algorithmName()).isEqualTo("td3+bc");
        assertThat(c).isEqualTo(DdpgConfig.td3().with(Map.of("bc-alpha", "2.5")));
        assertThat(DdpgConfig.td3().bcAlpha()).isZero();
        assertThat(DdpgConfig.ddpg().bcAlpha()).isZero();
        assertThat(DdpgConfig.td3().behaviourCloning()).isFalse();
        assertThat(c.with(Map.of("bc-alpha", "0")).algorithmName()).isEqualTo("td3");
        assertThat(DdpgConfig.ddpg().with(Map.of("bc-alpha", "1")).algorithmName()).isEqualTo("ddpg+bc");
    }

    @Test
    void withParsesEveryValueTypeAndKeepsTheOtherKeys() {
        DdpgConfig base = DdpgConfig.ddpg();
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("actor-hidden", " 400x300 ");
        overrides.put("critic-hidden", "256, 256,128");
        overrides.put("actor-lr", "3e-4");
        overrides.put("gamma", " 0.95 ");
        overrides.put("buffer-capacity", "200_000");
        overrides.put("batch-size", "256");
        overrides.put("twin-critics", "TRUE");
        overrides.put("bc-alpha", "0.5");
        overrides.put("noise", "Ou");
        overrides.put("noise-sigma", "0.8");
        overrides.put("noise-decay", "0.97");
        overrides.put("divergence-window", "50");
        overrides.put("divergence-factor", "20");
        overrides.put("eval-withhold-margin", "Infinity");
        DdpgConfig c = base.with(overrides);

        DdpgConfig expected = new DdpgConfig(List.of(400, 300), List.of(256, 256, 128), 3e-4, base.criticLr(), 0.95,
                base.tau(), 256, 200_000, base.learningStarts(), base.replayRatio(), base.criticL2(),
                base.policyDelay(), true, base.targetNoise(), base.targetNoiseClip(), 0.5,
                new ExplorationConfig(NoiseType.OU, 0.8, base.exploration().noiseSigmaMin(), 0.97,
                        base.exploration().ouTheta()),
                new GuardConfig(50, 20.0, base.guard().maxConsecutiveTrips(), Double.POSITIVE_INFINITY));
        assertThat(c).isEqualTo(expected);
        // the base is untouched and an empty override changes nothing
        assertThat(base).isEqualTo(DdpgConfig.ddpg());
        assertThat(base.with(Map.of())).isEqualTo(base);
    }

    @Test
    void keysAreMatchedIgnoringCaseAndSurroundingBlanks() {
        assertThat(DdpgConfig.ddpg().with(Map.of(" Actor-LR ", "0.01")).actorLr()).isEqualTo(0.01);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"actor_lr", "actorLr", "lr", "sigma"})
    void unknownKeyListsTheValidOnes(String key) {
        assertThatThrownBy(() -> DdpgConfig.ddpg().with(Map.of(key, "1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown setting '" + key + "' for DdpgConfig, valid: actor-hidden, critic-hidden,")
                .hasMessageEndingWith("noise-decay, ou-theta, divergence-window, divergence-factor,"
                        + " max-consecutive-trips, eval-withhold-margin");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "batch-size     | 12.5  | batch-size must be an integer, got '12.5'",
        "batch-size     | ''    | batch-size must be an integer, got ''",
        "actor-lr       | fast  | actor-lr must be a number, got 'fast'",
        "actor-hidden   | 64,ab | actor-hidden must be a comma-separated list of integers such as 256,256, got '64,ab'",
        "twin-critics   | yes   | twin-critics must be true or false, got 'yes'",
        "noise          | pink  | noise must be one of [gaussian, ou], got 'pink'",
    })
    void unparsableValuesAreRejectedNamingTheKey(String key, String value, String message) {
        assertThatThrownBy(() -> DdpgConfig.ddpg().with(Map.of(key, value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    /**
     * One bad value at a time on top of the ddpg defaults (buffer 1,000,000, learning-starts 1,000,
     * noise-sigma 0.1). Integer ranges print as integers, double ranges as Java doubles.
     */
    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "actor-lr          | 0          | (0.0, 1.0]",
        "actor-lr          | -1e-3      | (0.0, 1.0]",
        "actor-lr          | 1.5        | (0.0, 1.0]",
        "critic-lr         | 0          | (0.0, 1.0]",
        "critic-lr         | 2          | (0.0, 1.0]",
        "gamma             | -0.01      | [0.0, 1.0]",
        "gamma             | 1.01       | [0.0, 1.0]",
        "tau               | 0          | (0.0, 1.0]",
        "tau               | 1.1        | (0.0, 1.0]",
        "batch-size        | 0          | [1, 65536]",
        "batch-size        | 65537      | [1, 65536]",
        "buffer-capacity   | 0          | [1, 100000000]",
        "buffer-capacity   | 100000001  | [1, 100000000]",
        "learning-starts   | 0          | [1, buffer-capacity=1000000]",
        "learning-starts   | 1000001    | [1, buffer-capacity=1000000]",
        "replay-ratio      | 0          | (0.0, 1024.0]",
        "replay-ratio      | 1024.5     | (0.0, 1024.0]",
        "critic-l2         | -0.001     | [0.0, 1.0]",
        "critic-l2         | 1.5        | [0.0, 1.0]",
        "policy-delay      | 0          | [1, 1000]",
        "policy-delay      | 1001       | [1, 1000]",
        "target-noise      | -0.1       | [0.0, 10.0]",
        "target-noise      | 10.5       | [0.0, 10.0]",
        "target-noise-clip | -0.1       | [0.0, 10.0]",
        "target-noise-clip | 11         | [0.0, 10.0]",
        "bc-alpha          | -0.5       | [0.0, 1000.0]",
        "bc-alpha          | 1000.5     | [0.0, 1000.0]",
        "bc-alpha          | NaN        | [0.0, 1000.0]",
        "noise-sigma       | -0.1       | [0.0, 10.0]",
        "noise-sigma       | 10.5       | [0.0, 10.0]",
        "noise-sigma-min   | -0.01      | [0.0, noise-sigma=0.1]",
        "noise-sigma-min   | 0.2        | [0.0, noise-sigma=0.1]",
        "noise-decay       | 0          | (0.0, 1.0]",
        "noise-decay       | 1.5        | (0.0, 1.0]",
        "ou-theta          | 0          | (0.0, 1.0]",
        "ou-theta          | 1.01       | (0.0, 1.0]",
        "divergence-window | 9          | [10, 1000000]",
        "divergence-window | 1000001    | [10, 1000000]",
        "divergence-factor | 1          | (1.0, Infinity]",
        "divergence-factor | NaN        | (1.0, Infinity]",
        "max-consecutive-trips | 0      | [1, 1000000]",
        "eval-withhold-margin | -1      | [0.0, Infinity]",
        "eval-withhold-margin | NaN     | [0.0, Infinity]",
    })
    void outOfRangeValueNamesKeyAndRange(String key, String value, String range) {
        assertThatThrownBy(() -> DdpgConfig.ddpg().with(Map.of(key, value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(key + " must be in " + range + ", got ");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"actor-lr", "critic-lr", "gamma", "tau", "replay-ratio", "critic-l2", "target-noise",
        "target-noise-clip", "bc-alpha", "noise-sigma", "noise-sigma-min", "noise-decay", "ou-theta"})
    void nonFiniteValuesAreRejectedForEveryBoundedDouble(String key) {
        for (String value : List.of("NaN", "Infinity", "-Infinity")) {
            assertThatThrownBy(() -> DdpgConfig.ddpg().with(Map.of(key, value)))
                    .as("%s=%s", key, value)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(key + " must be in ")
                    .hasMessageEndingWith(", got " + value);
        }
    }

    /** The ends of the closed ranges and the closed ends of half-open ones are allowed. */
    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "actor-lr          | 1",
        "actor-lr          | 1e-12",
        "critic-lr         | 1",
        "gamma             | 0",
        "gamma             | 1",
        "tau               | 1",
        "batch-size        | 1",
        "batch-size        | 65536",
        "buffer-capacity   | 100000000",
        "learning-starts   | 1",
        "learning-starts   | 1000000",
        "replay-ratio      | 1024",
        "critic-l2         | 0",
        "critic-l2         | 1",
        "policy-delay      | 1",
        "policy-delay      | 1000",
        "target-noise      | 0",
        "target-noise      | 10",
        "target-noise-clip | 0",
        "target-noise-clip | 10",
        "bc-alpha          | 0",
        "bc-alpha          | 1000",
        "noise-sigma-min   | 0",
        "noise-sigma-min   | 0.1",
        "noise-decay       | 1",
        "ou-theta          | 1",
        "actor-hidden      | 1",
        "actor-hidden      | 8192",
        "critic-hidden     | 1 1 1 1 1 1 1 1",
        "divergence-window | 10",
        "divergence-factor | 1.0001",
        "divergence-factor | Infinity",
        "max-consecutive-trips | 1",
        "eval-withhold-margin | 0",
        "eval-withhold-margin | Infinity",
    })
    void boundaryValuesAreAccepted(String key, String value) {
        assertThatCode(() -> DdpgConfig.ddpg().with(Map.of(key, value))).doesNotThrowAnyException();
    }

    @Test
    void noiseSigmaAcceptsItsRangeOnceTheFloorFits() {
        // noise-sigma is checked before noise-sigma-min, whose upper end is noise-sigma itself
        assertThatCode(() -> DdpgConfig.ddpg().with(Map.of("noise-sigma", "10"))).doesNotThrowAnyException();
        assertThatCode(() -> DdpgConfig.ddpg().with(Map.of("noise-sigma", "0", "noise-sigma-min", "0")))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> DdpgConfig.ddpg().with(Map.of("noise-sigma", "0.05")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("noise-sigma-min must be in [0.0, noise-sigma=0.05], got 0.1");
    }

    @Test
    void rangesThatDependOnAnotherKeyNameIt() {
        // learning-starts may not exceed the buffer capacity
        assertThatThrownBy(() -> DdpgConfig.ddpg().with(Map.of("buffer-capacity", "500")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("learning-starts must be in [1, buffer-capacity=500], got 1000");
        // a batch may not be larger than the buffer
        assertThatThrownBy(() -> DdpgConfig.ddpg().with(Map.of("buffer-capacity", "100", "learning-starts", "50")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("batch-size must be in [1, buffer-capacity=100], got 128");
        // the edge: a batch as large as the buffer is fine, one more is not
        assertThatCode(() -> DdpgConfig.ddpg().with(Map.of("buffer-capacity", "128", "learning-starts", "128")))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> DdpgConfig.ddpg().with(Map.of("buffer-capacity", "127", "learning-starts", "127")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("batch-size must be in [1, buffer-capacity=127], got 128");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "actor-hidden  | ''                  | 1 to 8 comma-separated layer widths",
        "actor-hidden  | ' , '               | 1 to 8 comma-separated layer widths",
        "critic-hidden | 1,1,1,1,1,1,1,1,1   | 1 to 8 comma-separated layer widths",
        "actor-hidden  | 64,0                | layer widths each in [1, 8192]",
        "critic-hidden | 8193                | layer widths each in [1, 8192]",
        "critic-hidden | -64                 | layer widths each in [1, 8192]",
    })
    void badLayerListsNameTheKeyAndTheAllowedShape(String key, String value, String range) {
        assertThatThrownBy(() -> DdpgConfig.ddpg().with(Map.of(key, value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(key + " must be " + range + ", got ");
    }

    @Test
    void directConstructionRejectsNullsAndCopiesTheLayerLists() {
        DdpgConfig d = DdpgConfig.ddpg();
        assertThatThrownBy(() -> new DdpgConfig(null, d.criticHidden(), d.actorLr(), d.criticLr(), d.gamma(), d.tau(),
                d.batchSize(), d.bufferCapacity(), d.learningStarts(), d.replayRatio(), d.criticL2(), d.policyDelay(),
                d.twinCritics(), d.targetNoise(), d.targetNoiseClip(), d.bcAlpha(), d.exploration(), d.guard()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("actor-hidden must be 1 to 8 comma-separated layer widths, got null");
        assertThatThrownBy(() -> new DdpgConfig(d.actorHidden(), d.criticHidden(), d.actorLr(), d.criticLr(),
                d.gamma(), d.tau(), d.batchSize(), d.bufferCapacity(), d.learningStarts(), d.replayRatio(),
                d.criticL2(), d.policyDelay(), d.twinCritics(), d.targetNoise(), d.targetNoiseClip(), d.bcAlpha(), null, d.guard()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("exploration must be");
        assertThatThrownBy(() -> new ExplorationConfig(null, 0.1, 0.1, 1.0, 0.15))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("noise must be in {gaussian, ou}, got null");

        List<Integer> widths = new ArrayList<>(List.of(32, 32));
        DdpgConfig c = new DdpgConfig(widths, widths, d.actorLr(), d.criticLr(), d.gamma(), d.tau(), d.batchSize(),
                d.bufferCapacity(), d.learningStarts(), d.replayRatio(), d.criticL2(), d.policyDelay(),
                d.twinCritics(), d.targetNoise(), d.targetNoiseClip(), d.bcAlpha(), d.exploration(), d.guard());
        widths.add(7);
        assertThat(c.actorHidden()).containsExactly(32, 32);
        assertThatThrownBy(() -> c.criticHidden().add(1)).isInstanceOf(UnsupportedOperationException.class);
    }
}
