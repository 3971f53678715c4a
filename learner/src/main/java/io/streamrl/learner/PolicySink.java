package io.streamrl.learner;

import io.streamrl.core.agent.Ddpg;
import io.streamrl.core.policy.ObservationNormalizer;

/** Where the training thread sends the actor every {@code publish-every} updates. */
interface PolicySink {

    /**
     * Snapshots {@code agent}'s actor and publishes it under the next version, with {@code
     * normalizer}, the map the agent's observations went through, for the actors to apply;
     * called on the training thread.
     */
    void publish(Ddpg agent, ObservationNormalizer normalizer);
}
