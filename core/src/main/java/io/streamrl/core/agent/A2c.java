package io.streamrl.core.agent;

import io.streamrl.core.compute.Activation;
import io.streamrl.core.compute.ComputeBackend;
import io.streamrl.core.compute.Matrix;
import io.streamrl.core.env.ActionSpace;
import io.streamrl.core.nn.Mlp;
import io.streamrl.core.nn.NonFiniteUpdateException;
import io.streamrl.core.nn.NonFiniteUpdateException.Quantity;
import io.streamrl.core.nn.OrthogonalInit;
import io.streamrl.core.nn.RmsProp;
import io.streamrl.core.policy.ObservationNormalizer;
import io.streamrl.core.policy.PolicyHead;
import io.streamrl.core.policy.PolicySnapshot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Synchronous advantage actor-critic: the A2C of Mnih et al. (2016), "Asynchronous Methods for
 * Deep Reinforcement Learning" (Algorithm S3, with the asynchronous workers replaced by
 * environments stepped in lock-step), in the form of Stable-Baselines3's {@code A2C}: separate
 * policy and value networks, one loss
 *
 * <pre>
 *   L = -mean(A * log pi(a|s)) + vfCoef * mean((R - V(s))^2) - entCoef * mean(H[pi(.|s)])
 * </pre>
 *
 * with the advantage {@code A = R - V(s)} and the return {@code R} held constant, gradient
 * clipping over the norm of all parameters together and one RMSprop step per rollout.
 *
 * <p>The returns are the lambda-returns of GAE (Schulman et al. 2016, "High-Dimensional
 * Continuous Control Using Generalized Advantage Estimation", eq. 16: {@code A = R - V(s)} is
 * exactly their GAE(gamma, lambda) advantage); lambda 1 gives the plain n-step return
 * {@code r_t + gamma r_t+1 + ... + gamma^(n-t) V(s_n)} of Mnih et al. With
 * {@code targetTau > 0} the values that bootstrap ({@code V(s_t+1)} in the returns) come from
 * a target value network moved by soft updates after every step, as the lecture's A2C keeps one.
 *
 * <p>Policy heads: categorical logits for discrete actions; for a box, a Gaussian whose mean is
 * the network's linear output (normalised action units) and whose log standard deviation is a
 * learned, state-independent parameter. See {@link PolicyHead}.
 */
public final class A2c {

    private final A2cConfig config;
    private final ComputeBackend backend;
    private final int obsDim;
    private final ActionSpace actionSpace;
    private final PolicyHead head;
    /** Outputs of the policy network: logits or means. */
    private final int outDim;
    /** Entries stored per action: 1 (the index) or the box's dimension. */
    private final int actDim;
    private final Mlp policy;
    private final Mlp value;
    /** Null without a target value network. */
    private final Mlp targetValue;
    /** Gaussian only: 1 x outDim, and its gradient. */
    private final Matrix logStd;
    private final Matrix logStdGrad;
    private final RmsProp optimizer;
    private final Map<Integer, Matrix> inputs = new HashMap<>();
    private final double[] logProbScratch;
    private Workspace ws;
    private long updates;

