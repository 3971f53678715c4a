package io.streamrl.actor.serve;

/**
 * Where answered decisions and reported rewards are recorded (the decisions and rewards topics).
 * A record is handed over before the caller gets its answer; whether the broker then takes it is
 * counted, never dropped silently.
 */
public interface DecisionLog {

    /**
     * Records an answered decision.
     *
     * @throws DecisionEngine.Unavailable when the log cannot take records now (the caller gets 503
     *     and the decision counts as not answered)
     */
    void decided(DecisionResult decision);

    /**
     * Records a reward for {@code decisionId}, whose entity is {@code entity}.
     *
     * @param rewardId the caller's id for the reward, so that the join counts a repeat once; may be null
     *
     * @throws DecisionEngine.Unavailable when the log cannot take records now
     */
    void rewarded(String decisionId, String entity, double reward, boolean terminal, String rewardId);

    /** Why the log cannot take records now, or null when it can. */
    String unavailableReason();
}
