package io.streamrl.core.rollout;

import java.util.SplittableRandom;

/** A policy that draws its actions from a distribution and knows their log-probabilities. */
public interface StochasticPolicy {

    /**
     * Draws one action per row for {@code rows} raw observations ({@code rows x observationDim}).
     *
     * @param actionsOut {@code rows x actionDim}: an index (categorical) or the unclipped
     *     normalised sample (Gaussian), what the log-probability refers to
     * @param logProbsOut {@code log pi(a|s)} per row
     */
    void sample(float[] observations, int rows, SplittableRandom random, float[] actionsOut, double[] logProbsOut);
}
