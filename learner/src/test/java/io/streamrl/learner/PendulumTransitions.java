package io.streamrl.learner;

import io.streamrl.schemas.RecordCodec;
import io.streamrl.schemas.avro.Transition;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;

/** Valid Pendulum-v1-shaped transitions, as a simulation actor would publish them. */
final class PendulumTransitions {

    static final String ENV_ID = "Pendulum-v1";
    static final int MAX_STEPS = 200;
    private static final RecordCodec<Transition> CODEC = RecordCodec.transition();

    private PendulumTransitions() {
    }

    /** Step {@code step} (1-based) of an episode; the time limit truncates step 200. */
    static Transition.Builder builder(String actorId, long episode, int step, SplittableRandom random) {
        double theta = random.nextDouble(-Math.PI, Math.PI);
        double thetaDot = random.nextDouble(-8, 8);
        double torque = random.nextDouble(-2, 2);
        double nextTheta = random.nextDouble(-Math.PI, Math.PI);
        double nextThetaDot = random.nextDouble(-8, 8);
        return Transition.newBuilder()
                .setActorId(actorId)
                .setEnvId(ENV_ID)
                .setEpisode(episode)
                .setStep(step)
                .setObservation(observation(theta, thetaDot))
                .setAction(List.of((float) torque))
                .setReward(-(theta * theta + 0.1 * thetaDot * thetaDot + 0.001 * torque * torque))
                .setNextObservation(observation(nextTheta, nextThetaDot))
                .setTerminated(false)
                .setTruncated(step == MAX_STEPS)
                .setPolicyVersion(-1)
                .setExplorationNoise(List.of())
                .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L + step))
                .setDecisionId(null);
    }

    /** The {@code index}-th transition of an actor that runs 200-step episodes back to back. */
    static Transition nth(String actorId, long index, SplittableRandom random) {
        return builder(actorId, index / MAX_STEPS, (int) (index % MAX_STEPS) + 1, random).build();
    }

    static byte[] encode(Transition transition) {
        return CODEC.encode(transition);
    }

    private static List<Float> observation(double theta, double thetaDot) {
        return List.of((float) Math.cos(theta), (float) Math.sin(theta), (float) thetaDot);
    }
}
