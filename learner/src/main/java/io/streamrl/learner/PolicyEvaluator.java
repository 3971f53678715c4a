package io.streamrl.learner;

import io.streamrl.core.agent.Ddpg;
import io.streamrl.core.env.ActionSpace;
import io.streamrl.core.env.Env;
import io.streamrl.core.policy.ActionScaling;
import io.streamrl.core.policy.ObservationNormalizer;
import io.streamrl.core.train.Evaluation;

/**
 * How the training thread scores the actor (an interface so tests can script the scores that
 * withhold a policy). {@link #of} runs the deterministic policy.
 */
interface PolicyEvaluator {

    /**
     * Scores the agent's actor, whose inputs go through {@code normalizer}; runs on the training
     * thread, which owns the agent.
     */
    Evaluation evaluate(Ddpg agent, ObservationNormalizer normalizer);

    /**
     * Runs the deterministic policy (no exploration noise) for a few episodes on an environment
     * of the learner's own, seeded separately from every actor, so the learning curve measures
     * the policy rather than the actors' luck.
     */
    static PolicyEvaluator of(Env env, int episodes) {
        if (!(env.spec().actionSpace() instanceof ActionSpace.Box box)) {
            throw new IllegalArgumentException(env.spec().id() + " has no continuous (Box) action space");
        }
        double[] low = box.low();
        double[] high = box.high();
        return (agent, normalizer) -> Evaluation.run(env,
                o -> ActionScaling.toEnvironment(agent.act(normalizer.apply(o)), low, high), episodes);
    }
}
