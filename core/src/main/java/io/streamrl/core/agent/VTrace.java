package io.streamrl.core.agent;

import io.streamrl.core.config.Check;

/**
 * V-trace, the off-policy correction of IMPALA (Espeholt et al. 2018, "IMPALA: Scalable
 * Distributed Deep-RL with Importance Weighted Actor-Learner Architectures", eq. 1): the
 * n-step target for {@code V(x_s)} from a trajectory that a behaviour policy {@code mu} took,
 * for the learner's policy {@code pi},
 *
 * <pre>
 *   v_s = V(x_s) + sum_{t=s}^{s+n-1} gamma^(t-s) (prod_{i=s}^{t-1} c_i) delta_t V,
 *   delta_t V = rho_t (r_t + gamma V(x_t+1) - V(x_t)),
 *   rho_t = min(rhoBar, pi(a_t|x_t) / mu(a_t|x_t)),   c_i = lambda min(cBar, pi(a_i|x_i) / mu(a_i|x_i)),
 * </pre>
 *
 * computed backwards by the paper's recursion (Remark 1)
 * {@code v_s - V(x_s) = delta_s V + gamma c_s (v_s+1 - V(x_s+1))}, with {@code v_n = V(x_n)}.
 * The policy gradient's advantage is {@code rho_s (r_s + gamma v_s+1 - V(x_s))} (section 4.2).
 * The lambda in {@code c_i} is the paper's optional trace-cutting factor (section 4.1,
 * "Remark 2"); with lambda 1 and on-policy data ({@code pi = mu}, so rho = c = 1 when both bars
 * are at least 1) {@code v_s} is the plain n-step return.
 *
 * <p>Episodes end inside a trajectory: a step marked done does not look beyond itself, its
 * discount is 0 (the reward of a truncated step already carries its bootstrap, see
 * {@link Rollout}).
 *
 * @param rhoBar truncation of the importance weight in {@code delta_t V} and the advantage;
 *     it fixes which policy's value V-trace converges to ({@code pi} for rhoBar >= the ratios)
 * @param cBar truncation of the trace coefficients; it sets how fast the targets contract
 */
public record VTrace(double rhoBar, double cBar) {

    public VTrace {
        Check.inOpenClosed("rho-bar", rhoBar, 0, 1e6);
        Check.inOpenClosed("c-bar", cBar, 0, 1e6);
    }

    /** The paper's defaults: rhoBar = cBar = 1. */
    public static VTrace defaults() {
        return new VTrace(1.0, 1.0);
    }

    /**
     * V-trace targets and advantages of {@code envs} trajectories of {@code steps} steps, stored
     * time-major as in {@link Rollout} (row {@code t * envs + i}).
     *
     * @param rewards r_t per row
     * @param dones 1 where the step ended its episode, else 0
     * @param values V(x_t) per row
     * @param bootstrapValues V(x_n) per trajectory (the observation after its last step)
     * @param logRatios {@code log pi(a_t|x_t) - log mu(a_t|x_t)} per row
     * @param lambda trace-cutting factor in [0, 1]
     * @param targetsOut v_t per row
     * @param advantagesOut {@code rho_t (r_t + gamma v_t+1 - V(x_t))} per row
     */
    public void targets(int envs, int steps, float[] rewards, float[] dones, float[] values, float[] bootstrapValues,
                        double[] logRatios, double gamma, double lambda, double[] targetsOut,
                        double[] advantagesOut) {
        for (int i = 0; i < envs; i++) {
            double nextValue = bootstrapValues[i]; // V(x_t+1)
            double nextTarget = nextValue;         // v_t+1
            for (int t = steps - 1; t >= 0; t--) {
                int row = t * envs + i;
                double ratio = Math.exp(logRatios[row]);
                double rho = Math.min(rhoBar, ratio);
                double c = lambda * Math.min(cBar, ratio);
                double discount = gamma * (1.0 - dones[row]);
                double value = values[row];
                double delta = rho * (rewards[row] + discount * nextValue - value);
                double target = value + delta + discount * c * (nextTarget - nextValue);
                targetsOut[row] = target;
                advantagesOut[row] = rho * (rewards[row] + discount * nextTarget - value);
                nextValue = value;
                nextTarget = target;
            }
        }
    }
}
