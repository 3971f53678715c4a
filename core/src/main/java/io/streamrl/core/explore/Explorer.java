package io.streamrl.core.explore;

import io.streamrl.core.env.ActionSpace;
import io.streamrl.core.env.Env;
import io.streamrl.core.env.EnvSpec;
import io.streamrl.core.env.StepResult;
import java.util.Objects;

/**
 * The one experience loop: act (a policy plus exploration noise, or uniformly at random while
 * there is no policy worth following), step the environment, hand the transition to a sink, and
 * start a new episode (new noise process at the episode's scale) when one ends. The local
 * trainer writes into its replay buffer through it, the simulation actor into Kafka.
 *
 * <p>Not thread-safe: one thread owns an explorer, its environment and its noise.
 */
public final class Explorer {

    private final Env env;
    private final BehaviourPolicy behaviour;
    private final TransitionSink sink;

    private float[] observation;
    private long episode;
    private int episodeStep;
    private double episodeReturn;

    public Explorer(Env env, BehaviourPolicy behaviour, TransitionSink sink) {
        this.env = Objects.requireNonNull(env, "env");
        this.behaviour = Objects.requireNonNull(behaviour, "behaviour");
        this.sink = Objects.requireNonNull(sink, "sink");
        if (!(env.spec().actionSpace() instanceof ActionSpace.Box)) {
            throw new IllegalArgumentException("exploration with continuous actions needs a Box action space; "
                    + env.spec().id() + " has " + env.spec().actionSpace());
        }
    }

    /**
     * Takes one step and hands it to the sink; the first call starts episode 0.
     *
     * @param policy the policy to act with; null for a uniform random action
     * @param policyVersion the policy's version, recorded with the step (-1 without a policy)
     */
    public Experience step(DeterministicPolicy policy, long policyVersion) {
        if (observation == null) {
            startEpisode();
        }
        BehaviourAction action = policy == null ? behaviour.uniform() : behaviour.act(policy, observation);
        StepResult result = env.step(action.environment());
        episodeStep++;
        episodeReturn += result.reward();
        Experience experience = new Experience(episode, episodeStep, observation, action, result.reward(),
                result.observation(), result.terminated(), result.truncated(), policy == null ? -1 : policyVersion,
                episodeReturn);
        sink.accept(experience);
        if (experience.done()) {
            episode++;
            startEpisode();
        } else {
            observation = result.observation();
        }
        return experience;
    }

    public EnvSpec spec() {
        return env.spec();
    }

    /** Episodes finished so far. */
    public long episodesDone() {
        return episode;
    }

    private void startEpisode() {
        observation = env.reset();
        behaviour.startEpisode(episode);
        episodeStep = 0;
        episodeReturn = 0;
    }
}
