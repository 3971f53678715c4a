package io.streamrl.core.rollout;

import java.util.Objects;

/**
 * A rollout segment: {@code steps} consecutive steps of one environment under one policy
 * version, what an A2C actor sends and the learner trains on whole. Observations are raw
 * (environment units; the learner normalises them as it does transitions); actions are what
 * the policy drew (the index, or the unclipped normalised Gaussian sample) and
 * {@code logProbs} their behaviour log-probabilities {@code log mu(a|s)}.
 *
 * <p>A segment runs on across episode ends, as an A2C rollout does: a step that terminated or
 * was truncated is followed by the first step of the next episode. A truncated episode is
 * not at a terminal state, so its value goes on: {@code truncationObservations} holds the
 * final observation of every truncated step, in step order, for the learner to bootstrap from.
 * {@code bootstrapObservation} is the observation the environment is in after the last step
 * (the next episode's first when the last step ended one).
 *
 * <p>Validated on construction; the arrays are copied in and out.
 *
 * @param source who produced it (the actor id)
 * @param policyVersion the policy version that chose every action, {@code >= 0}
 */
public record Segment(String source, long policyVersion, int observationDim, int actionDim, float[] observations,
                      float[] actions, float[] rewards, boolean[] terminated, boolean[] truncated, float[] logProbs,
                      float[] truncationObservations, float[] bootstrapObservation) {

    /** Most steps in one segment. */
    public static final int MAX_STEPS = 100_000;

    public Segment {
        Objects.requireNonNull(source, "source");
        if (policyVersion < 0) {
            throw new IllegalArgumentException("policy version must be >= 0, got " + policyVersion);
        }
        if (observationDim < 1 || actionDim < 1) {
            throw new IllegalArgumentException("observation and action dimensions must be >= 1, got "
                    + observationDim + " and " + actionDim);
        }
        int steps = rewards.length;
        if (steps < 1 || steps > MAX_STEPS) {
            throw new IllegalArgumentException("a segment has 1 to " + MAX_STEPS + " steps, got " + steps);
        }
        checkLength("observations", observations, steps * observationDim);
        checkLength("actions", actions, steps * actionDim);
        checkLength("log_probs", logProbs, steps);
        checkLength("bootstrap_observation", bootstrapObservation, observationDim);
        if (terminated.length != steps || truncated.length != steps) {
            throw new IllegalArgumentException("terminated and truncated need " + steps + " flags each, got "
                    + terminated.length + " and " + truncated.length);
        }
        int truncations = 0;
        for (boolean t : truncated) {
            truncations += t ? 1 : 0;
        }
        checkLength("truncation_observations", truncationObservations, truncations * observationDim);
        observations = observations.clone();
        actions = actions.clone();
        rewards = rewards.clone();
        terminated = terminated.clone();
        truncated = truncated.clone();
        logProbs = logProbs.clone();
        truncationObservations = truncationObservations.clone();
        bootstrapObservation = bootstrapObservation.clone();
        for (float[] values : new float[][] {observations, actions, rewards, logProbs, truncationObservations,
            bootstrapObservation}) {
            for (float v : values) {
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("a segment holds only finite values, got " + v);
                }
            }
        }
    }

    public int steps() {
        return rewards.length;
    }

    @Override
    public float[] observations() {
        return observations.clone();
    }

    @Override
    public float[] actions() {
        return actions.clone();
    }

    @Override
    public float[] rewards() {
        return rewards.clone();
    }

    @Override
    public boolean[] terminated() {
        return terminated.clone();
    }

    @Override
    public boolean[] truncated() {
        return truncated.clone();
    }

    @Override
    public float[] logProbs() {
        return logProbs.clone();
    }

    @Override
    public float[] truncationObservations() {
        return truncationObservations.clone();
    }

    @Override
    public float[] bootstrapObservation() {
        return bootstrapObservation.clone();
    }

    @Override
    public String toString() {
        return "Segment[" + source + " v" + policyVersion + ", " + steps() + " steps]";
    }

    private static void checkLength(String field, float[] values, int expected) {
        if (values.length != expected) {
            throw new IllegalArgumentException(field + " needs " + expected + " values, got " + values.length);
        }
    }
}
