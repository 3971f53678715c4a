package io.streamrl.core.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrl.core.compute.ComputeBackend;
import io.streamrl.core.compute.ComputeBackends;
import io.streamrl.core.compute.Matrix;
import io.streamrl.core.replay.Batch;
import io.streamrl.core.replay.ReplayBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.assertj.core.data.Offset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The actor's gradient (DDPG's, and TD3+BC's with its behaviour-cloning term) against central
 * finite differences of the loss it minimises, on both backends. As in {@code MlpGradientTest},
 * the finite differences run on an independent double-precision forward pass over the same
 * float32 parameters, so the comparison measures the float32 rounding of the backward pass.
 *
 * <p>The loss (Fujimoto and Gu 2021, eq. 3, as a minimisation):
 * {@code L(theta) = -(lambda/N) sum_i Q(s_i, pi(s_i)) + 1/(N m) sum_ij (pi(s_i)_j - a_ij)^2}
 * with {@code lambda = alpha / mean_i |Q(s_i, pi(s_i))|} evaluated once at the unperturbed
 * parameters and held fixed (detached), and {@code L = -(1/N) sum_i Q} without cloning
 * (alpha 0). Alpha 0.1 makes the cloning term dominate, 2.5 (the paper's) the Q term; each
 * case also checks that the gradient of the loss with the cloning term's sign flipped would
 * not pass, so the comparison can tell the two apart.
 */
class ActorGradientTest {

    private static final double EPS = 1e-6;
    private static final int OBS = 3;
    private static final int ACT = 2;
    private static final int N = 6;

    static List<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String backend : ComputeBackends.NAMES) {
            for (double alpha : new double[] {0.0, 0.1, 2.5}) {
                out.add(Arguments.of(backend, alpha));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}, alpha={1}")
    @MethodSource("cases")
    void actorGradientMatchesFiniteDifferencesOfTheActorLoss(String backendName, double alpha) {
        DdpgConfig config = DdpgConfig.td3().with(Map.of("actor-hidden", "8,8", "critic-hidden", "8,8",
                "batch-size", Integer.toString(N), "bc-alpha", Double.toString(alpha)));
        try (ComputeBackend backend = ComputeBackends.create(backendName)) {
            Ddpg agent = new Ddpg(config, OBS, ACT, backend, new SplittableRandom(17));
            Batch batch = batch(N, 23);
            double loss = agent.actorLossAndGradient(batch);
            float[] grads = flatten(agent.actor().gradients());

            float[] actorParams = agent.actor().parametersToArray();
            Reference ref = new Reference(agent.actor().sizes(), agent.critic().sizes(),
                    toDouble(agent.critic().parametersToArray()), toDouble(batch.observations()),
                    toDouble(batch.actions()));
            double lambda = alpha > 0 ? alpha / ref.meanAbsQ(toDouble(actorParams)) : 0;
            assertThat(ref.nearKink).as("no ReLU sits at its kink at the base point").isFalse();
            assertThat(loss).as("loss").isCloseTo(ref.loss(toDouble(actorParams), lambda, alpha > 0, 1),
                    Offset.offset(1e-5 * (1 + Math.abs(loss))));

            int checked = 0;
            int flippedWouldPass = 0;
            for (int i = 0; i < actorParams.length; i++) {
                double[] numeric = new double[2];
                boolean kink = false;
                for (int sign = 0; sign < 2; sign++) {
                    double bcSign = sign == 0 ? 1 : -1;
                    double[] p = toDouble(actorParams);
                    p[i] += EPS;
                    double up = ref.loss(p, lambda, alpha > 0, bcSign);
                    kink |= ref.nearKink;
                    p[i] -= 2 * EPS;
                    double down = ref.loss(p, lambda, alpha > 0, bcSign);
                    kink |= ref.nearKink;
                    numeric[sign] = (up - down) / (2 * EPS);
                }
                if (kink) {
                    continue; // a ReLU switched inside the difference: the derivative is not defined there
                }
                assertThat((double) grads[i]).as("dL/dtheta[%d]", i).isCloseTo(numeric[0], tolerance(numeric[0]));
                if (Math.abs(grads[i] - numeric[1]) <= tolerance(numeric[1]).value) {
                    flippedWouldPass++;
                }
                checked++;
            }
            assertThat(checked).isGreaterThan(actorParams.length * 9 / 10);
            if (alpha > 0) {
                assertThat(flippedWouldPass).as("entries where a flipped cloning term would also pass")
                        .isLessThan(checked / 2);
            }
        }
    }

    /** float32 backprop: relative 1e-3 with an absolute floor, as in {@code MlpGradientTest}. */
    private static Offset<Double> tolerance(double expected) {
        return Offset.offset(1e-4 + 1e-3 * Math.abs(expected));
    }

    /** Actions spread over [-1, 1], away from the untrained actor's near-zero outputs. */
    private static Batch batch(int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        ReplayBuffer buffer = new ReplayBuffer(size, OBS, ACT);
        for (int i = 0; i < size; i++) {
            float[] o = {(float) r.nextDouble(-1, 1), (float) r.nextDouble(-1, 1), (float) r.nextDouble(-2, 2)};
            float[] a = {(float) r.nextDouble(-1, 1), (float) r.nextDouble(-1, 1)};
            buffer.add(o, a, -r.nextDouble(0, 16), o, false);
        }
        Batch batch = new Batch(size, OBS, ACT);
        buffer.sample(batch, new SplittableRandom(seed + 1));
        return batch;
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

    private static double[] toDouble(float[] a) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }

    /**
     * Double-precision actor (ReLU hidden, tanh out) and critic (ReLU hidden, identity out) in
     * the parameter layout of {@code Mlp.parametersToArray()}; the critic's parameters are fixed.
     */
    private static final class Reference {
        final int[] actorSizes;
        final int[] criticSizes;
        final double[] criticParams;
        final double[] obs;
        final double[] actions;
        boolean nearKink;

        Reference(int[] actorSizes, int[] criticSizes, double[] criticParams, double[] obs, double[] actions) {
            this.actorSizes = actorSizes;
            this.criticSizes = criticSizes;
            this.criticParams = criticParams;
            this.obs = obs;
            this.actions = actions;
        }

        double meanAbsQ(double[] actorParams) {
            double s = 0;
            for (int b = 0; b < N; b++) {
                s += Math.abs(q(b, policy(b, actorParams)));
            }
            return s / N;
        }

        /**
         * {@code -(lambda/N) sum Q + bcSign/(N m) sum (pi - a)^2} when cloning, else {@code -(1/N) sum Q}.
         */
        double loss(double[] actorParams, double lambda, boolean cloning, double bcSign) {
            nearKink = false;
            double sumQ = 0;
            double squares = 0;
            for (int b = 0; b < N; b++) {
                double[] pi = policy(b, actorParams);
                sumQ += q(b, pi);
                for (int j = 0; j < ACT; j++) {
                    double d = pi[j] - actions[b * ACT + j];
                    squares += d * d;
                }
            }
            return cloning ? -lambda * sumQ / N + bcSign * squares / (N * ACT) : -sumQ / N;
        }

        private double[] policy(int b, double[] actorParams) {
            double[] s = new double[OBS];
            System.arraycopy(obs, b * OBS, s, 0, OBS);
            return forward(actorSizes, actorParams, s, true);
        }

        private double q(int b, double[] pi) {
            double[] in = new double[OBS + ACT];
            System.arraycopy(obs, b * OBS, in, 0, OBS);
            System.arraycopy(pi, 0, in, OBS, ACT);
            return forward(criticSizes, criticParams, in, false)[0];
        }

        private double[] forward(int[] sizes, double[] params, double[] x, boolean tanhOut) {
            double[] a = x;
            int off = 0;
            for (int l = 0; l + 1 < sizes.length; l++) {
                int in = sizes[l];
                int out = sizes[l + 1];
                boolean last = l + 2 == sizes.length;
                double[] z = new double[out];
                for (int j = 0; j < out; j++) {
                    double s = params[off + in * out + j];
                    for (int k = 0; k < in; k++) {
                        s += a[k] * params[off + k * out + j];
                    }
                    if (last) {
                        z[j] = tanhOut ? Math.tanh(s) : s;
                    } else {
                        if (Math.abs(s) < 1e-5) {
                            nearKink = true;
                        }
                        z[j] = Math.max(0, s);
                    }
                }
                off += in * out + out;
                a = z;
            }
            return a;
        }
    }
}
