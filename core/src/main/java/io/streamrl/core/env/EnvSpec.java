package io.streamrl.core.env;

/**
 * Static description of an environment.
 *
 * @param id Gymnasium-style id, e.g. {@code Pendulum-v1}
 * @param observationDim length of an observation
 * @param actionSpace what {@link Env#step(double[])} accepts
 * @param maxEpisodeSteps the time limit: {@code truncated} is set on the step whose 1-based
 *     index reaches it
 * @param solvedThreshold mean evaluation return at or above which the task counts as solved
 *     ({@code Double.NaN} when the task has none); see {@link #isSolvedBy(double)}
 * @param contextualBandit whether the states are drawn independently of the actions (a
 *     contextual bandit, e.g. Pricing-v0, whose market moves whatever price is set): a policy's
 *     expected reward per step on the state distribution is then its value, which off-policy
 *     evaluation of single logged decisions estimates ({@code io.streamrl.core.ope}); false when
 *     an action changes what comes next (Pendulum-v1)
 */
public record EnvSpec(String id, int observationDim, ActionSpace actionSpace, int maxEpisodeSteps,
                      double solvedThreshold, boolean contextualBandit) {

    public EnvSpec {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("env id must not be blank");
        }
        if (observationDim < 1) {
            throw new IllegalArgumentException("observationDim must be >= 1, got " + observationDim);
        }
        if (actionSpace == null) {
            throw new IllegalArgumentException("actionSpace must not be null");
        }
        if (maxEpisodeSteps < 1) {
            throw new IllegalArgumentException("maxEpisodeSteps must be >= 1, got " + maxEpisodeSteps);
        }
    }

    /** An environment whose actions change its next state (not a contextual bandit). */
    public EnvSpec(String id, int observationDim, ActionSpace actionSpace, int maxEpisodeSteps, double solvedThreshold) {
        this(id, observationDim, actionSpace, maxEpisodeSteps, solvedThreshold, false);
    }

    public int actionDim() {
        return actionSpace.dim();
    }

    /** Whether a mean evaluation return meets {@link #solvedThreshold()}; always false without one. */
    public boolean isSolvedBy(double meanReturn) {
        return meanReturn >= solvedThreshold;
    }
}
