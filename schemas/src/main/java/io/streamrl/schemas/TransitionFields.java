package io.streamrl.schemas;

import io.streamrl.schemas.avro.JoinResult;
import io.streamrl.schemas.avro.Transition;

/**
 * A {@link TransitionView} that owns its arrays: a decoded record of an older schema version,
 * or a copy of a view that must outlive its reader's next read.
 */
public record TransitionFields(String actorId, String envId, long episode, int step, float[] observation,
                               float[] action, double reward, float[] nextObservation, boolean terminated,
                               boolean truncated, long policyVersion, float[] explorationNoise, long eventTimeMillis,
                               String decisionId, double logDensity, JoinResult joinResult, int joinRewardCount,
                               long joinWaitMillis) implements TransitionView {

    /** The same content taken from a decoded record. */
    public static TransitionFields of(Transition t) {
        return new TransitionFields(t.getActorId(), t.getEnvId(), t.getEpisode(), t.getStep(),
                FloatLists.toArray(t.getObservation()), FloatLists.toArray(t.getAction()), t.getReward(),
                FloatLists.toArray(t.getNextObservation()), t.getTerminated(), t.getTruncated(), t.getPolicyVersion(),
                FloatLists.toArray(t.getExplorationNoise()),
                t.getEventTime() == null ? Long.MIN_VALUE : t.getEventTime().toEpochMilli(), t.getDecisionId(),
                t.getLogDensity() == null ? Double.NaN : t.getLogDensity(),
                t.getJoin() == null ? null : t.getJoin().getResult(),
                t.getJoin() == null ? 0 : t.getJoin().getRewardCount(),
                t.getJoin() == null ? 0 : t.getJoin().getWaitMs());
    }

    /** A copy whose arrays belong to it alone. */
    public static TransitionFields copyOf(TransitionView v) {
        return new TransitionFields(v.actorId(), v.envId(), v.episode(), v.step(), v.observation().clone(),
                v.action().clone(), v.reward(), v.nextObservation().clone(), v.terminated(), v.truncated(),
                v.policyVersion(), v.explorationNoise().clone(), v.eventTimeMillis(), v.decisionId(), v.logDensity(),
                v.joinResult(), v.joinRewardCount(), v.joinWaitMillis());
    }
}
