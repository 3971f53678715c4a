package io.streamrl.actor.serve;

import static io.streamrl.actor.TestPolicies.PENDULUM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamrl.actor.TestPolicies;
import io.streamrl.core.env.EnvSpec;
import io.streamrl.core.env.Envs;
import io.streamrl.core.policy.ActionScaling;
import io.streamrl.core.policy.PolicySnapshot;
import io.streamrl.schemas.avro.DecisionMode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class DecisionEngineTest {

    private static final EnvSpec SPEC = Envs.spec("pendulum");
    private static final float[] STATE = {0.5f, -0.5f, 1.0f};
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC);

    private final PolicyHistory history = new PolicyHistory(4);
    private final AtomicReference<Guardrails> guardrails = new AtomicReference<>(Guardrails.NONE);

    private DecisionEngine engine(double[] fallback, double sigma) {
        return new DecisionEngine(SPEC, history, guardrails::get, fallback, sigma, new SplittableRandom(7), CLOCK);
    }

    private static Guardrails with(double[] low, double[] high, Double maxChange, double holdout, boolean shadow,
                                   Long pinned, boolean kill, double[] fallback) {
        return new Guardrails(5, low, high, maxChange, holdout, shadow, pinned, kill, fallback);
    }

    @Test
    void withoutPolicyOrFallbackTheDecisionIsUnavailableAndSaysWhatToConfigure() {
        assertThatThrownBy(() -> engine(null, 0.1).decide("shop-1", STATE, null, true))
                .isInstanceOf(DecisionEngine.Unavailable.class)
                .hasMessageContaining("no policy has been published yet")
                .hasMessageContaining("--fallback-action");
    }

    @Test
    void withoutPolicyTheFallbackAnswers() {
        DecisionResult d = engine(new double[] {0.5}, 0.1).decide("shop-1", STATE, null, true);

        assertThat(d.mode()).isEqualTo(DecisionMode.FALLBACK);
        assertThat(d.action()).containsExactly(0.5);
        assertThat(d.policyAction()).isNull();
        assertThat(d.policyVersion()).isEqualTo(-1);
        assertThat(d.logDensity()).isNull();
        assertThat(d.explored()).isFalse();
        assertThat(d.time()).isEqualTo(CLOCK.instant());
        assertThat(DecisionIds.entityOf(d.decisionId())).isEqualTo("shop-1");
    }

    @Test
    void theLearnedPolicyAnswersDeterministicallyUnlessAskedToExplore() {
        PolicySnapshot policy = TestPolicies.pendulum(PENDULUM, 3);
        history.add(policy);
        DecisionEngine engine = engine(null, 0.3);
        double expected = policy.act(STATE)[0];

        DecisionResult quiet = engine.decide("e", STATE, "call-1", false);
        assertThat(quiet.mode()).isEqualTo(DecisionMode.LEARNED);
        assertThat(quiet.policyVersion()).isEqualTo(3);
        assertThat(quiet.action()[0]).isCloseTo(expected, within(1e-6));
        assertThat(quiet.policyAction()[0]).isCloseTo(expected, within(1e-6));
        assertThat(quiet.explored()).isFalse();
        assertThat(quiet.logDensity()).isNull();
        assertThat(quiet.decisionId()).endsWith(".call-1");

        DecisionResult noisy = engine.decide("e2", STATE, null, true);
        assertThat(noisy.explored()).isTrue();
        assertThat(noisy.policyAction()[0]).isCloseTo(expected, within(1e-6));
        assertThat(noisy.action()[0]).isNotEqualTo(noisy.policyAction()[0]);
        // Gaussian in normalised units: the density of the answered action around the policy's own.
        double a = ActionScaling.toNormalized(new float[] {(float) noisy.action()[0]}, new double[] {-2},
                new double[] {2})[0];
        double mu = ActionScaling.toNormalized(new float[] {(float) expected}, new double[] {-2}, new double[] {2})[0];
        double z = (a - mu) / 0.3;
        assertThat(noisy.logDensity()).isCloseTo(-0.5 * z * z - Math.log(0.3 * Math.sqrt(2 * Math.PI)), within(1e-4));
    }

    @Test
    void theKillSwitchShadowAndHoldoutAnswerWithTheFallbackAndLogTheLearnedAction() {
        history.add(TestPolicies.pendulum(PENDULUM, 1));
        DecisionEngine engine = engine(new double[] {1.25}, 0.1);

        guardrails.set(with(null, null, null, 0, false, null, true, null));
        DecisionResult killed = engine.decide("e", STATE, null, true);
        assertThat(killed.mode()).isEqualTo(DecisionMode.FALLBACK);
        assertThat(killed.action()).containsExactly(1.25);
        assertThat(killed.policyAction()).isNotNull();

        guardrails.set(with(null, null, null, 0, true, null, false, new double[] {-0.75}));
        DecisionResult shadow = engine.decide("e", STATE, null, true);
        assertThat(shadow.mode()).isEqualTo(DecisionMode.SHADOW);
        assertThat(shadow.action()).as("the control topic's fallback wins over serve's own").containsExactly(-0.75);
        assertThat(shadow.policyAction()[0]).isCloseTo(TestPolicies.pendulum(PENDULUM, 1).act(STATE)[0], within(1e-6));
        assertThat(shadow.explored()).isFalse();
        assertThat(shadow.controlRevision()).isEqualTo(5);

        guardrails.set(with(null, null, null, 1.0, false, null, false, null));
        assertThat(engine.decide("any", STATE, null, true).mode()).isEqualTo(DecisionMode.HOLDOUT);
    }

    @Test
    void holdoutIsAStableShareOfEntitiesTheSameOnEveryInstance() {
        history.add(TestPolicies.pendulum(PENDULUM, 1));
        guardrails.set(with(null, null, null, 0.3, false, null, false, new double[] {0}));
        DecisionEngine first = engine(null, 0.1);
        DecisionEngine second = new DecisionEngine(SPEC, history, guardrails::get, null, 0.1, new SplittableRandom(99),
                CLOCK);
        int held = 0;
        int n = 4_000;
        for (int i = 0; i < n; i++) {
            String entity = "shop-" + i;
            DecisionMode mode = first.decide(entity, STATE, null, true).mode();
            assertThat(second.decide(entity, STATE, null, true).mode()).isEqualTo(mode);
            assertThat(first.decide(entity, STATE, null, false).mode()).isEqualTo(mode);
            held += mode == DecisionMode.HOLDOUT ? 1 : 0;
        }
        // Binomial(4000, 0.3): standard deviation 29; 5 sigma is 145.
        assertThat(held).isBetween(1_200 - 145, 1_200 + 145);
    }

    @Test
    void aPinnedVersionAnswersWhileHeldAndTheFallbackOtherwise() {
        history.add(TestPolicies.pendulum(PENDULUM, 1));
        history.add(TestPolicies.pendulum(PENDULUM, 2));
        DecisionEngine engine = engine(new double[] {0.0}, 0.1);

        guardrails.set(with(null, null, null, 0, false, 1L, false, null));
        DecisionResult pinned = engine.decide("e", STATE, null, false);
        assertThat(pinned.policyVersion()).isEqualTo(1);
        assertThat(pinned.action()[0]).isCloseTo(TestPolicies.pendulum(PENDULUM, 1).act(STATE)[0], within(1e-6));

        guardrails.set(with(null, null, null, 0, false, 9L, false, null));
        DecisionResult missing = engine.decide("e", STATE, null, false);
        assertThat(missing.mode()).isEqualTo(DecisionMode.FALLBACK);
        assertThat(missing.policyVersion()).isEqualTo(-1);
    }

    @Test
    void boundsClipTheAnswerAndDropItsDensity() {
        history.add(TestPolicies.pendulum(PENDULUM, 1));
        guardrails.set(with(new double[] {0.1}, new double[] {0.2}, null, 0, false, null, false, null));
        DecisionEngine engine = engine(null, 0.5);
        for (int i = 0; i < 50; i++) {
            DecisionResult d = engine.decide("e" + i, STATE, null, true);
            assertThat(d.action()[0]).isBetween(0.1, 0.2);
            if (d.clipped()) {
                assertThat(d.logDensity()).isNull();
            }
        }
    }

    @Test
    void maxChangeLimitsEachEntitysStepFromItsPreviousAnswer() {
        history.add(TestPolicies.pendulum(PENDULUM, 1));
        DecisionEngine engine = engine(null, 2.0);
        DecisionResult first = engine.decide("e", STATE, null, true);
        engine.answered(first);
        double previous = first.action()[0];
        guardrails.set(with(null, null, 0.05, 0, false, null, false, null));
        int clipped = 0;
        for (int i = 0; i < 100; i++) {
            DecisionResult d = engine.decide("e", STATE, null, true);
            assertThat(Math.abs(d.action()[0] - previous)).isLessThanOrEqualTo(0.05 + 1e-12);
            clipped += d.clipped() ? 1 : 0;
            if (i % 2 == 0) {
                engine.answered(d);
                previous = d.action()[0];
            }
            // Odd decisions are never answered (as when the log refuses them with 503): the bound stays.
        }
        assertThat(clipped).as("noise of sigma 2 moves further than 0.05 almost every time").isGreaterThan(80);
        // Another entity has no history yet: it may start anywhere.
        assertThat(engine.decide("other", STATE, null, true).clipped()).isFalse();
    }

    @Test
    void aFallbackOutsideTheEnvironmentIsRefusedAtStart() {
        assertThatThrownBy(() -> engine(new double[] {3.0}, 0.1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fallback-action");
    }
}