    /**
     * @param observationDim entries of a (normalised) observation
     * @param actions the environment's action space: {@link ActionSpace.Discrete} gives a
     *     categorical policy, {@link ActionSpace.Box} a Gaussian one
     * @param random initialises the networks (policy, then value)
     */
    public A2c(A2cConfig config, int observationDim, ActionSpace actions, ComputeBackend backend,
               SplittableRandom random) {
        if (observationDim < 1) {
            throw new IllegalArgumentException("observation dimension must be >= 1, got " + observationDim);
        }
        this.config = config;
        this.backend = backend;
        this.obsDim = observationDim;
        this.actionSpace = actions;
        if (actions instanceof ActionSpace.Discrete discrete) {
            head = PolicyHead.CATEGORICAL;
            outDim = discrete.n();
            actDim = 1;
        } else {
            head = PolicyHead.GAUSSIAN;
            outDim = actions.dim();
            actDim = outDim;
        }
        int[] hidden = config.hidden().stream().mapToInt(i -> i).toArray();
        Activation f = config.activation();
        policy = new Mlp(backend, layers(observationDim, hidden, outDim), f, Activation.IDENTITY, random.split());
        value = new Mlp(backend, layers(observationDim, hidden, 1), f, Activation.IDENTITY, random.split());
        if (config.orthoInit()) {
            policy.loadParameters(OrthogonalInit.parameters(policy.sizes(), gains(hidden.length, 0.01),
                    random.split()));
            value.loadParameters(OrthogonalInit.parameters(value.sizes(), gains(hidden.length, 1.0), random.split()));
        }
        if (config.targetTau() > 0) {
            targetValue = new Mlp(backend, value.sizes(), f, Activation.IDENTITY, random.split());
            targetValue.copyFrom(value);
        } else {
            targetValue = null;
        }
        List<Matrix> extraParams = new ArrayList<>();
        List<Matrix> extraGrads = new ArrayList<>();
        if (head == PolicyHead.GAUSSIAN) {
            float[] init = new float[outDim];
            Arrays.fill(init, (float) config.logStdInit());
            logStd = backend.fromArray(1, outDim, init);
            logStdGrad = backend.allocate(1, outDim);
            extraParams.add(logStd);
            extraGrads.add(logStdGrad);
        } else {
            logStd = null;
            logStdGrad = null;
        }
        // One optimizer over everything, as SB3 has: the clipping is over the global norm.
        optimizer = RmsProp.over("a2c", List.of(policy, value), extraParams, extraGrads, config.lr(),
                config.rmsAlpha(), config.rmsEps());
        logProbScratch = new double[outDim];
    }

    /**
     * One gradient step on a rollout: returns and advantages, the loss's gradient, clipping,
     * RMSprop, then the soft update of the target value network if there is one.
     *
     * @throws NonFiniteUpdateException when the loss or a gradient is not finite; the parameters
     *     are then unchanged
     */
    public A2cStats update(Rollout rollout) {
        return update(rollout, null);
    }

    /**
     * As {@link #update(Rollout)}, but with the returns and advantages of {@link VTrace} in
     * place of the lambda-returns: the rollout came from behaviour policies whose
     * log-probabilities it carries ({@link Rollout#putBehaviourLogProb}), possibly older ones
     * than this agent's. The trace-cutting lambda is {@code gae-lambda}, so on-policy data gives
     * the same update as without the correction.
     *
     * @param correction null for none (on-policy data)
     */
    public A2cStats update(Rollout rollout, VTrace correction) {
        A2cStats stats = computeGradients(rollout, correction);
        double norm = optimizer.step(config.maxGradNorm());
        if (targetValue != null) {
            // Soft update of the lecture's target value network: theta' <- tau theta + (1 - tau) theta'.
            targetValue.polyakFrom(value, (float) config.targetTau());
        }
        updates++;
        return new A2cStats(stats.policyLoss(), stats.valueLoss(), stats.entropy(), norm);
    }

    /**
     * Fills the gradients of every parameter with those of the loss on {@code rollout}, without
     * stepping; {@link #update} and the gradient checks use it.
     */
    A2cStats computeGradients(Rollout r) {
        return computeGradients(r, null);
    }

