package io.streamrl.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrl.core.agent.DdpgConfig;
import io.streamrl.core.compute.ComputeBackends;
import io.streamrl.core.policy.ObservationNormalizer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class LearnerConfigTest {

    @Test
    void defaultsNameThePolicyAfterTheGymnasiumIdAndTurnOptionalPartsOff() {
        LearnerConfig c = LearnerConfig.builder("pendulum").build();
        assertThat(c.policyName()).isEqualTo("Pendulum-v1");
        assertThat(c.algorithm()).isEqualTo(DdpgConfig.ddpg());
        assertThat(c.publishEvery()).isEqualTo(100);
        assertThat(c.backend()).isEqualTo(ComputeBackends.defaultName());
        assertThat(c.evalEvery()).isZero();
        assertThat(c.evalEpisodes()).isEqualTo(10);
        assertThat(c.startPosition()).isEqualTo(StartPosition.EARLIEST);
        assertThat(c.metricsHost()).isEqualTo("127.0.0.1");
        assertThat(c.metricsPort()).isEqualTo(-1);
        assertThat(c.progressInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.observationNormalizer()).isEqualTo(ObservationNormalizer.identity(3));
        assertThat(c.envSpec().id()).isEqualTo("Pendulum-v1");
        assertThat(c.actionBox().low()).containsExactly(-2.0);
        assertThat(c.offline()).isFalse();
        assertThat(c.offlineUpdates()).isZero();
        assertThat(c.toLogLine()).endsWith(" mode=online");
    }

    @Test
    void offlineRunsTakeAFixedNumberOfUpdatesAndReadFromTheBeginning() {
        LearnerConfig c = LearnerConfig.builder("pendulum").offline(12_000).build();
        assertThat(c.offline()).isTrue();
        assertThat(c.offlineUpdates()).isEqualTo(12_000);
        assertThat(c.toLogLine()).endsWith(" mode=offline updates=12000 normalize-observations=false");
        assertRejected(b -> b.offline(0), "updates must be in [1, 1000000000000], got 0");
        // TD3+BC standardises the log's observations by default (Fujimoto and Gu 2021, section 5).
        assertThat(LearnerConfig.builder("pendulum").algorithm(DdpgConfig.td3Bc()).offline(10).build()
                .standardizeObservations()).isTrue();
        assertThat(LearnerConfig.builder("pendulum").algorithm(DdpgConfig.td3Bc()).offline(10)
                .standardizeObservations(false).build().standardizeObservations()).isFalse();
        assertThat(LearnerConfig.builder("pendulum").algorithm(DdpgConfig.td3()).offline(10).build()
                .standardizeObservations()).isFalse();
        assertThat(LearnerConfig.builder("pendulum").algorithm(DdpgConfig.td3()).offline(10)
                .standardizeObservations(true).build().standardizeObservations()).isTrue();
        assertThat(LearnerConfig.builder("pendulum").algorithm(DdpgConfig.td3Bc()).build()
                .standardizeObservations()).as("never online").isFalse();
        assertRejected(b -> b.standardizeObservations(true), "normalize-observations applies to --offline runs only");
        assertRejected(b -> b.offline(-5), "updates must be in [1, 1000000000000], got -5");
        assertRejected(b -> b.offline(10).startPosition(StartPosition.LATEST),
                "start-position must be earliest offline");
    }

    @Test
    void keepsWhatTheBuilderWasGiven() {
        DdpgConfig td3 = DdpgConfig.td3();
        ObservationNormalizer n = new ObservationNormalizer(new float[] {0f, 0f}, new float[] {1f, 10f});
        LearnerConfig c = LearnerConfig.builder("MountainCarContinuous-v0").algorithm(td3).seed(42)
                .policyName("car").publishEvery(7).backend(" ND4J ").evalEvery(500).evalEpisodes(3)
                .startPosition(StartPosition.LATEST).ingestThreads(2).metricsHost("0.0.0.0").metricsPort(0).progressInterval(Duration.ofMillis(250))
                .observationNormalizer(n).checkpoint(new CheckpointConfig(Path.of("ck"), 10, 2)).build();
        assertThat(c).isEqualTo(new LearnerConfig("MountainCarContinuous-v0", td3, 42, "car", 7, "nd4j", 500, 3,
                StartPosition.LATEST, 2, "0.0.0.0", 0, Duration.ofMillis(250), n,
                Optional.of(new CheckpointConfig(Path.of("ck"), 10, 2)), 0, false));
        assertThat(LearnerConfig.builder("pendulum").build().checkpoint()).isEmpty();
        assertThat(c.toLogLine()).contains("checkpoint-dir=ck checkpoint-every=10 checkpoint-keep=2", "policy-name=car", "publish-every=7", "backend=nd4j", "eval-every=500",
                "start-position=latest", "ingest-threads=2", "metrics-host=0.0.0.0", "progress-interval=250ms");
    }

    @Test
    void rejectsUnknownAndDiscreteEnvironments() {
        assertThatThrownBy(() -> LearnerConfig.builder("acrobot").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("env: unknown environment 'acrobot'")
                .hasMessageContaining("pendulum");
        assertThatThrownBy(() -> LearnerConfig.builder("cartpole").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("env is CartPole-v1")
                .hasMessageContaining("continuous (Box) action space");
    }

    /** The names of core's PolicyNameTest: the learner must refuse exactly what actors refuse. */
    @Test
    void publishesOnlyNamesThatActorsAccept() {
        String longest = "Az09._-".repeat(19).substring(0, 128);
        assertThat(LearnerConfig.builder("pendulum").policyName(longest).build().policyName()).isEqualTo(longest);
        for (String bad : Arrays.asList("", " ", " padded", "two words", "a/b", "a:b", "tab\t", "ümlaut",
                "p".repeat(129))) {
            assertThatThrownBy(() -> LearnerConfig.builder("pendulum").policyName(bad).build())
                    .as("%s", bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("policy-name must be 1 to 128 characters from [A-Za-z0-9._-], got '" + bad + "'");
        }
    }

    @Test
    void everyBadValueNamesItsOption() {
        assertRejected(b -> b.algorithm(null), "algorithm must be set");
        assertRejected(b -> b.policyName(" "), "policy-name must be 1 to 128 characters from [A-Za-z0-9._-], got ' '");
        assertRejected(b -> b.policyName(" padded"), "policy-name");
        assertRejected(b -> b.policyName("p".repeat(201)), "policy-name");
        assertRejected(b -> b.publishEvery(0), "publish-every must be in [1, 1000000000], got 0");
        assertRejected(b -> b.backend("gpu"), "backend must be one of [vector, nd4j, scalar], got 'gpu'");
        assertRejected(b -> b.backend(null), "backend must be one of");
        assertRejected(b -> b.evalEvery(-1), "eval-every must be in [0, 1000000000], got -1");
        assertRejected(b -> b.evalEpisodes(0), "eval-episodes must be in [1, 10000], got 0");
        assertRejected(b -> b.startPosition(null), "start-position must be one of [EARLIEST, LATEST]");
        assertRejected(b -> b.metricsHost(" "), "metrics-host must be a host name or address");
        assertRejected(b -> b.metricsPort(-2), "metrics-port must be in [-1, 65535], got -2");
        assertRejected(b -> b.metricsPort(65_536), "metrics-port must be in [-1, 65535], got 65536");
        assertRejected(b -> b.progressInterval(Duration.ofMillis(99)), "progress-interval must be in");
        assertRejected(b -> b.progressInterval(Duration.ofHours(2)), "progress-interval must be in");
        assertRejected(b -> b.progressInterval(null), "progress-interval must be in");
        assertRejected(b -> b.observationNormalizer(ObservationNormalizer.identity(2)),
                "observation-normalizer must have 3 entries (the observation size of Pendulum-v1), got 2");
        assertThatThrownBy(() -> new CheckpointConfig(Path.of("c"), 0, 3))
                .hasMessage("checkpoint-every must be in [1, 1000000000], got 0");
        assertThatThrownBy(() -> new CheckpointConfig(Path.of("c"), 10, 0))
                .hasMessage("checkpoint-keep must be in [1, 1000], got 0");
        assertThatThrownBy(() -> new CheckpointConfig(Path.of(""), 10, 3))
                .hasMessage("checkpoint-dir must be a directory path, got ''");
        assertThatThrownBy(() -> new CheckpointConfig(null, 10, 3))
                .hasMessage("checkpoint-dir must be a directory path, got none");
    }

    private static void assertRejected(UnaryOperator<LearnerConfig.Builder> change, String message) {
        assertThatThrownBy(() -> change.apply(LearnerConfig.builder("pendulum")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
