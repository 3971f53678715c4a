package io.streamrl.schemas;

import io.streamrl.schemas.avro.Transition;

/**
 * The content of a {@link Transition} in primitive arrays, as a learner consumes it: what
 * {@link TransitionReader} decodes straight from the wire without building the generated
 * record (whose float arrays are lists of boxed floats).
 *
 * <p>Arrays are owned by this value; callers may keep them.
 */
public record TransitionFields(String actorId, String envId, long episode, int step, float[] observation,
                               float[] action, double reward, float[] nextObservation, boolean terminated,
                               boolean truncated, long policyVersion, float[] explorationNoise, long eventTimeMillis,
                               String decisionId) {

    /** The same content taken from a decoded record (older schema versions, tests). */
    public static TransitionFields of(Transition t) {
        return new TransitionFields(t.getActorId(), t.getEnvId(), t.getEpisode(), t.getStep(),
                FloatLists.toArray(t.getObservation()), FloatLists.toArray(t.getAction()), t.getReward(),
                FloatLists.toArray(t.getNextObservation()), t.getTerminated(), t.getTruncated(), t.getPolicyVersion(),
                FloatLists.toArray(t.getExplorationNoise()),
                t.getEventTime() == null ? Long.MIN_VALUE : t.getEventTime().toEpochMilli(), t.getDecisionId());
    }
}
