package io.streamrl.core.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import io.streamrl.core.compute.ComputeBackend;
import io.streamrl.core.compute.ComputeBackends;
import io.streamrl.core.compute.Matrix;
import io.streamrl.core.env.ActionSpace;
import io.streamrl.core.policy.PolicyHead;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** V-trace against a small example worked by hand, and against the n-step return on-policy. */
class VTraceTest {

    /**
     * Two trajectories of two steps, gamma 0.5, rhoBar = cBar = 1. Trajectory 0 (off-policy):
     * r = (1, 2), V = (0.5, 1), V(x_2) = 2, pi/mu = (2, 0.5). Step 1: rho = c = 0.5,
     * delta = 0.5 (2 + 0.5 * 2 - 1) = 1, v_1 = 1 + 1 = 2, A_1 = 0.5 (2 + 0.5 * 2 - 1) = 1.
     * Step 0: rho = c = 1 (truncated from 2), delta = 1 + 0.5 * 1 - 0.5 = 1,
     * v_0 = 0.5 + 1 + 0.5 * 1 * (2 - 1) = 2 (eq. 1: 0.5 + 1 + 0.5 * 1 * 1), A_0 = 1 + 0.5 * 2 - 0.5 = 1.5.
     * Trajectory 1 (on-policy, episode ends at step 0): r = (3, -1), V = (0, 0), V(x_2) = 4:
     * v_1 = -1 + 0.5 * 4 = 1, v_0 = 3 (nothing flows across the end); A = v - V.
     */
    @Test
    void targetsOfAWorkedExample() {
        float[] rewards = {1, 3, 2, -1};
        float[] dones = {0, 1, 0, 0};
        float[] values = {0.5f, 0, 1, 0};
        float[] bootstrap = {2, 4};
        double[] logRatios = {Math.log(2), 0, Math.log(0.5), 0};
        double[] targets = new double[4];
        double[] advantages = new double[4];
        VTrace.defaults().targets(2, 2, rewards, dones, values, bootstrap, logRatios, 0.5, 1.0, targets, advantages);
        assertThat(targets).containsExactly(new double[] {2.0, 3.0, 2.0, 1.0}, offset(1e-12));
        assertThat(advantages).containsExactly(new double[] {1.5, 3.0, 1.0, 1.0}, offset(1e-12));
    }

    /** rhoBar below the ratio caps delta's weight: rhoBar 0.25 at step 1 of the example above. */
    @Test
    void rhoBarTruncatesTheImportanceWeight() {
        double[] targets = new double[1];
        double[] advantages = new double[1];
        new VTrace(0.25, 1.0).targets(1, 1, new float[] {2}, new float[] {0}, new float[] {1}, new float[] {2},
                new double[] {Math.log(0.5)}, 0.5, 1.0, targets, advantages);
        // rho = min(0.25, 0.5): delta = 0.25 * (2 + 1 - 1) = 0.5.
        assertThat(targets[0]).isCloseTo(1.5, offset(1e-12));
        assertThat(advantages[0]).isCloseTo(0.5, offset(1e-12));
    }

