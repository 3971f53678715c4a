package io.streamrl.schemas;

import io.streamrl.schemas.avro.JoinResult;
import io.streamrl.schemas.avro.Transition;

/**
 * The content of a {@link Transition} with its float lists as primitive arrays: what a learner
 * reads. {@link TransitionFields} is the immutable form; {@link TransitionReader} hands out a
 * reused one that stays valid only until its next read, so that ingest allocates nothing per
 * record. Either way, callers must not write to the arrays.
 */
public interface TransitionView {

    String actorId();

    String envId();

    long episode();

    int step();

    float[] observation();

    float[] action();

    double reward();

    float[] nextObservation();

    boolean terminated();

    boolean truncated();

    long policyVersion();

    float[] explorationNoise();

    /** {@code Long.MIN_VALUE} when the record has none (only possible in records built by hand). */
    long eventTimeMillis();

    /** Null when the transition is not tied to a decision. */
    String decisionId();

    /** Behaviour log-density of the action; {@code NaN} when the record has none. */
    double logDensity();

    /** The reward join's outcome; null when the transition did not come from the join. */
    JoinResult joinResult();

    /** Distinct rewards the join combined; 0 when {@link #joinResult()} is null or DEFAULTED. */
    int joinRewardCount();

    /** Milliseconds from the decision to its first reward (or the end of the wait); 0 without a join. */
    long joinWaitMillis();
}
