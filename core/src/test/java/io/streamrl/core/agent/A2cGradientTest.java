package io.streamrl.core.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrl.core.compute.ComputeBackend;
import io.streamrl.core.compute.ComputeBackends;
import io.streamrl.core.compute.Matrix;
import io.streamrl.core.env.ActionSpace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.assertj.core.data.Offset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The gradient of A2C's loss against central finite differences, on every backend, for both
 * heads. The loss is written out here independently in double precision,
 *
 * <pre>
 *   L = -mean(A log pi(a|s)) + vfCoef mean((R - V(s))^2) - entCoef mean(H[pi(.|s)])
 * </pre>
 *
 * with the returns {@code R} and advantages {@code A = R - V(s)} held constant (taken from the
 * agent, whose computation of them {@link A2cReturnsTest} checks), and differentiated
 * numerically with respect to every weight of the policy and value networks and every log
 * standard deviation. A wrong sign, a missing term or a wrong coefficient in any of the three
 * parts moves some gradient entry by far more than the float32 tolerance.
 */
class A2cGradientTest {

    private static final double EPS = 1e-6;

    static List<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String backend : ComputeBackends.NAMES) {
            if (backend.equals(ComputeBackends.VECTOR) && !ComputeBackends.vectorApiAvailable()) {
                continue;
            }
            // discrete?, ent-coef, vf-coef, gae-lambda, target-tau, normalize-advantage
            out.add(Arguments.of(backend, true, 0.3, 0.5, 1.0, 0.0, false));
            out.add(Arguments.of(backend, false, 0.3, 0.5, 1.0, 0.0, false));
            out.add(Arguments.of(backend, true, 0.0, 0.25, 0.9, 0.1, true));
            out.add(Arguments.of(backend, false, 1.0, 0.0, 0.95, 0.05, false));
        }
        return out;
    }

    @ParameterizedTest(name = "{0} discrete={1} ent={2} vf={3} lambda={4} tau={5} normalize={6}")
    @MethodSource("cases")
    void gradientsMatchFiniteDifferences(String backendName, boolean discrete, double entCoef, double vfCoef,
                                         double lambda, double tau, boolean normalize) {
        A2cConfig config = A2cConfig.a2c().with(Map.of("num-envs", "3", "n-steps", "4", "hidden", "16,8",
                "ent-coef", Double.toString(entCoef), "vf-coef", Double.toString(vfCoef), "gae-lambda",
                Double.toString(lambda), "target-tau", Double.toString(tau), "normalize-advantage",
                Boolean.toString(normalize), "log-std-init", "-0.3"));
        int obsDim = 3;
        ActionSpace actions = discrete ? new ActionSpace.Discrete(3)
                : new ActionSpace.Box(new double[] {-2, -1}, new double[] {2, 1});
        try (ComputeBackend backend = ComputeBackends.create(backendName)) {
            A2c agent = new A2c(config, obsDim, actions, backend, new SplittableRandom(11));
            Rollout rollout = A2cReturnsTest.randomRollout(agent, config, new SplittableRandom(5));
            if (tau > 0) {
                // Move the networks, and so the target away from the value network, before checking.
                agent.update(rollout);
                agent.update(A2cReturnsTest.randomRollout(agent, config, new SplittableRandom(6)));
            }
            agent.computeGradients(rollout);
            double[] returns = agent.lastReturns();
            double[] advantages = agent.lastAdvantages();

            Reference ref = new Reference(agent, rollout, returns, advantages, config);
            float[] policyParams = agent.policy().parametersToArray();
            float[] valueParams = agent.value().parametersToArray();
            float[] logStd = agent.logStd();
            List<float[]> analytic = List.of(flatten(agent.policy().gradients()), flatten(agent.value().gradients()),
                    discrete ? new float[0] : agent.logStdGradient().toArray());
            List<float[]> params = List.of(policyParams, valueParams, logStd);
            int checked = 0;
            for (int group = 0; group < 3; group++) {
                float[] p = params.get(group);
                for (int i = 0; i < p.length; i++) {
                    double[][] ds = {toDouble(policyParams), toDouble(valueParams), toDouble(logStd)};
                    ds[group][i] += EPS;
                    double up = ref.loss(ds[0], ds[1], ds[2]);
                    ds[group][i] -= 2 * EPS;
                    double down = ref.loss(ds[0], ds[1], ds[2]);
                    double numeric = (up - down) / (2 * EPS);
                    assertThat((double) analytic.get(group)[i]).as("dL/d%s[%d]",
                            new String[] {"policy", "value", "logStd"}[group], i).isCloseTo(numeric, tolerance(numeric));
                    checked++;
                }
            }
            assertThat(checked).isEqualTo(policyParams.length + valueParams.length + logStd.length);
            // The loss the agent reports is the one written out here.
            A2cStats stats = agent.computeGradients(rollout);
            double[] p0 = toDouble(policyParams);
            double[] v0 = toDouble(valueParams);
            double[] l0 = toDouble(logStd);
            double expected = ref.loss(p0, v0, l0);
            double reported = stats.policyLoss() + vfCoef * stats.valueLoss() - entCoef * stats.entropy();
            assertThat(reported).isCloseTo(expected, Offset.offset(1e-5 + 1e-5 * Math.abs(expected)));
        }
    }

    /** float32 backprop against a double reference: relative 1e-3 with an absolute floor, as MlpGradientTest. */
    private static Offset<Double> tolerance(double expected) {
        return Offset.offset(1e-4 + 1e-3 * Math.abs(expected));
    }

    private static float[] flatten(List<Matrix> ms) {
        int n = ms.stream().mapToInt(Matrix::size).sum();
        float[] out = new float[n];
        int o = 0;
        for (Matrix m : ms) {
            float[] a = m.toArray();
            System.arraycopy(a, 0, out, o, a.length);
            o += a.length;
        }
        return out;
    }

    static double[] toDouble(float[] a) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }

    /** A2C's loss in double precision, from the parameters in {@code Mlp.parametersToArray} layout. */
    private static final class Reference {
        final int[] policySizes;
        final int[] valueSizes;
        final boolean discrete;
        final double[][] obs;
        final float[] actions;
        final int actDim;
        final double[] returns;
        final double[] advantages;
        final double entCoef;
        final double vfCoef;

        Reference(A2c agent, Rollout r, double[] returns, double[] advantages, A2cConfig config) {
            policySizes = agent.policy().sizes();
            valueSizes = agent.value().sizes();
            discrete = agent.head() == io.streamrl.core.policy.PolicyHead.CATEGORICAL;
            float[][] contents = r.contents();
            int n = r.size();
            obs = new double[n][r.observationDim()];
            for (int row = 0; row < n; row++) {
                for (int j = 0; j < r.observationDim(); j++) {
                    obs[row][j] = contents[0][row * r.observationDim() + j];
                }
            }
            actions = contents[1];
            actDim = r.actionDim();
            this.returns = returns.clone();
            this.advantages = advantages.clone();
            entCoef = config.entCoef();
            vfCoef = config.vfCoef();
        }

        double loss(double[] policy, double[] value, double[] logStd) {
            int n = obs.length;
            double policyLoss = 0;
            double valueLoss = 0;
            double entropy = 0;
            for (int row = 0; row < n; row++) {
                double[] out = forward(policy, policySizes, obs[row]);
                double logProb;
                double h;
                if (discrete) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (double z : out) {
                        max = Math.max(max, z);
                    }
                    double sum = 0;
                    for (double z : out) {
                        sum += Math.exp(z - max);
                    }
                    double logZ = max + Math.log(sum);
                    logProb = out[(int) actions[row]] - logZ;
                    h = 0;
                    for (double z : out) {
                        double lp = z - logZ;
                        h -= Math.exp(lp) * lp;
                    }
                } else {
                    logProb = 0;
                    h = 0;
                    for (int k = 0; k < out.length; k++) {
                        double sigma = Math.exp(logStd[k]);
                        double d = actions[row * actDim + k] - out[k];
                        logProb += -d * d / (2 * sigma * sigma) - Math.log(sigma) - 0.5 * Math.log(2 * Math.PI);
                        h += 0.5 + 0.5 * Math.log(2 * Math.PI) + logStd[k];
                    }
                }
                policyLoss -= advantages[row] * logProb;
                entropy += h;
                double v = forward(value, valueSizes, obs[row])[0];
                valueLoss += (returns[row] - v) * (returns[row] - v);
            }
            return policyLoss / n + vfCoef * valueLoss / n - entCoef * entropy / n;
        }

        /** tanh hidden layers, linear output: the A2C networks. */
        static double[] forward(double[] params, int[] sizes, double[] x) {
            double[] a = x;
            int off = 0;
            for (int l = 0; l + 1 < sizes.length; l++) {
                int in = sizes[l];
                int out = sizes[l + 1];
                double[] z = new double[out];
                for (int j = 0; j < out; j++) {
                    double s = params[off + in * out + j];
                    for (int k = 0; k < in; k++) {
                        s += a[k] * params[off + k * out + j];
                    }
                    z[j] = l + 2 == sizes.length ? s : Math.tanh(s);
                }
                off += in * out + out;
                a = z;
            }
            return a;
        }
    }
}
