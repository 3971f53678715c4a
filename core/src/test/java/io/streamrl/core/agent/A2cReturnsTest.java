package io.streamrl.core.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.streamrl.core.compute.ComputeBackend;
import io.streamrl.core.compute.ComputeBackends;
import io.streamrl.core.env.ActionSpace;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The returns and advantages A2C learns from, against the textbook formulas written
 * independently: GAE's recursion over TD errors (Schulman et al. 2016, eq. 16) and, with a
 * target value network, the n-step return summed term by term.
 */
class A2cReturnsTest {

    /** Random observations, rewards and episode ends; actions drawn by the agent's own policy. */
    static Rollout randomRollout(A2c agent, A2cConfig config, SplittableRandom r) {
        int envs = config.numEnvs();
        int obsDim = agent.observationDim();
        Rollout rollout = new Rollout(envs, config.nSteps(), obsDim, agent.actionDim());
        float[] obs = new float[envs * obsDim];
        float[] actions = new float[envs * agent.actionDim()];
        for (int t = 0; t < config.nSteps(); t++) {
            for (int i = 0; i < obs.length; i++) {
                obs[i] = (float) r.nextDouble(-1.5, 1.5);
            }
            agent.sample(obs, envs, r, actions);
            rollout.putStep(t, obs, actions);
            for (int i = 0; i < envs; i++) {
                rollout.putOutcome(t, i, r.nextDouble(-1, 2), r.nextDouble() < 0.25);
            }
        }
        for (int i = 0; i < obs.length; i++) {
            obs[i] = (float) r.nextDouble(-1.5, 1.5);
        }
        rollout.putLastObservations(obs);
        return rollout;
    }

    @ParameterizedTest(name = "lambda={0}")
    @ValueSource(doubles = {1.0, 0.9, 0.0})
    void returnsAreGaeOverTdErrorsPlusTheValue(double lambda) {
        A2cConfig config = A2cConfig.a2c().with(Map.of("num-envs", "4", "n-steps", "6", "hidden", "16,16",
                "gae-lambda", Double.toString(lambda)));
        try (ComputeBackend backend = ComputeBackends.create(ComputeBackends.SCALAR)) {
            A2c agent = new A2c(config, 3, new ActionSpace.Discrete(2), backend, new SplittableRandom(1));
            Rollout rollout = randomRollout(agent, config, new SplittableRandom(2));
            agent.computeGradients(rollout);
            float[][] c = rollout.contents();
            float[] values = agent.lastValues();
            float[] bootstrap = agent.bootstrapValues(c[4], 4);
            int envs = 4;
            int steps = 6;
            double gamma = config.gamma();
            double[] expectedAdvantage = new double[envs * steps];
            for (int i = 0; i < envs; i++) {
                double next = 0; // A_{t+1}
                for (int t = steps - 1; t >= 0; t--) {
                    int row = t * envs + i;
                    double nextValue = t == steps - 1 ? bootstrap[i] : values[row + envs];
                    double notDone = 1 - c[3][row];
                    double delta = c[2][row] + gamma * notDone * nextValue - values[row];
                    next = delta + gamma * lambda * notDone * next;
                    expectedAdvantage[row] = next;
                }
            }
            double[] returns = agent.lastReturns();
            double[] advantages = agent.lastAdvantages();
            for (int row = 0; row < envs * steps; row++) {
                assertThat(advantages[row]).as("A[%d]", row).isCloseTo(expectedAdvantage[row], offset(1e-5));
                assertThat(returns[row]).as("R[%d] = A + V", row)
                        .isCloseTo(expectedAdvantage[row] + values[row], offset(1e-5));
            }
        }
    }

