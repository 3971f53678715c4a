package io.streamrl.learner;

import io.streamrl.core.agent.Ddpg;
import io.streamrl.core.env.ActionSpace;
import io.streamrl.core.env.Env;
import io.streamrl.core.policy.ActionScaling;
import io.streamrl.core.policy.ObservationNormalizer;
import io.streamrl.core.train.Evaluation;

/**
 * Runs the deterministic policy (no exploration noise) for a few episodes on an environment of
 * the learner's own, seeded separately from every actor, so the learning curve measures the
 * policy rather than the actors' luck. Runs on the training thread: the agent is not shared.
 */
final class PolicyEvaluator {

    private final Env env;
    private final int episodes;
    private final ObservationNormalizer normalizer;
    private final double[] low;
    private final double[] high;

    PolicyEvaluator(Env env, int episodes, ObservationNormalizer normalizer) {
        if (!(env.spec().actionSpace() instanceof ActionSpace.Box box)) {
            throw new IllegalArgumentException(env.spec().id() + " has no continuous (Box) action space");
        }
        this.env = env;
        this.episodes = episodes;
        this.normalizer = normalizer;
        this.low = box.low();
        this.high = box.high();
    }

    Evaluation evaluate(Ddpg agent) {
        return Evaluation.run(env, o -> ActionScaling.toEnvironment(agent.act(normalizer.apply(o)), low, high),
                episodes);
    }
}
