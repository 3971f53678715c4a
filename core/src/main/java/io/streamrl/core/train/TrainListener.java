package io.streamrl.core.train;

/** Receives progress from a training run; called on the training thread. */
public interface TrainListener {

    /** A new evaluation point of the learning curve. */
    void onEvaluation(CurvePoint point);

    /** An episode of the behaviour policy ended. */
    default void onEpisode(long episode, double episodeReturn, long envSteps) {
    }

    TrainListener NONE = point -> {
    };
}