    /** As {@link #computeGradients(Rollout)}, with V-trace's targets when {@code correction} is not null. */
    A2cStats computeGradients(Rollout r, VTrace correction) {
        requireFits(r);
        Workspace w = workspace(r.numEnvs(), r.nSteps());
        int n = r.size();
        int envs = r.numEnvs();

        // Bootstrap values V'(s_n) first: the value network's last forward pass must be the
        // rollout's own, which its backward pass refers to.
        w.obs.write(r.observations);
        w.last.write(r.lastObservations);
        Mlp bootstrap = targetValue != null ? targetValue : value;
        bootstrap.forward(w.last).read(w.bootstrapHost);
        if (targetValue != null && (config.gaeLambda() < 1 || correction != null)) {
            targetValue.forward(w.obs).read(w.targetHost);
        }
        value.forward(w.obs).read(w.valueHost);
        float[] nextValues = targetValue != null ? w.targetHost : w.valueHost;

        double gamma = config.gamma();
        double lambda = config.gaeLambda();
        policy.forward(w.obs).read(w.outHost);
        if (correction != null) {
            // V-trace (Espeholt et al. 2018, eq. 1) over the bootstrapping network's values.
            logRatios(r, w, n);
            correction.targets(envs, r.nSteps(), r.rewards, r.dones, nextValues, w.bootstrapHost, w.logRatios, gamma,
                    lambda, w.returns, w.advantages);
            if (targetValue != null) {
                // The targets bootstrap from V' as without the correction; the baseline is V(s).
                for (int row = 0; row < n; row++) {
                    w.advantages[row] += w.targetHost[row] - w.valueHost[row];
                }
            }
        } else {
            // Lambda-returns, backwards in time (GAE eq. 16 written for R = A + V(s)):
            //   R_t = r_t + gamma (1 - done_t) ((1 - lambda) V'(s_t+1) + lambda R_t+1),  R_n = V'(s_n),
            // and the advantage A_t = R_t - V(s_t).
            for (int t = r.nSteps() - 1; t >= 0; t--) {
                for (int i = 0; i < envs; i++) {
                    int row = t * envs + i;
                    double nextV;
                    double nextR;
                    if (t == r.nSteps() - 1) {
                        nextV = w.bootstrapHost[i];
                        nextR = nextV;
                    } else {
                        nextV = nextValues[row + envs];
                        nextR = w.returns[row + envs];
                    }
                    double notDone = 1.0 - r.dones[row];
                    w.returns[row] = r.rewards[row] + gamma * notDone * ((1 - lambda) * nextV + lambda * nextR);
                    w.advantages[row] = w.returns[row] - w.valueHost[row];
                }
            }
        }
        if (config.normalizeAdvantage()) {
            normalize(w.advantages, n);
        }

        // Value loss vfCoef * mean((R - V)^2): dL/dV = vfCoef * 2 (V - R) / N.
        double valueLoss = 0;
        for (int row = 0; row < n; row++) {
            double diff = w.valueHost[row] - w.returns[row];
            valueLoss += diff * diff;
            w.dValueHost[row] = (float) (config.vfCoef() * 2.0 * diff / n);
        }
        valueLoss /= n;

        // Policy loss -mean(A log pi(a|s)) and entropy bonus -entCoef * mean(H), through the head.
        double[] headTerms = head == PolicyHead.CATEGORICAL ? categoricalGradient(r, w, n) : gaussianGradient(r, w, n);
        double policyLoss = headTerms[0];
        double entropy = headTerms[1];
        double loss = policyLoss + config.vfCoef() * valueLoss - config.entCoef() * entropy;
        if (!Double.isFinite(loss)) {
            throw new NonFiniteUpdateException(Quantity.LOSS, "a2c loss is not finite (policy " + policyLoss
                    + ", value " + valueLoss + ", entropy " + entropy + "); update refused, parameters unchanged");
        }
        w.dOut.write(w.dOutHost);
        policy.backward(w.dOut, true, null);
        w.dValue.write(w.dValueHost);
        value.backward(w.dValue, true, null);
        return new A2cStats(policyLoss, valueLoss, entropy, Double.NaN);
    }

    /** {@code log pi(a|s) - log mu(a|s)} per row, pi from the policy outputs of this rollout. */
    private void logRatios(Rollout r, Workspace w, int n) {
        if (head == PolicyHead.CATEGORICAL) {
            for (int row = 0; row < n; row++) {
                PolicyHead.logSoftmax(w.outHost, row * outDim, outDim, logProbScratch);
                w.logRatios[row] = logProbScratch[(int) r.actions[row]] - r.behaviourLogProbs[row];
            }
        } else {
            logStd.read(w.logStdHost);
            for (int row = 0; row < n; row++) {
                int off = row * outDim;
                w.logRatios[row] = PolicyHead.gaussianLogProb(r.actions, off, w.outHost, off, w.logStdHost, outDim)
                        - r.behaviourLogProbs[row];
            }
        }
    }

