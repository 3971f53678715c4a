package io.streamrl.schemas;

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
}
