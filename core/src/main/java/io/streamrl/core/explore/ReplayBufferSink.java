package io.streamrl.core.explore;

import io.streamrl.core.policy.ObservationNormalizer;
import io.streamrl.core.replay.ReplayBuffer;

/** Stores each step in a replay buffer, observations normalised as the networks see them. */
public final class ReplayBufferSink implements TransitionSink {

    private final ReplayBuffer buffer;
    private final ObservationNormalizer normalizer;

    public ReplayBufferSink(ReplayBuffer buffer, ObservationNormalizer normalizer) {
        this.buffer = buffer;
        this.normalizer = normalizer;
    }

    @Override
    public void accept(Experience e) {
        buffer.add(normalizer.apply(e.observation()), e.action().normalized(), e.reward(),
                normalizer.apply(e.nextObservation()), e.terminated());
    }
}