    /**
     * Categorical head, logits z and p = softmax(z), per row:
     * d(-A log p_a)/dz_j = -A (1[j = a] - p_j) and d(-entCoef H)/dz_j = entCoef p_j (log p_j + H),
     * each divided by N for the mean.
     */
    private double[] categoricalGradient(Rollout r, Workspace w, int n) {
        double[] lp = logProbScratch;
        double policyLoss = 0;
        double entropy = 0;
        double ent = config.entCoef();
        for (int row = 0; row < n; row++) {
            int off = row * outDim;
            PolicyHead.logSoftmax(w.outHost, off, outDim, lp);
            int a = (int) r.actions[row];
            double h = PolicyHead.categoricalEntropy(lp, outDim);
            double adv = w.advantages[row];
            policyLoss -= adv * lp[a];
            entropy += h;
            for (int j = 0; j < outDim; j++) {
                double p = Math.exp(lp[j]);
                double g = -adv * ((j == a ? 1.0 : 0.0) - p) + ent * p * (lp[j] + h);
                w.dOutHost[off + j] = (float) (g / n);
            }
        }
        return new double[] {policyLoss / n, entropy / n};
    }

    /**
     * Gaussian head, mean mu and sigma = exp(logStd), per row and entry k with d = a_k - mu_k:
     * d(-A log pi)/dmu_k = -A d / sigma^2, d(-A log pi)/dlogStd_k = -A (d^2 / sigma^2 - 1), and the
     * entropy sum_k (1/2 + log sqrt(2 pi) + logStd_k) adds -entCoef to each logStd_k.
     */
    private double[] gaussianGradient(Rollout r, Workspace w, int n) {
        logStd.read(w.logStdHost);
        Arrays.fill(w.dLogStdHost, 0);
        double policyLoss = 0;
        for (int row = 0; row < n; row++) {
            int off = row * outDim;
            double adv = w.advantages[row];
            policyLoss -= adv * PolicyHead.gaussianLogProb(r.actions, off, w.outHost, off, w.logStdHost, outDim);
            for (int k = 0; k < outDim; k++) {
                double variance = Math.exp(2.0 * w.logStdHost[k]);
                double d = r.actions[off + k] - (double) w.outHost[off + k];
                w.dOutHost[off + k] = (float) (-adv * d / variance / n);
                w.dLogStdHost[k] += -adv * (d * d / variance - 1.0) / n;
            }
        }
        float[] grad = new float[outDim];
        for (int k = 0; k < outDim; k++) {
            grad[k] = (float) (w.dLogStdHost[k] - config.entCoef());
        }
        logStdGrad.write(grad);
        return new double[] {policyLoss / n, PolicyHead.gaussianEntropy(w.logStdHost)};
    }

    /**
     * Draws one action per row for {@code rows} normalised observations ({@code rows x
     * observationDim}) into {@code actionsOut} ({@code rows x actionDim()}): an index, or an
     * unclipped normalised sample. One batched forward pass for all rows.
     */
    public void sample(float[] observations, int rows, SplittableRandom random, float[] actionsOut) {
        sample(observations, rows, random, actionsOut, null);
    }

    /** As {@link #sample(float[], int, SplittableRandom, float[])}, also writing {@code log pi(a|s)} per row. */
    public void sample(float[] observations, int rows, SplittableRandom random, float[] actionsOut,
                       double[] logProbsOut) {
        float[] out = forwardPolicy(observations, rows);
        if (head == PolicyHead.CATEGORICAL) {
            for (int row = 0; row < rows; row++) {
                int a = PolicyHead.sampleCategorical(out, row * outDim, outDim, random, logProbScratch);
                actionsOut[row] = a;
                if (logProbsOut != null) {
                    logProbsOut[row] = logProbScratch[a];
                }
            }
        } else {
            float[] ls = logStd.toArray();
            for (int row = 0; row < rows; row++) {
                PolicyHead.sampleGaussian(out, row * outDim, ls, outDim, random, actionsOut, row * actDim);
                if (logProbsOut != null) {
                    logProbsOut[row] = PolicyHead.gaussianLogProb(actionsOut, row * actDim, out, row * outDim, ls,
                            outDim);
                }
            }
        }
    }

