package io.streamrl.core.agent;

/**
 * One A2C rollout: {@code nSteps} steps of {@code numEnvs} environments stepped in lock-step,
 * stored time-major (row {@code t * numEnvs + i} is step {@code t} of environment {@code i}),
 * plus the observation each environment is in after the last step, which the returns
 * bootstrap from.
 *
 * <p>Observations are normalised (what the networks see). Actions are what the policy drew:
 * the index for a categorical policy, the unclipped normalised sample for a Gaussian one (the
 * log-probability refers to it, not to the clipped action the environment received).
 *
 * <p>{@code done} marks a step that ended its episode, by termination or by the time limit: no
 * return flows across it. A time-limit truncation is not a terminal state, so whoever fills
 * the rollout adds {@code gamma * V(final observation)} to that step's reward, as
 * Stable-Baselines3 does; the reward then stands for the whole rest of the return.
 *
 * <p>Mutable and reused from one rollout to the next; one thread fills it and updates from it.
 */
public final class Rollout {

    private final int numEnvs;
    private final int nSteps;
    private final int observationDim;
    private final int actionDim;
    final float[] observations;
    final float[] actions;
    final float[] rewards;
    final float[] dones;
    final float[] lastObservations;
    /** log mu(a|s) of the behaviour policy per row, for off-policy corrections; see {@link #putBehaviourLogProb}. */
    final double[] behaviourLogProbs;

    /** @param actionDim entries per action: 1 for a categorical policy, the box's dimension for a Gaussian one */
    public Rollout(int numEnvs, int nSteps, int observationDim, int actionDim) {
        if (numEnvs < 1 || nSteps < 1 || observationDim < 1 || actionDim < 1) {
            throw new IllegalArgumentException("a rollout needs at least one environment, step, observation entry and"
                    + " action entry; got " + numEnvs + ", " + nSteps + ", " + observationDim + ", " + actionDim);
        }
        this.numEnvs = numEnvs;
        this.nSteps = nSteps;
        this.observationDim = observationDim;
        this.actionDim = actionDim;
        int rows = numEnvs * nSteps;
        observations = new float[rows * observationDim];
        actions = new float[rows * actionDim];
        rewards = new float[rows];
        dones = new float[rows];
        lastObservations = new float[numEnvs * observationDim];
        behaviourLogProbs = new double[rows];
    }

    public int numEnvs() {
        return numEnvs;
    }

    public int nSteps() {
        return nSteps;
    }

    public int observationDim() {
        return observationDim;
    }

    public int actionDim() {
        return actionDim;
    }

    /** Transitions in the rollout: {@code numEnvs * nSteps}. */
    public int size() {
        return numEnvs * nSteps;
    }

    /**
     * Records the observations all environments acted on at step {@code t} and the actions
     * drawn for them ({@code numEnvs} rows each).
     */
    public void putStep(int t, float[] observationRows, float[] actionRows) {
        checkStep(t);
        System.arraycopy(observationRows, 0, observations, t * numEnvs * observationDim, numEnvs * observationDim);
        System.arraycopy(actionRows, 0, actions, t * numEnvs * actionDim, numEnvs * actionDim);
    }

    /**
     * Records environment {@code env}'s outcome of step {@code t}.
     *
     * @param reward the reward, with {@code gamma * V(final observation)} added on a truncation
     * @param done whether the step ended the episode (terminated or truncated)
     */
    public void putOutcome(int t, int env, double reward, boolean done) {
        checkStep(t);
        if (env < 0 || env >= numEnvs) {
            throw new IllegalArgumentException("environment index must be in [0, " + numEnvs + "), got " + env);
        }
        rewards[t * numEnvs + env] = (float) reward;
        dones[t * numEnvs + env] = done ? 1f : 0f;
    }

    /**
     * Records {@code log mu(a|s)} of the policy that drew environment {@code env}'s action at
     * step {@code t}; only an update with an off-policy correction ({@link VTrace}) reads it.
     */
    public void putBehaviourLogProb(int t, int env, double logProb) {
        checkStep(t);
        if (env < 0 || env >= numEnvs) {
            throw new IllegalArgumentException("environment index must be in [0, " + numEnvs + "), got " + env);
        }
        behaviourLogProbs[t * numEnvs + env] = logProb;
    }

    /**
     * Records one environment's step {@code t} at once: the normalised observation, the action
     * (row {@code actionRow} of {@code actions}), the reward as in {@link #putOutcome}, and the
     * behaviour log-probability.
     */
    public void putStep(int t, int env, float[] observation, float[] actions, int actionRow, double reward,
                        boolean done, double behaviourLogProb) {
        putOutcome(t, env, reward, done);
        int row = t * numEnvs + env;
        System.arraycopy(observation, 0, observations, row * observationDim, observationDim);
        System.arraycopy(actions, actionRow * actionDim, this.actions, row * actionDim, actionDim);
        behaviourLogProbs[row] = behaviourLogProb;
    }

    /** Records the normalised observation environment {@code env} is in after the last step. */
    public void putLastObservation(int env, float[] observation) {
        if (env < 0 || env >= numEnvs) {
            throw new IllegalArgumentException("environment index must be in [0, " + numEnvs + "), got " + env);
        }
        System.arraycopy(observation, 0, lastObservations, env * observationDim, observationDim);
    }

    /** Records the observations the environments are in after the last step ({@code numEnvs} rows). */
    public void putLastObservations(float[] observationRows) {
        System.arraycopy(observationRows, 0, lastObservations, 0, numEnvs * observationDim);
    }

    /** Copies of the stored arrays, for tests: observations, actions, rewards, dones, last observations. */
    float[][] contents() {
        return new float[][] {observations.clone(), actions.clone(), rewards.clone(), dones.clone(),
            lastObservations.clone()};
    }

    @Override
    public String toString() {
        return "Rollout[" + numEnvs + " envs x " + nSteps + " steps]";
    }

    private void checkStep(int t) {
        if (t < 0 || t >= nSteps) {
            throw new IllegalArgumentException("step must be in [0, " + nSteps + "), got " + t);
        }
    }
}