    @Test
    void withATargetValueNetworkTheNStepReturnBootstrapsFromTheTarget() {
        A2cConfig config = A2cConfig.a2c().with(Map.of("num-envs", "3", "n-steps", "5", "hidden", "16,16",
                "target-tau", "0.3", "lr", "0.01"));
        try (ComputeBackend backend = ComputeBackends.create(ComputeBackends.SCALAR)) {
            A2c agent = new A2c(config, 3, new ActionSpace.Discrete(2), backend, new SplittableRandom(3));
            for (int u = 0; u < 5; u++) {
                agent.update(randomRollout(agent, config, new SplittableRandom(10 + u)));
            }
            Rollout rollout = randomRollout(agent, config, new SplittableRandom(4));
            agent.computeGradients(rollout);
            float[][] c = rollout.contents();
            float[] target = agent.bootstrapValues(c[4], 3);
            float[] online = agent.value().forward(backend.fromArray(3, 3, c[4])).toArray();
            for (int i = 0; i < 3; i++) {
                assertThat(Math.abs(target[i] - online[i])).as("the target network lags the value network")
                        .isGreaterThan(1e-4f);
            }
            double gamma = config.gamma();
            double[] returns = agent.lastReturns();
            for (int t = 0; t < 5; t++) {
                for (int i = 0; i < 3; i++) {
                    // R_t = r_t + gamma r_t+1 + ... up to the episode's end, else + gamma^(n-t) V'(s_n).
                    double expected = 0;
                    double discount = 1;
                    boolean ended = false;
                    for (int k = t; k < 5 && !ended; k++) {
                        expected += discount * c[2][k * 3 + i];
                        discount *= gamma;
                        ended = c[3][k * 3 + i] == 1f;
                    }
                    if (!ended) {
                        expected += discount * target[i];
                    }
                    assertThat(returns[t * 3 + i]).as("R[t=%d, env %d]", t, i).isCloseTo(expected, offset(1e-5));
                }
            }
            float[] values = agent.lastValues();
            double[] advantages = agent.lastAdvantages();
            for (int row = 0; row < 15; row++) {
                assertThat(advantages[row]).as("A = R - V(s), V the online network").isCloseTo(returns[row] - values[row],
                        offset(1e-6));
            }
        }
    }

    @Test
    void withATargetValueNetworkLambdaReturnsTakeEveryNextValueFromTheTarget() {
        A2cConfig config = A2cConfig.a2c().with(Map.of("num-envs", "3", "n-steps", "5", "hidden", "16,16",
                "target-tau", "0.3", "lr", "0.01", "gae-lambda", "0.5"));
        try (ComputeBackend backend = ComputeBackends.create(ComputeBackends.SCALAR)) {
            A2c agent = new A2c(config, 3, new ActionSpace.Discrete(2), backend, new SplittableRandom(8));
            for (int u = 0; u < 5; u++) {
                agent.update(randomRollout(agent, config, new SplittableRandom(20 + u)));
            }
            Rollout rollout = randomRollout(agent, config, new SplittableRandom(9));
            agent.computeGradients(rollout);
            float[][] c = rollout.contents();
            float[] targetLast = agent.bootstrapValues(c[4], 3);
            float[] target = agent.bootstrapValues(c[0], 15);
            double gamma = config.gamma();
            double[] returns = agent.lastReturns();
            for (int i = 0; i < 3; i++) {
                // R_t = r_t + gamma (1 - done_t) (V'(s_t+1) / 2 + R_t+1 / 2), R_n = V'(s_n).
                double next = targetLast[i];
                double nextValue = targetLast[i];
                for (int t = 4; t >= 0; t--) {
                    int row = t * 3 + i;
                    double expected = c[2][row] + gamma * (1 - c[3][row]) * (0.5 * nextValue + 0.5 * next);
                    assertThat(returns[row]).as("R[t=%d, env %d]", t, i).isCloseTo(expected, offset(1e-5));
                    next = expected;
                    nextValue = target[row];
                }
            }
        }
    }

    @Test
    void theTargetValueNetworkFollowsByPolyakAveraging() {
        A2cConfig config = A2cConfig.a2c().with(Map.of("num-envs", "2", "n-steps", "3", "hidden", "8",
                "target-tau", "0.25", "lr", "0.01"));
        try (ComputeBackend backend = ComputeBackends.create(ComputeBackends.SCALAR)) {
            A2c agent = new A2c(config, 2, new ActionSpace.Discrete(2), backend, new SplittableRandom(5));
            assertThat(agent.targetValue().parametersToArray()).isEqualTo(agent.value().parametersToArray());
            agent.update(randomRollout(agent, config, new SplittableRandom(6)));
            float[] before = agent.targetValue().parametersToArray();
            agent.update(randomRollout(agent, config, new SplittableRandom(7)));
            float[] value = agent.value().parametersToArray();
            float[] after = agent.targetValue().parametersToArray();
            for (int i = 0; i < after.length; i++) {
                assertThat(after[i]).isEqualTo(before[i] * 0.75f + value[i] * 0.25f);
            }
        }
    }

    @Test
    void withoutATargetThereIsNone() {
        try (ComputeBackend backend = ComputeBackends.create(ComputeBackends.SCALAR)) {
            A2c agent = new A2c(A2cConfig.a2c(), 2, new ActionSpace.Discrete(2), backend, new SplittableRandom(5));
            assertThat(agent.targetValue()).isNull();
        }
    }
}
