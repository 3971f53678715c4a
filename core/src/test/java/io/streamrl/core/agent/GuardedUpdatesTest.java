package io.streamrl.core.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrl.core.compute.ComputeBackend;
import io.streamrl.core.compute.ComputeBackends;
import io.streamrl.core.replay.Batch;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Refusal and rollback of updates: what trips the guard, and what the agent looks like after. */
class GuardedUpdatesTest {

    private static final int OBS = 3;
    private static final int ACT = 1;

    private final ComputeBackend backend = ComputeBackends.create(ComputeBackends.VECTOR);

    @AfterEach
    void tearDown() {
        backend.close();
    }

    @Test
    void aNonFiniteLossRollsEverythingBackSoTrainingContinuesAsIfTheBadUpdatesNeverHappened() {
        // DDPG without target noise draws no random numbers in an update, so two agents of one seed
        // stay identical as long as they see the same batches.
        DdpgConfig config = DdpgConfig.ddpg().with(Map.of("batch-size", "16", "policy-delay", "1"));
        Ddpg guardedAgent = new Ddpg(config, OBS, ACT, backend, new SplittableRandom(4));
        Ddpg twin = new Ddpg(config, OBS, ACT, backend, new SplittableRandom(4));
        GuardedUpdates guarded = new GuardedUpdates(guardedAgent);
        for (int i = 0; i < 20; i++) {
            Batch b = DdpgTest.randomBatch(16, i);
            assertThat(guarded.update(b)).isEmpty();
            twin.update(b);
        }
        assertThat(guarded.checkpoint()).isEmpty();
        for (int i = 0; i < 5; i++) { // accepted, but lost with the rollback below
            assertThat(guarded.update(DdpgTest.randomBatch(16, 100 + i))).isEmpty();
        }
        Batch poisoned = DdpgTest.randomBatch(16, 200);
        poisoned.rewards()[3] = Float.NaN;

        GuardedUpdates.Trip trip = guarded.update(poisoned).orElseThrow();

        assertThat(trip.reason()).isEqualTo(GuardedUpdates.Reason.NON_FINITE_LOSS);
        assertThat(trip.detail()).contains("not finite");
        assertThat(trip.consecutive()).isEqualTo(1);
        assertThat(guarded.trips()).isEqualTo(1);
        assertThat(guardedAgent.actor().parametersToArray()).isEqualTo(twin.actor().parametersToArray());
        assertThat(guardedAgent.critic().parametersToArray()).isEqualTo(twin.critic().parametersToArray());
        // Adam's moments and step count came back too: the next update is bit for bit the twin's.
        Batch next = DdpgTest.randomBatch(16, 300);
        assertThat(guarded.update(next)).isEmpty();
        twin.update(next);
        assertThat(guardedAgent.actor().parametersToArray()).isEqualTo(twin.actor().parametersToArray());
        assertThat(guardedAgent.critic().parametersToArray()).isEqualTo(twin.critic().parametersToArray());
        assertThat(guardedAgent.parametersFinite()).isTrue();
    }

    @Test
    void aCriticLossFarAboveItsRunningMedianIsRefusedAndOneWithinTheFactorIsNot() {
        DdpgConfig config = DdpgConfig.td3().with(Map.of("batch-size", "16", "divergence-window", "20",
                "divergence-factor", "100"));
        Ddpg agent = new Ddpg(config, OBS, ACT, backend, new SplittableRandom(2));
        GuardedUpdates guarded = new GuardedUpdates(agent);
        for (int i = 0; i < 60; i++) {
            assertThat(guarded.update(DdpgTest.randomBatch(16, i))).as("healthy update %d", i).isEmpty();
        }
        assertThat(guarded.checkpoint()).isEmpty();
        float[] actor = agent.actor().parametersToArray();
        float[] critic = agent.critic().parametersToArray();

        // Rewards 3x as large: a loss some 10x the usual, within the factor.
        Batch larger = DdpgTest.randomBatch(16, 500);
        scaleRewards(larger, 3);
        assertThat(guarded.update(larger)).isEmpty();
        // Rewards 1000x as large: finite, but a loss about a million times the median.
        Batch exploding = DdpgTest.randomBatch(16, 501);
        scaleRewards(exploding, 1000);
        GuardedUpdates.Trip trip = guarded.update(exploding).orElseThrow();

        assertThat(trip.reason()).isEqualTo(GuardedUpdates.Reason.LOSS_EXPLOSION);
        assertThat(trip.reason().label()).isEqualTo("loss_explosion");
        assertThat(trip.detail()).contains("times the median").contains("divergence-factor 100");
        assertThat(agent.actor().parametersToArray()).isEqualTo(actor);
        assertThat(agent.critic().parametersToArray()).isEqualTo(critic);
    }

    @Test
    void theCheckpointRefusesNonFiniteWeightsAndKeepsTheLastGoodOnes() {
        DdpgConfig config = DdpgConfig.ddpg().with(Map.of("batch-size", "16"));
        Ddpg agent = new Ddpg(config, OBS, ACT, backend, new SplittableRandom(6));
        GuardedUpdates guarded = new GuardedUpdates(agent);
        float[] initial = agent.actor().parametersToArray();
        float[] broken = initial.clone();
        broken[broken.length - 1] = Float.POSITIVE_INFINITY; // as a weight that overflowed would be
        agent.actor().loadParameters(broken);
        assertThat(agent.parametersFinite()).isFalse();

        GuardedUpdates.Trip first = guarded.checkpoint().orElseThrow();
        assertThat(first.reason()).isEqualTo(GuardedUpdates.Reason.NON_FINITE_WEIGHTS);
        assertThat(agent.actor().parametersToArray()).isEqualTo(initial);
        assertThat(agent.parametersFinite()).isTrue();
        // Refusals count in a row until a checkpoint passes.
        agent.actor().loadParameters(broken);
        assertThat(guarded.checkpoint().orElseThrow().consecutive()).isEqualTo(2);
        assertThat(guarded.checkpoint()).isEmpty();
        agent.actor().loadParameters(broken);
        assertThat(guarded.checkpoint().orElseThrow().consecutive()).isEqualTo(1);
        assertThat(Arrays.equals(agent.actor().parametersToArray(), initial)).isTrue();
    }

    private static void scaleRewards(Batch batch, float factor) {
        float[] r = batch.rewards();
        for (int i = 0; i < r.length; i++) {
            r[i] *= factor;
        }
    }
}
