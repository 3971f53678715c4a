package io.streamrl.core.agent;

import io.streamrl.core.compute.Activation;
import io.streamrl.core.compute.ComputeBackend;
import io.streamrl.core.compute.Matrix;
import io.streamrl.core.nn.Adam;
import io.streamrl.core.nn.Mlp;
import io.streamrl.core.nn.NonFiniteUpdateException;
import io.streamrl.core.nn.NonFiniteUpdateException.Quantity;
import io.streamrl.core.policy.ObservationNormalizer;
import io.streamrl.core.policy.PolicySnapshot;
import io.streamrl.core.replay.Batch;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deep Deterministic Policy Gradient (Lillicrap et al. 2015, "Continuous control with deep
 * reinforcement learning", Algorithm 1) with the options of TD3 (Fujimoto et al. 2018,
 * "Addressing Function Approximation Error in Actor-Critic Methods", Algorithm 1): twin
 * critics, target policy smoothing and delayed actor updates; and the behaviour-cloning term of
 * TD3+BC (Fujimoto and Gu 2021, "A Minimalist Approach to Offline Reinforcement Learning",
 * eq. 3) for learning from a fixed log ({@code bc-alpha > 0}).
 *
 * <p>Actions are in the normalised range [-1, 1] (tanh output); observations arrive already
 * normalised. One {@link #update} is one critic step; every {@code policyDelay}-th update also
 * takes an actor step and moves the target networks.
 */
public final class Ddpg {

    /** Floor of mean|Q| in TD3+BC's lambda = alpha / mean|Q|. */
    private static final double MIN_MEAN_ABS_Q = 1e-6;

    private final DdpgConfig config;
    private final ComputeBackend backend;
    /** Draws the target-smoothing noise; replaced by {@link #reseed} at learner checkpoints. */
    private SplittableRandom random;
    private final int obsDim;
    private final int actDim;
    private final Mlp actor;
    private final Mlp actorTarget;
    private final Mlp[] critics;
    private final Mlp[] criticTargets;
    private final Adam actorOptimizer;
    private final Adam[] criticOptimizers;
    private Workspace ws;
    private Matrix single;
    private long updates;

    public Ddpg(DdpgConfig config, int observationDim, int actionDim, ComputeBackend backend, SplittableRandom random) {
        this.config = config;
        this.backend = backend;
        this.random = random;
        this.obsDim = observationDim;
        this.actDim = actionDim;
        actor = new Mlp(backend, layers(observationDim, config.actorHidden().stream().mapToInt(i -> i).toArray(),
                actionDim), Activation.RELU, Activation.TANH, random.split());
        actorTarget = new Mlp(backend, actor.sizes(), Activation.RELU, Activation.TANH, random.split());
        actorTarget.copyFrom(actor);
        int nCritics = config.twinCritics() ? 2 : 1;
        critics = new Mlp[nCritics];
        criticTargets = new Mlp[nCritics];
        criticOptimizers = new Adam[nCritics];
        int[] criticSizes = layers(observationDim + actionDim,
                config.criticHidden().stream().mapToInt(i -> i).toArray(), 1);
        for (int i = 0; i < nCritics; i++) {
            critics[i] = new Mlp(backend, criticSizes, Activation.RELU, Activation.IDENTITY, random.split());
            criticTargets[i] = new Mlp(backend, criticSizes, Activation.RELU, Activation.IDENTITY, random.split());
            criticTargets[i].copyFrom(critics[i]);
            criticOptimizers[i] = new Adam(nCritics == 1 ? "critic" : "critic " + (i + 1), critics[i],
                    config.criticLr(), 0.9, 0.999, 1e-8, config.criticL2());
        }
        actorOptimizer = new Adam("actor", actor, config.actorLr(), 0.9, 0.999, 1e-8, 0.0);
    }

    /**
     * One gradient update on {@code batch}.
     *
     * @throws NonFiniteUpdateException when a loss or gradient is not finite; the network whose
     *     step was refused is unchanged, but steps taken earlier in the same update (the first
     *     critic's before the second's, the critics' before the actor's) stay: {@link
     *     GuardedUpdates} rolls the whole agent back
     */
    public UpdateStats update(Batch batch) {
        if (batch.observationDim() != obsDim || batch.actionDim() != actDim) {
            throw new IllegalArgumentException("batch dimensions " + batch.observationDim() + "/" + batch.actionDim()
                    + " do not match the agent's " + obsDim + "/" + actDim);
        }
        Workspace w = workspace(batch.size());
        w.load(batch);
        int n = batch.size();

        // Critic target, Lillicrap Alg. 1: y = r + gamma (1 - terminated) Q'(s', mu'(s')).
        // TD3 eq. 14-15: a' = clip(mu'(s') + clip(eps, -c, c), -1, 1) and y uses min_i Q'_i(s', a').
        Matrix nextAction = actorTarget.forward(w.nextObs);
        if (config.targetNoise() > 0) {
            w.fillSmoothingNoise(random, (float) config.targetNoise(), (float) config.targetNoiseClip());
            backend.addClamped(nextAction, w.noise, -1f, 1f);
        }
        backend.copyColumns(w.nextObs, 0, w.nextCriticIn, 0, obsDim);
        backend.copyColumns(nextAction, 0, w.nextCriticIn, obsDim, actDim);
        Matrix nextQ = criticTargets[0].forward(w.nextCriticIn);
        for (int i = 1; i < critics.length; i++) {
            backend.minimum(nextQ, criticTargets[i].forward(w.nextCriticIn), nextQ);
        }
        backend.bellmanTarget(w.reward, w.terminated, nextQ, (float) config.gamma(), w.target);

        // Critic step: minimise L = 1/N sum (Q(s,a) - y)^2, so dL/dQ = 2 (Q - y) / N.
        double criticLoss = Double.NaN;
        double criticGradNorm = Double.NaN;
        for (int i = 0; i < critics.length; i++) {
            Matrix q = critics[i].forward(w.criticIn);
            backend.scaledDifference(q, w.target, 2f / n, w.dq);
            double loss = backend.sumOfSquares(w.dq) * n / 4.0;
            if (!Double.isFinite(loss)) {
                throw new NonFiniteUpdateException(Quantity.LOSS, "critic loss is not finite (" + loss
                        + "); update refused, parameters unchanged");
            }
            critics[i].backward(w.dq, true, null);
            double norm = criticOptimizers[i].step();
            if (i == 0) {
                criticLoss = loss;
                criticGradNorm = norm;
            }
        }
        updates++;

        double actorLoss = Double.NaN;
        double actorGradNorm = Double.NaN;
        if (updates % config.policyDelay() == 0) {
            actorLoss = actorGradient(w, n);
            actorGradNorm = actorOptimizer.step();

            // Soft target updates: theta' <- tau theta + (1 - tau) theta'.
            float tau = (float) config.tau();
            actorTarget.polyakFrom(actor, tau);
            for (int i = 0; i < critics.length; i++) {
                criticTargets[i].polyakFrom(critics[i], tau);
            }
        }
        return new UpdateStats(criticLoss, actorLoss, criticGradNorm, actorGradNorm);
    }

    /**
     * The actor's loss on the loaded batch, with its gradient left in the actor's gradient
     * buffers (no step taken). The critic is not changed.
     *
     * <p>DDPG, Lillicrap eq. 6: grad J = 1/N sum grad_a Q(s, a)|a=mu(s) grad_theta mu(s), i.e.
     * minimise {@code L = -1/N sum Q(s, mu(s))}, so dL/dQ_i = -1/N; only the critic's input
     * gradient is needed.
     *
     * <p>TD3+BC, Fujimoto and Gu 2021 eq. 3: pi = argmax E[lambda Q(s, pi(s)) - (pi(s) - a)^2]
     * with lambda = alpha / ((1/N) sum |Q(s_i, pi(s_i))|), Q at the policy's actions and lambda
     * held constant in the gradient (detached, as in the authors' code); the squared error is
     * the mean over batch and action dimensions (their {@code F.mse_loss}). Minimised:
     * {@code L = -(lambda/N) sum_i Q(s_i, pi(s_i)) + 1/(N m) sum_ij (pi(s_i)_j - a_ij)^2}, so
     * {@code dL/dpi = -(lambda/N) dQ/da + 2 (pi - a) / (N m)}. The batch's actions are normalised
     * like pi's, to [-1, 1].
     */
    private double actorGradient(Workspace w, int n) {
        Matrix action = actor.forward(w.obs);
        backend.copyColumns(action, 0, w.criticIn, obsDim, actDim);
        Matrix q = critics[0].forward(w.criticIn);
        q.read(w.qHost);
        double sumQ = 0;
        double sumAbsQ = 0;
        for (int i = 0; i < n; i++) {
            sumQ += w.qHost[i];
            sumAbsQ += Math.abs(w.qHost[i]);
        }
        double loss;
        float dq;
        if (config.behaviourCloning()) {
            // lambda = alpha / mean|Q|; the floor only keeps an all-zero Q from dividing by zero.
            double lambda = config.bcAlpha() / Math.max(sumAbsQ / n, MIN_MEAN_ABS_Q);
            action.read(w.policyActionHost);
            double squares = 0;
            for (int i = 0; i < n * actDim; i++) {
                double d = (double) w.policyActionHost[i] - w.actionHost[i];
                squares += d * d;
            }
            loss = -lambda * sumQ / n + squares / ((double) n * actDim);
            dq = (float) (-lambda / n);
        } else {
            loss = -sumQ / n;
            dq = -1f / n;
        }
        backend.fill(w.dq, dq);
        critics[0].backward(w.dq, false, w.dCriticIn);
        backend.copyColumns(w.dCriticIn, obsDim, w.dAction, 0, actDim);
        if (config.behaviourCloning()) {
            // + 2 (pi - a) / (N m), the gradient of the behaviour-cloning term.
            backend.addScaledDifference(action, w.actions, 2f / (n * actDim), w.dAction);
        }
        actor.backward(w.dAction, true, null);
        return loss;
    }

    /**
     * {@link #actorGradient} on {@code batch} alone, for tests of the actor's gradient: the
     * gradient stays in {@code actor().gradients()}, no parameter moves.
     */
    double actorLossAndGradient(Batch batch) {
        Workspace w = workspace(batch.size());
        w.load(batch);
        return actorGradient(w, batch.size());
    }

    /** The deterministic action {@code mu(s)} in [-1, 1] for one normalised observation. */
    public float[] act(float[] normalizedObservation) {
        if (normalizedObservation.length != obsDim) {
            throw new IllegalArgumentException("observation must have " + obsDim + " values, got "
                    + normalizedObservation.length);
        }
        if (single == null) {
            single = backend.allocate(1, obsDim);
        }
        single.write(normalizedObservation);
        return actor.forward(single).toArray();
    }

    /** The actor as an immutable snapshot that actors can run. */
    public PolicySnapshot snapshot(String name, long version, long createdAtMillis, ObservationNormalizer normalizer,
                                   double[] actionLow, double[] actionHigh) {
        return PolicySnapshot.create(name, config.algorithmName(), version, createdAtMillis, actor.sizes(),
                actor.hiddenActivation(), actor.outputActivation(), normalizer, actionLow, actionHigh,
                actor.parametersToArray());
    }

    /**
     * Copies everything an update changes (networks, target networks, Adam moments and step
     * counts) into {@code reuse}, or into a new checkpoint when it is null; {@link #restore}
     * puts it back. The update count is not part of it: it counts work done, rolled back or not.
     */
    public Checkpoint checkpoint(Checkpoint reuse) {
        Checkpoint c = reuse == null ? new Checkpoint() : reuse;
        c.save();
        return c;
    }

    /** Reinstates a checkpoint of this agent. */
    public void restore(Checkpoint checkpoint) {
        if (checkpoint.owner() != this) {
            throw new IllegalArgumentException("the checkpoint belongs to another agent");
        }
        checkpoint.load();
    }

    /**
     * Continues from a checkpoint read back from storage ({@link Checkpoint#readFrom}): its state,
     * and {@code updates} as the update count, which also keeps the TD3 policy delay in phase.
     */
    public void resume(Checkpoint checkpoint, long updates) {
        if (updates < 0) {
            throw new IllegalArgumentException("updates must be >= 0, got " + updates);
        }
        restore(checkpoint);
        this.updates = updates;
    }

    /**
     * Replaces the generator of the target-smoothing noise. {@code SplittableRandom} cannot hand
     * out its state, so a learner checkpoint stores a seed instead and both the running learner
     * and one restarted from the checkpoint reseed from it: they draw the same noise afterwards.
     */
    public void reseed(SplittableRandom value) {
        random = value;
    }

    /**
     * The shapes of the networks, e.g. {@code actor [3, 64, 64, 1], 2 critics [4, 64, 64, 1]}:
     * a stored checkpoint fits an agent exactly when the layouts are equal.
     */
    public String layout() {
        return "actor " + Arrays.toString(actor.sizes()) + ", " + critics.length + " critic"
                + (critics.length == 1 ? " " : "s ") + Arrays.toString(critics[0].sizes());
    }

    /**
     * Whether every weight of every network, targets included, is finite. One pass over the
     * parameters (a sum of squares per matrix), about the cost of one Adam step: meant for
     * checkpoints, not every update. A sum that overflows counts as not finite; weights that
     * large are broken anyway.
     */
    public boolean parametersFinite() {
        for (Mlp network : networks()) {
            for (Matrix p : network.parameters()) {
                if (!Double.isFinite(backend.sumOfSquares(p))) {
                    return false;
                }
            }
        }
        return true;
    }

    public DdpgConfig config() {
        return config;
    }

    /** Gradient updates (critic steps) taken so far. */
    public long updates() {
        return updates;
    }

    public Mlp actor() {
        return actor;
    }

    /** The first critic (tests and diagnostics). */
    public Mlp critic() {
        return critics[0];
    }

    public int observationDim() {
        return obsDim;
    }

    public int actionDim() {
        return actDim;
    }

    /** The target actor's output for {@code observations}; for tests of the soft update. */
    float[] targetActorOutput(Matrix observations) {
        return actorTarget.forward(observations).toArray();
    }

    private Mlp[] networks() {
        Mlp[] out = new Mlp[2 + 2 * critics.length];
        out[0] = actor;
        out[1] = actorTarget;
        for (int i = 0; i < critics.length; i++) {
            out[2 + 2 * i] = critics[i];
            out[3 + 2 * i] = criticTargets[i];
        }
        return out;
    }

    private Adam[] optimizers() {
        Adam[] out = new Adam[1 + criticOptimizers.length];
        out[0] = actorOptimizer;
        System.arraycopy(criticOptimizers, 0, out, 1, criticOptimizers.length);
        return out;
    }

    /**
     * A host-side copy of an agent's trainable state, reused from one checkpoint to the next so
     * that taking one allocates nothing after the first.
     */
    public final class Checkpoint {
        private final List<Matrix> state = new ArrayList<>();
        private final float[][] copies;
        private final long[] steps;

        private Checkpoint() {
            for (Mlp network : networks()) {
                state.addAll(network.parameters());
            }
            for (Adam optimizer : optimizers()) {
                state.addAll(optimizer.state());
            }
            copies = new float[state.size()][];
            for (int i = 0; i < copies.length; i++) {
                copies[i] = new float[state.get(i).size()];
            }
            steps = new long[optimizers().length];
        }

        private Ddpg owner() {
            return Ddpg.this;
        }

        private void save() {
            for (int i = 0; i < copies.length; i++) {
                state.get(i).read(copies[i]);
            }
            Adam[] optimizers = optimizers();
            for (int i = 0; i < optimizers.length; i++) {
                steps[i] = optimizers[i].steps();
            }
        }

        /**
         * Writes the copied state: the number of arrays, each array's length and values, then
         * each optimizer's step count. {@link #readFrom} reads it back into a checkpoint of an
         * agent with the same {@link #layout()}.
         */
        public void writeTo(DataOutput out) throws IOException {
            out.writeInt(copies.length);
            for (float[] copy : copies) {
                out.writeInt(copy.length);
                for (float v : copy) {
                    out.writeFloat(v);
                }
            }
            out.writeInt(steps.length);
            for (long s : steps) {
                out.writeLong(s);
            }
        }

        /**
         * Reads what {@link #writeTo} wrote into this checkpoint; the agent is untouched until
         * {@link #resume}.
         *
         * @throws IOException when the input ends early
         * @throws IllegalArgumentException when an array count or length differs from this agent's
         */
        public void readFrom(DataInput in) throws IOException {
            expect("state arrays", copies.length, in.readInt());
            for (int i = 0; i < copies.length; i++) {
                expect("length of state array " + i, copies[i].length, in.readInt());
                float[] copy = copies[i];
                for (int j = 0; j < copy.length; j++) {
                    copy[j] = in.readFloat();
                }
            }
            expect("optimizers", steps.length, in.readInt());
            for (int i = 0; i < steps.length; i++) {
                steps[i] = in.readLong();
                if (steps[i] < 0) {
                    throw new IllegalArgumentException("optimizer " + i + " has " + steps[i] + " steps");
                }
            }
        }

        private static void expect(String what, int expected, int actual) {
            if (expected != actual) {
                throw new IllegalArgumentException(what + ": the stored state has " + actual + ", this agent "
                        + expected);
            }
        }

        private void load() {
            for (int i = 0; i < copies.length; i++) {
                state.get(i).write(copies[i]);
            }
            Adam[] optimizers = optimizers();
            for (int i = 0; i < optimizers.length; i++) {
                optimizers[i].restoreSteps(steps[i]);
            }
        }
    }

    private Workspace workspace(int batchSize) {
        if (ws == null || ws.size != batchSize) {
            ws = new Workspace(batchSize);
        }
        return ws;
    }

    private static int[] layers(int in, int[] hidden, int out) {
        int[] sizes = new int[hidden.length + 2];
        sizes[0] = in;
        System.arraycopy(hidden, 0, sizes, 1, hidden.length);
        sizes[sizes.length - 1] = out;
        return sizes;
    }

    /** Device-side copies of one batch and the intermediate products of an update. */
    private final class Workspace {
        final int size;
        final Matrix obs;
        final Matrix nextObs;
        final Matrix criticIn;
        final Matrix nextCriticIn;
        final Matrix reward;
        final Matrix terminated;
        final Matrix target;
        final Matrix dq;
        final Matrix dCriticIn;
        final Matrix dAction;
        final Matrix noise;
        /** The batch's (behaviour) actions, for TD3+BC's cloning term. */
        final Matrix actions;
        final float[] criticInHost;
        final float[] noiseHost;
        final float[] qHost;
        final float[] actionHost;
        final float[] policyActionHost;

        Workspace(int size) {
            this.size = size;
            obs = backend.allocate(size, obsDim);
            nextObs = backend.allocate(size, obsDim);
            criticIn = backend.allocate(size, obsDim + actDim);
            nextCriticIn = backend.allocate(size, obsDim + actDim);
            reward = backend.allocate(size, 1);
            terminated = backend.allocate(size, 1);
            target = backend.allocate(size, 1);
            dq = backend.allocate(size, 1);
            dCriticIn = backend.allocate(size, obsDim + actDim);
            dAction = backend.allocate(size, actDim);
            noise = backend.allocate(size, actDim);
            actions = backend.allocate(size, actDim);
            criticInHost = new float[size * (obsDim + actDim)];
            noiseHost = new float[size * actDim];
            qHost = new float[size];
            actionHost = new float[size * actDim];
            policyActionHost = new float[size * actDim];
        }

        void load(Batch batch) {
            float[] o = batch.observations();
            float[] a = batch.actions();
            int width = obsDim + actDim;
            for (int r = 0; r < size; r++) {
                System.arraycopy(o, r * obsDim, criticInHost, r * width, obsDim);
                System.arraycopy(a, r * actDim, criticInHost, r * width + obsDim, actDim);
            }
            obs.write(o);
            nextObs.write(batch.nextObservations());
            criticIn.write(criticInHost);
            reward.write(batch.rewards());
            terminated.write(batch.terminated());
            if (config.behaviourCloning()) {
                System.arraycopy(a, 0, actionHost, 0, actionHost.length);
                actions.write(actionHost);
            }
        }

        void fillSmoothingNoise(SplittableRandom rnd, float sigma, float clip) {
            for (int i = 0; i < noiseHost.length; i++) {
                noiseHost[i] = Math.max(-clip, Math.min(clip, (float) (sigma * rnd.nextGaussian())));
            }
            noise.write(noiseHost);
        }
    }
}