    /**
     * On-policy (pi = mu) the targets are the n-step returns r_t + gamma r_t+1 + ... +
     * gamma^(n-t) V(x_n), cut at episode ends, and the advantages R_t - V(x_t); ratios at or
     * above both bars (1) give the same.
     */
    @ParameterizedTest(name = "log ratio {0}")
    @ValueSource(doubles = {0.0, 0.7})
    void onPolicyTargetsAreTheNStepReturns(double logRatio) {
        int envs = 3;
        int steps = 7;
        double gamma = 0.9;
        SplittableRandom r = new SplittableRandom(5);
        int n = envs * steps;
        float[] rewards = new float[n];
        float[] dones = new float[n];
        float[] values = new float[n];
        double[] logRatios = new double[n];
        for (int row = 0; row < n; row++) {
            rewards[row] = (float) r.nextDouble(-1, 1);
            dones[row] = r.nextDouble() < 0.2 ? 1 : 0;
            values[row] = (float) r.nextDouble(-2, 2);
            logRatios[row] = logRatio;
        }
        float[] bootstrap = {0.3f, -1.2f, 2.5f};
        double[] targets = new double[n];
        double[] advantages = new double[n];
        VTrace.defaults().targets(envs, steps, rewards, dones, values, bootstrap, logRatios, gamma, 1.0, targets,
                advantages);
        for (int i = 0; i < envs; i++) {
            for (int t = 0; t < steps; t++) {
                // Summed forwards, term by term, independently of the recursion.
                double expected = 0;
                double discount = 1;
                boolean ended = false;
                for (int k = t; k < steps; k++) {
                    int row = k * envs + i;
                    expected += discount * rewards[row];
                    if (dones[row] == 1) {
                        ended = true;
                        break;
                    }
                    discount *= gamma;
                }
                if (!ended) {
                    expected += discount * bootstrap[i];
                }
                int row = t * envs + i;
                assertThat(targets[row]).as("v[t=%d, env %d]", t, i).isCloseTo(expected, offset(1e-9));
                assertThat(advantages[row]).as("A[t=%d, env %d]", t, i).isCloseTo(expected - values[row], offset(1e-9));
            }
        }
    }

    /** The agent's V-trace update on its own on-policy rollout learns from the same returns as without it. */
    @ParameterizedTest(name = "lambda={0}")
    @ValueSource(doubles = {1.0, 0.9})
    void anOnPolicyRolloutGivesTheAgentTheLambdaReturns(double lambda) {
        A2cConfig config = A2cConfig.a2c().with(Map.of("num-envs", "4", "n-steps", "6", "hidden", "16,16",
                "gae-lambda", Double.toString(lambda)));
        try (ComputeBackend backend = ComputeBackends.create(ComputeBackends.SCALAR)) {
            A2c agent = new A2c(config, 3, new ActionSpace.Discrete(2), backend, new SplittableRandom(1));
            Rollout rollout = A2cReturnsTest.randomRollout(agent, config, new SplittableRandom(2));
            float[][] c = rollout.contents();
            double[] logProbs = new double[2];
            float[] logits = new float[2];
            for (int row = 0; row < rollout.size(); row++) {
                float[] obs = new float[3];
                System.arraycopy(c[0], row * 3, obs, 0, 3);
                float[] out = agent.policy().forward(matrix(backend, obs)).toArray();
                System.arraycopy(out, 0, logits, 0, 2);
                PolicyHead.logSoftmax(logits, 0, 2, logProbs);
                rollout.putBehaviourLogProb(row / 4, row % 4, logProbs[(int) c[1][row]]);
            }
            agent.computeGradients(rollout);
            double[] plainReturns = agent.lastReturns();
            agent.computeGradients(rollout, VTrace.defaults());
            assertThat(agent.lastReturns()).containsExactly(plainReturns, offset(1e-5));
            if (lambda == 1.0) {
                // With lambda 1 the V-trace advantage r + gamma v' - V is the n-step one, R - V.
                double[] returns = agent.lastReturns();
                float[] values = agent.lastValues();
                double[] advantages = agent.lastAdvantages();
                for (int row = 0; row < rollout.size(); row++) {
                    assertThat(advantages[row]).isCloseTo(returns[row] - values[row], offset(1e-5));
                }
            }
        }
    }

    @Test
    void barsMustBePositive() {
        assertThatThrownBy(() -> new VTrace(0, 1)).hasMessageContaining("rho-bar");
        assertThatThrownBy(() -> new VTrace(1, -1)).hasMessageContaining("c-bar");
    }

    private static Matrix matrix(ComputeBackend backend, float[] row) {
        return backend.fromArray(1, row.length, row);
    }
}
