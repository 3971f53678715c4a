package io.streamrl.bench;

import io.streamrl.core.compute.Activation;
import io.streamrl.core.env.ActionSpace;
import io.streamrl.core.env.Env;
import io.streamrl.core.env.EnvSpec;
import io.streamrl.core.env.Envs;
import io.streamrl.core.env.StepResult;
import io.streamrl.core.policy.ObservationNormalizer;
import io.streamrl.core.policy.PolicySnapshot;
import io.streamrl.kafka.PolicyEnvelopes;
import io.streamrl.schemas.FloatLists;
import io.streamrl.schemas.RecordCodec;
import io.streamrl.schemas.avro.PolicyEnvelope;
import io.streamrl.schemas.avro.Transition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Pendulum-v1 records as the pipeline carries them: transitions an actor publishes, snapshots a learner publishes. */
final class PendulumRecords {

    static final String ENV = "pendulum";

    private final Env env;
    private final EnvSpec spec;
    private final ActionSpace.Box box;
    private final SplittableRandom random;
    private final RecordCodec<Transition> transitionCodec = RecordCodec.transition();
    private final RecordCodec<PolicyEnvelope> policyCodec = RecordCodec.policyEnvelope();

    PendulumRecords(long seed) {
        SplittableRandom master = new SplittableRandom(seed);
        this.env = Envs.make(ENV, master.split());
        this.spec = env.spec();
        this.box = (ActionSpace.Box) spec.actionSpace();
        this.random = master.split();
    }

    static EnvSpec spec() {
        return Envs.spec(ENV);
    }

    /**
     * Encoded transitions of an actor that acts uniformly at random, episode after episode, as
     * a simulation actor before its first policy publishes them (same fields, same sizes).
     */
    List<byte[]> encodedTransitions(String actorId, int count, long eventTimeMillis) {
        List<byte[]> out = new ArrayList<>(count);
        float[] observation = env.reset();
        long episode = 0;
        int step = 0;
        for (int i = 0; i < count; i++) {
            double[] action = new double[box.dim()];
            for (int a = 0; a < action.length; a++) {
                action[a] = random.nextDouble(box.low()[a], box.high()[a]);
            }
            StepResult result = env.step(action);
            step++;
            Transition t = Transition.newBuilder()
                    .setActorId(actorId)
                    .setEnvId(spec.id())
                    .setEpisode(episode)
                    .setStep(step)
                    .setObservation(FloatLists.of(observation))
                    .setAction(FloatLists.of(action))
                    .setReward(result.reward())
                    .setNextObservation(FloatLists.of(result.observation()))
                    .setTerminated(result.terminated())
                    .setTruncated(result.truncated())
                    .setPolicyVersion(-1)
                    .setExplorationNoise(List.of())
                    .setEventTime(Instant.ofEpochMilli(eventTimeMillis))
                    .setDecisionId(null)
                    .build();
            out.add(transitionCodec.encode(t));
            if (result.done()) {
                observation = env.reset();
                episode++;
                step = 0;
            } else {
                observation = result.observation();
            }
        }
        return out;
    }

    /**
     * The encoded policy-topic value of a DDPG actor for Pendulum with two hidden layers of
     * {@code hidden} units and random weights (the latency of a swap depends on the size, not the values).
     */
    byte[] encodedPolicy(String name, long version, int hidden, long createdAtMillis) {
        int[] sizes = {spec.observationDim(), hidden, hidden, box.dim()};
        int weightCount = 0;
        for (int l = 0; l + 1 < sizes.length; l++) {
            weightCount += sizes[l] * sizes[l + 1] + sizes[l + 1];
        }
        float[] weights = new float[weightCount];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) random.nextDouble(-0.1, 0.1);
        }
        PolicySnapshot snapshot = PolicySnapshot.create(name, "ddpg", version, createdAtMillis, sizes, Activation.RELU,
                Activation.TANH, ObservationNormalizer.identity(spec.observationDim()), box.low(), box.high(), weights);
        return policyCodec.encode(PolicyEnvelopes.seal(snapshot));
    }
}
