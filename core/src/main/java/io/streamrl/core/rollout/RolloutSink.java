package io.streamrl.core.rollout;

import io.streamrl.core.env.StepResult;

/** Where the {@link RolloutCollector} hands the steps of its environments. */
public interface RolloutSink {

    /**
     * Environment {@code env}'s step: the raw observation it acted on (row {@code env} of
     * {@code observations}), the action drawn (row {@code env} of {@code actions}), its
     * log-probability, and the outcome; the arrays are reused after the call.
     */
    void step(int env, float[] observations, float[] actions, double logProb, StepResult result);

    /** Environment {@code env}'s episode ended with this step; called after {@link #step}. */
    default void episodeEnded(int env, double episodeReturn, int length, boolean terminated, long policyVersion) {
    }

    /**
     * The rollout is complete: every environment took {@code n-steps} steps with version
     * {@code policyVersion}; {@code observations} holds the raw observation each is in now.
     */
    void rolloutEnded(long policyVersion, float[] observations);
}
