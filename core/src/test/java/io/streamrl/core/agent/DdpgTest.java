package io.streamrl.core.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrl.core.compute.ComputeBackend;
import io.streamrl.core.compute.ComputeBackends;
import io.streamrl.core.compute.Matrix;
import io.streamrl.core.nn.NonFiniteUpdateException;
import io.streamrl.core.replay.Batch;
import io.streamrl.core.replay.ReplayBuffer;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Direction and safety of single DDPG/TD3 updates; learning itself is tested on Pendulum. */
class DdpgTest {

    private static final int OBS = 3;
    private static final int ACT = 1;

    private ComputeBackend backend;

    @BeforeEach
    void setUp() {
        backend = ComputeBackends.create(ComputeBackends.VECTOR);
    }

    @AfterEach
    void tearDown() {
        backend.close();
    }

    @Test
    void criticStepsReduceTheTdErrorOnAFixedBatch() {
        // Actor frozen by a huge policy delay; gamma 0 makes the target the reward itself.
        DdpgConfig config = DdpgConfig.ddpg().with(Map.of("gamma", "0", "policy-delay", "1000", "critic-lr", "1e-3",
                "batch-size", "32"));
        Ddpg agent = new Ddpg(config, OBS, ACT, backend, new SplittableRandom(7));
        Batch batch = randomBatch(32, 11);
        double first = agent.update(batch).criticLoss();
        double last = first;
        for (int i = 0; i < 200; i++) {
            last = agent.update(batch).criticLoss();
        }
        assertThat(last).isLessThan(first * 0.2);
    }

    @Test
    void actorStepIncreasesTheCriticsValueOfThePolicy() {
        DdpgConfig config = DdpgConfig.ddpg().with(Map.of("policy-delay", "1", "actor-lr", "1e-3", "critic-lr",
                "1e-12", "batch-size", "64"));
        Ddpg agent = new Ddpg(config, OBS, ACT, backend, new SplittableRandom(3));
        Batch batch = randomBatch(64, 5);
        // With a critic that barely moves, -mean Q(s, mu(s)) must fall step after step.
        double before = agent.update(batch).actorLoss();
        double after = before;
        for (int i = 0; i < 50; i++) {
            after = agent.update(batch).actorLoss();
        }
        assertThat(after).isLessThan(before - 1e-4);
    }

    @Test
    void td3BcActorStepsPullThePolicyTowardsTheLoggedActions() {
        // A tiny alpha leaves mostly the cloning term (pi(s) - a)^2; the critic barely moves.
        DdpgConfig config = DdpgConfig.td3Bc().with(Map.of("policy-delay", "1", "actor-lr", "1e-3", "critic-lr",
                "1e-12", "batch-size", "64", "bc-alpha", "1e-3"));
        Ddpg agent = new Ddpg(config, OBS, ACT, backend, new SplittableRandom(3));
        Batch batch = randomBatch(64, 5);
        double before = meanSquaredGap(agent, batch);
        for (int i = 0; i < 200; i++) {
            agent.update(batch);
        }
        double after = meanSquaredGap(agent, batch);
        assertThat(after).isLessThan(before * 0.8);
        // The same steps without the cloning term do not close the gap.
        Ddpg plain = new Ddpg(config.with(Map.of("bc-alpha", "0")), OBS, ACT, backend, new SplittableRandom(3));
        for (int i = 0; i < 200; i++) {
            plain.update(batch);
        }
        assertThat(meanSquaredGap(plain, batch)).isGreaterThan(after * 1.2);
    }

    private static double meanSquaredGap(Ddpg agent, Batch batch) {
        double s = 0;
        for (int i = 0; i < batch.size(); i++) {
            float[] o = new float[OBS];
            System.arraycopy(batch.observations(), i * OBS, o, 0, OBS);
            double d = agent.act(o)[0] - batch.actions()[i];
            s += d * d;
        }
        return s / batch.size();
    }

