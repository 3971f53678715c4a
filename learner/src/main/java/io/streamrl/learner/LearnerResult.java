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
        /** Offline: the run took its {@code updates} gradient updates on the log and published the policy. */
        COMPLETED,
        /**
         * Offline: the transitions topic held fewer usable transitions than {@code learning-starts}
         * (an empty or wrong namespace, or every record rejected); nothing was trained.
         */
        NO_DATA,
        /**
         * {@code max-consecutive-trips} updates in a row were refused by the guard (a loss, gradient
         * or weight not finite, or an exploding critic loss); training stopped there.
         */
        UPDATE_FAILED,
        /** Reading the transitions topic failed. */
        INGEST_FAILED,
        /**
         * Another learner for the same namespace and policy started and took over the policy's
         * transactional id; this one stopped without publishing again. One learner per policy.
         */
        FENCED,
        /** The training thread failed for another reason. */
        TRAINING_FAILED
    }

    /** True unless the learner was stopped on request or completed its offline run. */
    public boolean failed() {
        return outcome != Outcome.STOPPED && outcome != Outcome.COMPLETED;
    }
}
