package io.streamrl.core.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrl.core.compute.ComputeBackend;
import io.streamrl.core.compute.ComputeBackends;
import io.streamrl.core.env.ActionSpace;
import io.streamrl.core.policy.ObservationNormalizer;
import io.streamrl.core.policy.PolicyHead;
import io.streamrl.core.policy.PolicySnapshot;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class A2cSnapshotTest {

    /** The learner's policy network and the snapshot choose the same greedy actions, bit for bit. */
    @ParameterizedTest
    @ValueSource(strings = {ComputeBackends.SCALAR, ComputeBackends.VECTOR})
    void theSnapshotActsAsTheAgent(String backendName) {
        ObservationNormalizer norm = new ObservationNormalizer(new float[] {0.1f, 0f, -0.2f},
                new float[] {1f, 0.5f, 2f});
        try (ComputeBackend backend = ComputeBackends.create(backendName)) {
            for (ActionSpace space : new ActionSpace[] {new ActionSpace.Discrete(2),
                new ActionSpace.Box(new double[] {-2}, new double[] {2})}) {
                A2c agent = new A2c(A2cConfig.a2c().with(Map.of("log-std-init", "-0.7")), 3, space, backend,
                        new SplittableRandom(8));
                PolicySnapshot s = PolicySnapshot.fromBytes(agent.snapshot("p", 3, 0, norm).toBytes());
                assertThat(s.algorithm()).isEqualTo("a2c");
                SplittableRandom r = new SplittableRandom(9);
                for (int i = 0; i < 100; i++) {
                    float[] obs = {(float) r.nextDouble(-2, 2), (float) r.nextDouble(-2, 2), (float) r.nextDouble(-8, 8)};
                    float[] greedy = agent.greedy(norm.apply(obs));
                    if (space instanceof ActionSpace.Discrete) {
                        assertThat(s.act(obs)).containsExactly(greedy[0]);
                    } else {
                        assertThat(Float.floatToRawIntBits(s.actNormalized(obs)[0]))
                                .isEqualTo(Float.floatToRawIntBits(greedy[0]));
                        assertThat(s.logStd()).containsExactly(-0.7f);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {ComputeBackends.SCALAR, ComputeBackends.VECTOR})
    void sampledActionsAreTheSnapshotsForTheSameGenerator(String backendName) {
        try (ComputeBackend backend = ComputeBackends.create(backendName)) {
            for (ActionSpace space : new ActionSpace[] {new ActionSpace.Discrete(3),
                new ActionSpace.Box(new double[] {-1, 0}, new double[] {1, 5})}) {
                A2c agent = new A2c(A2cConfig.a2c().with(Map.of("ortho-init", "false")), 2, space, backend,
                        new SplittableRandom(4));
                PolicySnapshot s = agent.snapshot("p", 1, 0, ObservationNormalizer.identity(2));
                assertThat(s.head()).isEqualTo(space instanceof ActionSpace.Discrete ? PolicyHead.CATEGORICAL
                        : PolicyHead.GAUSSIAN);
                SplittableRandom obsRandom = new SplittableRandom(5);
                for (int i = 0; i < 50; i++) {
                    float[] obs = {(float) obsRandom.nextDouble(-2, 2), (float) obsRandom.nextDouble(-2, 2)};
                    float[] fromAgent = new float[agent.actionDim()];
                    agent.sample(obs, 1, new SplittableRandom(100 + i), fromAgent);
                    float[] fromSnapshot = s.sample(obs, new SplittableRandom(100 + i)).raw();
                    assertThat(fromSnapshot).containsExactly(fromAgent);
                }
            }
        }
    }
}
