package io.streamrl.pipeline.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrl.actor.PolicySwap;
import io.streamrl.actor.serve.DecisionEngine;
import io.streamrl.actor.serve.DecisionLog;
import io.streamrl.actor.serve.DecisionResult;
import io.streamrl.actor.serve.DecisionServer;
import io.streamrl.actor.serve.Guardrails;
import io.streamrl.actor.serve.PolicyHistory;
import io.streamrl.core.compute.Activation;
import io.streamrl.core.env.Envs;
import io.streamrl.core.env.PricingEnv;
import io.streamrl.core.policy.ObservationNormalizer;
import io.streamrl.core.policy.PolicySnapshot;
import io.streamrl.kafka.MetricsServer;
import io.streamrl.schemas.avro.DecisionMode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The shops against the real decision API ({@link DecisionServer} and {@link DecisionEngine},
 * with a recording log in place of Kafka): the requests are ones serve accepts, and the modes it
 * answers are the ones the shops classify by.
 */
class PricingShopsServeTest {

    private static final double FALLBACK_PRICE = 10.0;

    private record Reward(String decisionId, String entity, double reward, boolean terminal) {
    }

    /** Keeps what serve would have written to the decisions and rewards topics. */
    private static final class RecordingLog implements DecisionLog {
        final List<DecisionResult> decisions = new CopyOnWriteArrayList<>();
        final List<Reward> rewards = new CopyOnWriteArrayList<>();

        @Override
        public void decided(DecisionResult decision) {
            decisions.add(decision);
        }

        @Override
        public void rewarded(String decisionId, String entity, double reward, boolean terminal, String rewardId) {
            rewards.add(new Reward(decisionId, entity, reward, terminal));
        }

        @Override
        public String unavailableReason() {
            return null;
        }
    }

    /** A small random Pricing-v0 policy: 4 inputs, 8 tanh units, the price in [1, 20]. */
    private static PolicySnapshot policy() {
        int[] sizes = {4, 8, 1};
        SplittableRandom random = new SplittableRandom(5);
        float[] weights = new float[4 * 8 + 8 + 8 + 1];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) (0.5 * random.nextGaussian());
        }
        return PolicySnapshot.create(PricingEnv.ID, "ddpg", 1, 1_700_000_000_000L, sizes, Activation.TANH,
                Activation.TANH, ObservationNormalizer.identity(4), new double[] {PricingEnv.MIN_PRICE},
                new double[] {PricingEnv.MAX_PRICE}, weights);
    }

    @Test
    void serveAcceptsTheShopsRequestsAndItsHoldoutAnswersAreClassifiedAsHoldout() throws Exception {
        PolicyHistory history = new PolicyHistory(PolicyHistory.DEFAULT_CAPACITY);
        Instant now = Instant.now();
        history.onSwap(new PolicySwap(policy(), now, now, now, System.nanoTime()));
        Guardrails guardrails = new Guardrails(1, null, null, null, 0.25, false, null, false,
                new double[] {FALLBACK_PRICE});
        DecisionEngine engine = new DecisionEngine(Envs.spec(PricingEnv.ID), history, () -> guardrails, null, 0.1,
                new SplittableRandom(3), Clock.systemUTC());
        RecordingLog log = new RecordingLog();
        DecisionServer server = DecisionServer.start(engine, log,
                () -> new DecisionServer.PolicyStatus(1L, "test", 0.0, null, false, 1, true),
                MetricsServer.newRegistry(), "127.0.0.1", 0, 4);
        try {
            int shops = 16;
            int days = 6;
            ShopsConfig config = new ShopsConfig("http://127.0.0.1:" + server.port(), shops, days, 0, 10, 0.2, 9);
            List<PricingDay> seen = new ArrayList<>();
            ShopsResult r = new PricingShops(config, Clock.systemUTC()).run(seen::add);

            assertThat(r.decisionFailures().counts()).isEmpty();
            assertThat(r.rewardFailures().counts()).isEmpty();
            assertThat(log.decisions).hasSize(shops * days);
            assertThat(r.rewardsOk()).isEqualTo(r.rewardsScheduled()).isEqualTo(log.rewards.size());
            assertThat(r.rewardsScheduled() + r.rewardsLost()).isEqualTo(shops * days);

            // Holdout is serve's choice (a stable hash of the entity): some shops, every day, at the fallback price.
            Map<String, DecisionMode> modeOf = log.decisions.stream().collect(Collectors.toMap(
                    DecisionResult::entity, DecisionResult::mode, (a, b) -> {
                        assertThat(a).isEqualTo(b);
                        return a;
                    }));
            long holdouts = modeOf.values().stream().filter(m -> m == DecisionMode.HOLDOUT).count();
            assertThat(holdouts).isBetween(1L, shops - 1L);
            assertThat(modeOf.values()).containsOnly(DecisionMode.HOLDOUT, DecisionMode.LEARNED);
            for (PricingDay day : r.days()) {
                assertThat(day.holdout().shops()).isEqualTo(holdouts);
                assertThat(day.learned().shops()).isEqualTo(shops - holdouts);
            }
            assertThat(r.modes()).isEqualTo(Map.of("holdout", holdouts * days, "learned", (shops - holdouts) * days));
            for (DecisionResult d : log.decisions) {
                if (d.mode() == DecisionMode.HOLDOUT) {
                    assertThat(d.action()).containsExactly(FALLBACK_PRICE);
                }
            }

            // Every reward serve took names a decision it answered, for that decision's entity.
            Map<String, DecisionResult> byId = log.decisions.stream()
                    .collect(Collectors.toMap(DecisionResult::decisionId, Function.identity()));
            for (Reward reward : log.rewards) {
                assertThat(byId).containsKey(reward.decisionId());
                assertThat(reward.entity()).isEqualTo(byId.get(reward.decisionId()).entity());
                assertThat(reward.terminal()).isFalse();
            }
        } finally {
            server.close();
        }
    }
}