    @Test
    void policyDelayUpdatesTheActorEveryNthStep() {
        DdpgConfig config = DdpgConfig.td3().with(Map.of("batch-size", "16", "policy-delay", "3"));
        Ddpg agent = new Ddpg(config, OBS, ACT, backend, new SplittableRandom(1));
        Batch batch = randomBatch(16, 2);
        float[] actorBefore = agent.actor().parametersToArray();
        assertThat(agent.update(batch).actorUpdated()).isFalse();
        assertThat(agent.update(batch).actorUpdated()).isFalse();
        assertThat(agent.actor().parametersToArray()).isEqualTo(actorBefore);
        assertThat(agent.update(batch).actorUpdated()).isTrue();
        assertThat(agent.actor().parametersToArray()).isNotEqualTo(actorBefore);
        assertThat(agent.updates()).isEqualTo(3);
        assertThat(config.algorithmName()).isEqualTo("td3");
    }

    @Test
    void nonFiniteDataIsRefusedAndLeavesTheNetworksUnchanged() {
        DdpgConfig config = DdpgConfig.ddpg().with(Map.of("batch-size", "8", "policy-delay", "1"));
        Ddpg agent = new Ddpg(config, OBS, ACT, backend, new SplittableRandom(9));
        Batch batch = randomBatch(8, 4);
        batch.rewards()[3] = Float.NaN;
        float[] critic = agent.critic().parametersToArray();
        float[] actor = agent.actor().parametersToArray();
        assertThatThrownBy(() -> agent.update(batch))
                .isInstanceOf(NonFiniteUpdateException.class)
                .hasMessageContaining("not finite")
                .hasMessageContaining("unchanged");
        assertThat(agent.critic().parametersToArray()).isEqualTo(critic);
        assertThat(agent.actor().parametersToArray()).isEqualTo(actor);
    }

    @Test
    void actRejectsAnObservationOfTheWrongLength() {
        Ddpg agent = new Ddpg(DdpgConfig.ddpg(), OBS, ACT, backend, new SplittableRandom(1));
        assertThatThrownBy(() -> agent.act(new float[] {1f, 2f}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("observation must have 3 values, got 2");
        float[] a = agent.act(new float[] {1f, 0f, 0.5f});
        assertThat(a).hasSize(1);
        assertThat(a[0]).isBetween(-1f, 1f);
    }

    @Test
    void targetNetworksTrailTheLearnedOnesByTau() {
        DdpgConfig config = DdpgConfig.ddpg().with(Map.of("batch-size", "8", "policy-delay", "1", "tau", "0.5"));
        Ddpg agent = new Ddpg(config, OBS, ACT, backend, new SplittableRandom(12));
        Batch batch = randomBatch(8, 6);
        // Same seed twice: the target after one update is 0.5 * (old + new) of the actor.
        Ddpg twin = new Ddpg(config, OBS, ACT, backend, new SplittableRandom(12));
        float[] before = twin.actor().parametersToArray();
        agent.update(batch);
        float[] after = agent.actor().parametersToArray();
        Matrix probe = backend.fromArray(1, OBS, new float[] {0.3f, -0.2f, 1.1f});
        // Evaluate the target through a fresh agent whose actor holds the expected average.
        float[] expected = new float[before.length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = before[i] * 0.5f + after[i] * 0.5f;
        }
        twin.actor().loadParameters(expected);
        assertThat(agent.targetActorOutput(probe)).isEqualTo(twin.actor().forward(probe).toArray());
    }

    static Batch randomBatch(int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        ReplayBuffer buffer = new ReplayBuffer(size, OBS, ACT);
        for (int i = 0; i < size; i++) {
            float[] o = {(float) r.nextDouble(-1, 1), (float) r.nextDouble(-1, 1), (float) r.nextDouble(-8, 8)};
            float[] n = {(float) r.nextDouble(-1, 1), (float) r.nextDouble(-1, 1), (float) r.nextDouble(-8, 8)};
            buffer.add(o, new float[] {(float) r.nextDouble(-1, 1)}, -r.nextDouble(0, 16), n, false);
        }
        Batch batch = new Batch(size, OBS, ACT);
        buffer.sample(batch, new SplittableRandom(seed + 1));
        return batch;
    }
}