    /**
     * The greedy action for one normalised observation: the arg max index, or the mean clipped
     * to [-1, 1] (normalised units).
     */
    public float[] greedy(float[] observation) {
        float[] out = forwardPolicy(observation, 1);
        if (head == PolicyHead.CATEGORICAL) {
            return new float[] {PolicyHead.argmax(out, 0, outDim)};
        }
        for (int k = 0; k < outDim; k++) {
            out[k] = PolicyHead.clipUnit(out[k]);
        }
        return out;
    }

    /**
     * {@link #greedy} in the environment's units: the index, or the clipped mean scaled to the box
     * {@code low}..{@code high} (unused for a discrete head).
     */
    public double[] greedyEnvironmentAction(float[] observation, double[] low, double[] high) {
        return head.environmentAction(greedy(observation), 0, actDim, low, high);
    }

    /**
     * The values that bootstrap returns for {@code rows} normalised observations: {@code V'(s)} of
     * the target value network when there is one, else {@code V(s)}. A truncated episode's last
     * reward gets {@code gamma} times this for its final observation.
     */
    public float[] bootstrapValues(float[] observations, int rows) {
        Matrix in = input(rows);
        in.write(observations);
        return (targetValue != null ? targetValue : value).forward(in).toArray();
    }

    /** The policy as an immutable snapshot that actors can run; it carries the head (and log-std). */
    public PolicySnapshot snapshot(String name, long version, long createdAtMillis, ObservationNormalizer normalizer) {
        double[] low = new double[0];
        double[] high = new double[0];
        float[] ls = new float[0];
        if (actionSpace instanceof ActionSpace.Box box) {
            low = box.low();
            high = box.high();
            ls = logStd.toArray();
        }
        return PolicySnapshot.create(name, config.algorithmName(), version, createdAtMillis, policy.sizes(),
                policy.hiddenActivation(), policy.outputActivation(), normalizer, low, high,
                policy.parametersToArray(), head, ls);
    }

    /** Whether every weight (policy, value, target value, log-std) is finite. */
    public boolean parametersFinite() {
        List<Matrix> all = new ArrayList<>(policy.parameters());
        all.addAll(value.parameters());
        if (targetValue != null) {
            all.addAll(targetValue.parameters());
        }
        if (logStd != null) {
            all.add(logStd);
        }
        for (Matrix p : all) {
            if (!Double.isFinite(backend.sumOfSquares(p))) {
                return false;
            }
        }
        return true;
    }

    public A2cConfig config() {
        return config;
    }

    public PolicyHead head() {
        return head;
    }

    /** Entries per action in a rollout: 1 for a categorical policy, the box's dimension for a Gaussian one. */
    public int actionDim() {
        return actDim;
    }

    public int observationDim() {
        return obsDim;
    }

    /** Updates taken so far. */
    public long updates() {
        return updates;
    }

    public Mlp policy() {
        return policy;
    }

    public Mlp value() {
        return value;
    }

    /** The target value network, or null without one. */
    Mlp targetValue() {
        return targetValue;
    }

    /** The Gaussian head's log standard deviations (a copy); empty for a categorical policy. */
    public float[] logStd() {
        return logStd == null ? new float[0] : logStd.toArray();
    }

    /** The Gaussian log-std parameter and its gradient (tests); null for a categorical policy. */
    Matrix logStdParameter() {
        return logStd;
    }

    Matrix logStdGradient() {
        return logStdGrad;
    }

    /** The returns of the last rollout {@link #computeGradients} saw, row by row (tests). */
    double[] lastReturns() {
        return Arrays.copyOf(ws.returns, ws.returns.length);
    }

