package io.streamrl.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrl.core.noise.NoiseType;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ActorConfigTest {

    @Test
    void defaultsFollowTheEnvironmentAndDdpgsConstantGaussianNoise() {
        ActorConfig config = ActorConfig.builder("actor-1", "pendulum", 7).build();

        assertThat(config.actorId()).isEqualTo("actor-1");
        assertThat(config.env()).isEqualTo("Pendulum-v1");
        assertThat(config.seed()).isEqualTo(7);
        assertThat(config.policyName()).isEqualTo("Pendulum-v1");
        assertThat(config.exploration().noise()).isEqualTo(NoiseType.GAUSSIAN);
        assertThat(config.exploration().schedule().sigma(0)).isEqualTo(0.1);
        assertThat(config.exploration().schedule().sigma(1_000)).isEqualTo(0.1);
        assertThat(config.exploration().ouTheta()).isEqualTo(0.15);
        assertThat(config.maxPolicyLag()).isEqualTo(500);
        assertThat(config.warmupSteps()).isEqualTo(2_000);
        assertThat(config.stepAllowance(-1)).isEqualTo(2_000);
        assertThat(config.stepAllowance(7)).isEqualTo(500);
        assertThat(config.policyWait()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.maxSteps()).isZero();
        assertThat(config.metricsHost()).isEqualTo("127.0.0.1");
        assertThat(config.metricsPort()).isEqualTo(-1);
        assertThat(config.toLogLine()).contains("actor-id=actor-1", "env=Pendulum-v1", "max-policy-lag=500",
                "noise=gaussian");
    }

    @Test
    void aDecayAloneDecaysTowardsTheDefaultFloorAndASmallScaleIsItsOwnFloor() {
        ActorConfig decaying = ActorConfig.builder("a", "pricing", 1).noiseSigma(0.4).noiseDecay(0.5).build();
        assertThat(decaying.exploration().noiseSigmaMin()).isEqualTo(0.1);
        assertThat(decaying.exploration().schedule().sigma(1)).isEqualTo(0.2);
        assertThat(decaying.exploration().schedule().sigma(3)).isEqualTo(0.1);

        ActorConfig small = ActorConfig.builder("a", "pricing", 1).noiseSigma(0.05).build();
        assertThat(small.exploration().noiseSigmaMin()).isEqualTo(0.05);
    }

    @Test
    void anExplicitPolicyNameIsKept() {
        assertThat(ActorConfig.builder("a", "mountaincar", 1).policyName("mc-td3").build().policyName())
                .isEqualTo("mc-td3");
    }

    /** The names of core's PolicyNameTest: an actor accepts exactly what a learner may publish. */
    @Test
    void followsEveryNameALearnerMayPublishAndNoOther() {
        String longest = "Az09._-".repeat(19).substring(0, 128);
        assertThat(ActorConfig.builder("a", "pendulum", 1).policyName(longest).build().policyName())
                .isEqualTo(longest);
        for (String bad : Arrays.asList("", " ", " padded", "two words", "a/b", "a:b", "tab\t", "ümlaut",
                "p".repeat(129))) {
            rejects(b -> b.policyName(bad), "a", "policy-name must be 1 to 128 characters from [A-Za-z0-9._-], got '"
                    + bad + "'");
        }
    }

    @Test
    void everyBadValueIsReportedWithItsOptionAndRange() {
        rejects(b -> { }, "actor id", "actor-id must be 1 to 128 characters from [A-Za-z0-9._-], got 'actor id'");
        rejects("", "pendulum", "actor-id must be 1 to 128 characters from [A-Za-z0-9._-], got ''");
        rejects("a".repeat(129), "pendulum", "actor-id must be 1 to 128 characters");
        rejects(null, "pendulum", "actor-id must be 1 to 128 characters from [A-Za-z0-9._-], got null");
        rejects("a", "walker", "env: unknown environment 'walker'; valid names (any case): Pendulum-v1");
        rejects("a", "cartpole", "env must have a continuous action space, got CartPole-v1");
        rejects(b -> b.policyName(" "), "a", "policy-name must be 1 to 128 characters from [A-Za-z0-9._-], got ' '");
        rejects(b -> b.noise(null), "a", "noise must be in {gaussian, ou}");
        rejects(b -> b.noiseSigma(-0.1), "a", "noise-sigma must be in [0.0, 10.0], got -0.1");
        rejects(b -> b.noiseSigma(0.1).noiseSigmaMin(0.2), "a", "noise-sigma-min must be in [0.0, noise-sigma=0.1], got 0.2");
        rejects(b -> b.noiseDecay(0), "a", "noise-decay must be in (0.0, 1.0], got 0.0");
        rejects(b -> b.ouTheta(1.5), "a", "ou-theta must be in (0.0, 1.0], got 1.5");
        rejects(b -> b.maxPolicyLag(-1), "a", "max-policy-lag must be in [0, 9223372036854775807], got -1");
        rejects(b -> b.policyWait(Duration.ZERO), "a", "policy-wait must be in (0 s, 60 min], got PT0S");
        rejects(b -> b.policyWait(Duration.ofHours(2)), "a", "policy-wait must be in (0 s, 60 min], got PT2H");
        rejects(b -> b.policyWait(null), "a", "policy-wait must be in (0 s, 60 min], got null");
        rejects(b -> b.maxSteps(-5), "a", "max-steps must be in [0, 9223372036854775807], got -5");
        rejects(b -> b.metricsHost(""), "a", "metrics-host must be a host name or address");
        rejects(b -> b.metricsPort(-2), "a", "metrics-port must be in [-1, 65535], got -2");
        rejects(b -> b.metricsPort(65_536), "a", "metrics-port must be in [-1, 65535], got 65536");
    }

    private static void rejects(Consumer<ActorConfig.Builder> change, String actorId, String... messageParts) {
        ActorConfig.Builder builder = ActorConfig.builder(actorId, "pendulum", 1);
        change.accept(builder);
        assertThatThrownBy(builder::build).isInstanceOf(IllegalArgumentException.class)
                .message().contains(messageParts);
    }

    private static void rejects(String actorId, String env, String message) {
        assertThatThrownBy(() -> ActorConfig.builder(actorId, env, 1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
