package io.streamrl.learner;

import io.streamrl.core.agent.Ddpg;

/** Where the training thread sends the actor every {@code publish-every} updates. */
interface PolicySink {

    /** Snapshots {@code agent}'s actor and publishes it under the next version; called on the training thread. */
    void publish(Ddpg agent);
}