    /** The advantages of the last rollout, as the loss used them (normalised when configured). */
    double[] lastAdvantages() {
        return Arrays.copyOf(ws.advantages, ws.advantages.length);
    }

    /** The values {@code V(s)} the last rollout's advantages subtracted. */
    float[] lastValues() {
        return Arrays.copyOf(ws.valueHost, ws.valueHost.length);
    }

    private float[] forwardPolicy(float[] observations, int rows) {
        Matrix in = input(rows);
        in.write(observations);
        return policy.forward(in).toArray();
    }

    private Matrix input(int rows) {
        return inputs.computeIfAbsent(rows, r -> backend.allocate(r, obsDim));
    }

    private void requireFits(Rollout r) {
        if (r.observationDim() != obsDim || r.actionDim() != actDim) {
            throw new IllegalArgumentException("rollout dimensions " + r.observationDim() + "/" + r.actionDim()
                    + " do not match the agent's " + obsDim + "/" + actDim);
        }
        if (head == PolicyHead.CATEGORICAL) {
            for (int row = 0; row < r.size(); row++) {
                float a = r.actions[row];
                if (!(a >= 0 && a < outDim) || a != Math.rint(a)) {
                    throw new IllegalArgumentException("rollout action " + row + " is " + a + ", not an index in [0, "
                            + outDim + ")");
                }
            }
        }
    }

    /** SB3's normalize_advantage: (A - mean) / (std + 1e-8), with torch's unbiased std. */
    private static void normalize(double[] a, int n) {
        if (n < 2) {
            return;
        }
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += a[i];
        }
        mean /= n;
        double var = 0;
        for (int i = 0; i < n; i++) {
            var += (a[i] - mean) * (a[i] - mean);
        }
        double std = Math.sqrt(var / (n - 1));
        for (int i = 0; i < n; i++) {
            a[i] = (a[i] - mean) / (std + 1e-8);
        }
    }

    private Workspace workspace(int envs, int steps) {
        if (ws == null || ws.envs != envs || ws.steps != steps) {
            ws = new Workspace(envs, steps);
        }
        return ws;
    }

    /** SB3's gains: sqrt(2) for every hidden layer, then the output layer's. */
    private static double[] gains(int hiddenLayers, double output) {
        double[] g = new double[hiddenLayers + 1];
        Arrays.fill(g, Math.sqrt(2));
        g[hiddenLayers] = output;
        return g;
    }

    private static int[] layers(int in, int[] hidden, int out) {
        int[] sizes = new int[hidden.length + 2];
        sizes[0] = in;
        System.arraycopy(hidden, 0, sizes, 1, hidden.length);
        sizes[sizes.length - 1] = out;
        return sizes;
    }

    /** Device matrices and host arrays of one rollout shape, reused from update to update. */
    private final class Workspace {
        final int envs;
        final int steps;
        final Matrix obs;
        final Matrix last;
        final Matrix dOut;
        final Matrix dValue;
        final float[] bootstrapHost;
        final float[] targetHost;
        final float[] valueHost;
        final float[] outHost;
        final float[] dOutHost;
        final float[] dValueHost;
        final float[] logStdHost;
        final double[] dLogStdHost;
        final double[] returns;
        final double[] advantages;
        final double[] logRatios;

        Workspace(int envs, int steps) {
            this.envs = envs;
            this.steps = steps;
            int n = envs * steps;
            obs = backend.allocate(n, obsDim);
            // Not input(envs): sample() may overwrite that one between two uses here.
            last = backend.allocate(envs, obsDim);
            dOut = backend.allocate(n, outDim);
            dValue = backend.allocate(n, 1);
            bootstrapHost = new float[envs];
            targetHost = new float[n];
            valueHost = new float[n];
            outHost = new float[n * outDim];
            dOutHost = new float[n * outDim];
            dValueHost = new float[n];
            logStdHost = new float[outDim];
            dLogStdHost = new double[outDim];
            returns = new double[n];
            advantages = new double[n];
            logRatios = new double[n];
        }
    }
}
