package io.streamrl.learner;

/**
 * The learner's counters at one moment, the same numbers as its {@code learner.*} meters.
 *
 * @param phase where the service is in its life
 * @param transitionsReceived records read from the transitions topic (for A2C, the rollouts topic),
 *     valid or not, each counted once
 * @param transitionsRejected of those, records that failed decoding or validation
 * @param transitionsDeadLettered of those, records whose dead letter the dead-letter topic acknowledged
 * @param deadLetterFailures of the rejected, records whose dead letter could not be written
 * @param bufferSize transitions in the replay buffer
 * @param bufferFill {@code bufferSize / buffer-capacity}, 0..1
 * @param updates gradient updates taken
 * @param updatesPerSecond gradient updates per second over the last progress interval
 * @param policyVersion version of the last snapshot the broker acknowledged; -1 before the first
 * @param policiesPublished snapshots the broker acknowledged
 * @param criticLoss critic loss of the last update; NaN before the first
 * @param evalMeanReturn mean return of the last evaluation; NaN before the first (or when off)
 * @param updateFailures updates refused by the guard (a loss, gradient or weight not finite, or an
 *     exploding critic loss); each rolled the weights back to the last good checkpoint
 * @param policiesWithheld policies not published because their evaluation collapsed
 * @param updatesForfeited updates the replay ratio allowed for transitions that were overwritten
 *     before the learner got to them (it was behind)
 * @param transitionsRefilled records re-read after a restart from a checkpoint to refill the buffer,
 *     not counted in {@code transitionsReceived} (they were, before the checkpoint)
 * @param checkpointsWritten checkpoints stored in {@code checkpoint-dir}
 * @param checkpointFailures checkpoints that could not be written
 * @param checkpointsSkipped corrupt checkpoints skipped at start-up
 * @param rolloutsDiscarded A2C: segments the staleness policy dropped ({@code discard})
 * @param rolloutsCorrected A2C: segments from an older policy corrected with V-trace ({@code vtrace})
 */
public record LearnerStats(LearnerPhase phase, long transitionsReceived, long transitionsRejected,
                           long transitionsDeadLettered, long deadLetterFailures, int bufferSize,
                           double bufferFill, long updates, double updatesPerSecond, long policyVersion,
                           long policiesPublished, double criticLoss, double evalMeanReturn, long updateFailures,
                           long policiesWithheld, long updatesForfeited, long transitionsRefilled,
                           long checkpointsWritten, long checkpointFailures, long checkpointsSkipped,
                           long rolloutsDiscarded, long rolloutsCorrected) {

    /** Records received that passed decoding and validation. */
    public long transitionsAccepted() {
        return transitionsReceived - transitionsRejected;
    }
}
