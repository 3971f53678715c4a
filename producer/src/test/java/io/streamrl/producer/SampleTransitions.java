package io.streamrl.producer;

import io.streamrl.schemas.avro.Transition;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;

/** Valid Pendulum-v1 transitions for the tests, the same for the same arguments. */
final class SampleTransitions {

    private SampleTransitions() {
    }

    static Transition pendulum(String actorId, int index) {
        SplittableRandom r = new SplittableRandom(index * 31L + actorId.hashCode());
        return Transition.newBuilder()
                .setActorId(actorId)
                .setEnvId("Pendulum-v1")
                .setEpisode(index / 200)
                .setStep(index % 200 + 1)
                .setObservation(List.of((float) r.nextDouble(-1, 1), (float) r.nextDouble(-1, 1),
                        (float) r.nextDouble(-8, 8)))
                .setAction(List.of((float) r.nextDouble(-2, 2)))
                .setReward(-r.nextDouble(0, 16))
                .setNextObservation(List.of((float) r.nextDouble(-1, 1), (float) r.nextDouble(-1, 1),
                        (float) r.nextDouble(-8, 8)))
                .setTerminated(false)
                .setTruncated(index % 200 == 199)
                .setPolicyVersion(index / 100)
                .setExplorationNoise(List.of())
                .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L + index))
                .setDecisionId(null)
                .setLogDensity(index % 3 == 0 ? null : -r.nextDouble(0, 3))
                .setJoin(null)
                .build();
    }
}
