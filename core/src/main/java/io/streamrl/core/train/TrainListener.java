package io.streamrl.core.train;

import io.streamrl.core.policy.PolicySnapshot;

/** Receives progress from a training run; called on the training thread. */
public interface TrainListener {

    /** A new evaluation point of the learning curve. */
    void onEvaluation(CurvePoint point);

    /** An episode of the behaviour policy ended. */
    default void onEpisode(long episode, double episodeReturn, long envSteps) {
    }

    /**
     * The run ended; {@code policy} is the final deterministic policy (named after the
     * environment, its version the number of updates), as actors and {@code streamrl evaluate} read it.
     */
    default void onFinished(PolicySnapshot policy) {
    }

    TrainListener NONE = point -> {
    };
}
