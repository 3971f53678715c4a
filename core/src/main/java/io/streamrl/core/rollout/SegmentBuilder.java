package io.streamrl.core.rollout;

import io.streamrl.core.env.StepResult;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Cuts a {@link RolloutCollector}'s rollouts into {@link Segment}s, one per environment per
 * rollout, and hands them on in environment order when the rollout ends.
 */
public final class SegmentBuilder implements RolloutSink {

    private final String source;
    private final int numEnvs;
    private final int nSteps;
    private final int obsDim;
    private final int actDim;
    private final Consumer<Segment> segments;
    private final float[][] observations;
    private final float[][] actions;
    private final float[][] rewards;
    private final boolean[][] terminated;
    private final boolean[][] truncated;
    private final float[][] logProbs;
    private final float[][] truncationObservations;
    private final int[] truncations;
    private final int[] steps;

    /** @param source recorded in every segment (the actor id) */
    public SegmentBuilder(String source, int numEnvs, int nSteps, int observationDim, int actionDim,
                          Consumer<Segment> segments) {
        this.source = source;
        this.numEnvs = numEnvs;
        this.nSteps = nSteps;
        this.obsDim = observationDim;
        this.actDim = actionDim;
        this.segments = segments;
        observations = new float[numEnvs][nSteps * observationDim];
        actions = new float[numEnvs][nSteps * actionDim];
        rewards = new float[numEnvs][nSteps];
        terminated = new boolean[numEnvs][nSteps];
        truncated = new boolean[numEnvs][nSteps];
        logProbs = new float[numEnvs][nSteps];
        truncationObservations = new float[numEnvs][nSteps * observationDim];
        truncations = new int[numEnvs];
        steps = new int[numEnvs];
    }

    @Override
    public void step(int env, float[] obs, float[] action, double logProb, StepResult result) {
        int t = steps[env];
        if (t >= nSteps) {
            throw new IllegalStateException("environment " + env + " took more than " + nSteps + " steps in a rollout");
        }
        System.arraycopy(obs, env * obsDim, observations[env], t * obsDim, obsDim);
        System.arraycopy(action, env * actDim, actions[env], t * actDim, actDim);
        rewards[env][t] = (float) result.reward();
        terminated[env][t] = result.terminated();
        truncated[env][t] = result.truncated();
        logProbs[env][t] = (float) logProb;
        if (result.truncated()) {
            System.arraycopy(result.observation(), 0, truncationObservations[env], truncations[env] * obsDim, obsDim);
            truncations[env]++;
        }
        steps[env] = t + 1;
    }

    @Override
    public void rolloutEnded(long policyVersion, float[] obs) {
        for (int i = 0; i < numEnvs; i++) {
            if (steps[i] != nSteps) {
                throw new IllegalStateException("environment " + i + " took " + steps[i] + " of " + nSteps
                        + " steps in the rollout");
            }
            segments.accept(new Segment(source, policyVersion, obsDim, actDim, observations[i], actions[i],
                    rewards[i], terminated[i], truncated[i], logProbs[i],
                    Arrays.copyOf(truncationObservations[i], truncations[i] * obsDim),
                    Arrays.copyOfRange(obs, i * obsDim, (i + 1) * obsDim)));
            steps[i] = 0;
            truncations[i] = 0;
        }
    }
}
