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

    /**
     * Publishes the last policy published again, under the next version: while the learner
     * withholds a collapsed policy, flow-controlled actors wait for a newer version after every
     * {@code max-policy-lag} steps, and without one they would crawl at {@code max-policy-lag}
     * steps per {@code policy-wait}, starving the training that could end the withholding. Does
     * nothing before the first publication, and in sinks that keep no policy (tests).
     */
    default void republishLast() {
    }
}
