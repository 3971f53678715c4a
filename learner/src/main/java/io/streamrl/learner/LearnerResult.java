package io.streamrl.learner;

/**
 * How a {@link LearnerService#run()} ended.
 *
 * @param outcome why it ended
 * @param reason what happened, in words (for the log and the command's exit message)
 * @param stats the counters when it ended
 */
public record LearnerResult(Outcome outcome, String reason, LearnerStats stats) {

    public enum Outcome {
        /** {@link LearnerService#close()} was called; nothing went wrong. */
        STOPPED,
        /** A gradient update was refused for a non-finite loss or gradient; training stopped there. */
        UPDATE_FAILED,
        /** Reading the transitions topic failed. */
        INGEST_FAILED,
        /** The training thread failed for another reason. */
        TRAINING_FAILED
    }

    /** True unless the learner was stopped on request. */
    public boolean failed() {
        return outcome != Outcome.STOPPED;
    }
}
