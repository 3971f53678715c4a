package io.streamrl.kafka;

import io.streamrl.core.rollout.Segment;
import io.streamrl.schemas.FloatLists;
import io.streamrl.schemas.RecordValidationException;
import io.streamrl.schemas.RolloutSegmentValidator;
import io.streamrl.schemas.avro.RolloutSegment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The engine's {@link Segment} as the {@link RolloutSegment} of the rollouts topic, and back. */
public final class RolloutSegments {

    private static final RolloutSegmentValidator VALIDATOR = new RolloutSegmentValidator();

    private RolloutSegments() {
    }

    /**
     * The record an actor publishes.
     *
     * @param sequence the segment's number within the actor's run and environment slot
     */
    public static RolloutSegment toRecord(Segment s, String envId, long sequence, Instant eventTime) {
        return RolloutSegment.newBuilder()
                .setActorId(s.source())
                .setEnvId(envId)
                .setSequence(sequence)
                .setPolicyVersion(s.policyVersion())
                .setObservationDim(s.observationDim())
                .setActionDim(s.actionDim())
                .setObservations(FloatLists.of(s.observations()))
                .setActions(FloatLists.of(s.actions()))
                .setRewards(FloatLists.of(s.rewards()))
                .setTerminated(booleans(s.terminated()))
                .setTruncated(booleans(s.truncated()))
                .setBehaviourLogProbs(FloatLists.of(s.logProbs()))
                .setTruncationObservations(FloatLists.of(s.truncationObservations()))
                .setBootstrapObservation(FloatLists.of(s.bootstrapObservation()))
                .setEventTime(eventTime)
                .build();
    }

    /**
     * The segment a learner trains on.
     *
     * @throws RecordValidationException listing every problem when the record breaks a rule of
     *     {@link RolloutSegmentValidator}
     */
    public static Segment open(RolloutSegment r) {
        VALIDATOR.requireValid(r);
        return new Segment(r.getActorId(), r.getPolicyVersion(), r.getObservationDim(), r.getActionDim(),
                FloatLists.toArray(r.getObservations()), FloatLists.toArray(r.getActions()), FloatLists.toArray(r.getRewards()), flags(r.getTerminated()),
                flags(r.getTruncated()), FloatLists.toArray(r.getBehaviourLogProbs()), FloatLists.toArray(r.getTruncationObservations()),
                FloatLists.toArray(r.getBootstrapObservation()));
    }

    private static List<Boolean> booleans(boolean[] values) {
        List<Boolean> list = new ArrayList<>(values.length);
        for (boolean v : values) {
            list.add(v);
        }
        return list;
    }

    private static boolean[] flags(List<Boolean> values) {
        boolean[] out = new boolean[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
