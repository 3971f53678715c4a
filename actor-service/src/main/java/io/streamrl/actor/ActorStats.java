package io.streamrl.actor;

/**
 * A consistent-enough snapshot of one actor's counters (each value is read atomically; the set
 * is not), for tests and progress lines. The same numbers are exported as metrics.
 *
 * @param envSteps environment steps taken
 * @param transitionsSent transitions handed to the producer
 * @param transitionsAcked transitions the broker acknowledged (exact)
 * @param transitionsFailed transitions that could not be published
 * @param episodes episodes finished
 * @param episodeSummariesFailed episode summaries that could not be published
 * @param lastEpisodeReturn return of the last finished episode; NaN before the first
 * @param policyVersion version of the policy in use; -1 while acting randomly
 * @param policySwaps policy snapshots accepted by the subscriber
 * @param policyRejected policy snapshots refused by the subscriber
 * @param policyWaitTimeouts waits for a newer policy that ended without one
 */
public record ActorStats(
        long envSteps,
        long transitionsSent,
        long transitionsAcked,
        long transitionsFailed,
        long episodes,
        long episodeSummariesFailed,
        double lastEpisodeReturn,
        long policyVersion,
        long policySwaps,
        long policyRejected,
        long policyWaitTimeouts) {
}
