package io.streamrl.core.rollout;

import io.streamrl.core.env.ActionSpace;
import io.streamrl.core.env.Env;
import io.streamrl.core.env.EnvSpec;
import io.streamrl.core.env.StepResult;
import io.streamrl.core.policy.PolicyHead;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The on-policy experience loop, as A2C runs it: several environments stepped in lock-step with
 * a stochastic policy (one batched draw for all of them per step), {@code n-steps} steps per
 * rollout, each step handed to a {@link RolloutSink}. The local A2C trainer and the Kafka
 * rollout actor both collect through it; the off-policy loop with exploration noise is
 * {@code explore.Explorer}.
 *
 * <p>A categorical policy's index goes to the environment as it is; a Gaussian sample is
 * clipped to [-1, 1] and scaled to the box (the sink gets the unclipped sample, which the
 * log-probability refers to). An environment whose episode ends is reset at once and goes on.
 *
 * <p>Not thread-safe: one thread owns a collector and its environments.
 */
public final class RolloutCollector {

    private final Env[] envs;
    private final int nSteps;
    private final RolloutSink sink;
    private final int obsDim;
    private final int actDim;
    /** How a drawn action steps the environment: an index, or a Gaussian sample clipped and scaled to the box. */
    private final PolicyHead head;
    private final double[] low;
    private final double[] high;
    private final float[] observations;
    private final float[] actions;
    private final double[] logProbs;
    private final double[] episodeReturns;
    private final int[] episodeLengths;
    private boolean started;

    /** @param envs environments of one kind, stepped in this order */
    public RolloutCollector(List<Env> envs, int nSteps, RolloutSink sink) {
        if (envs.isEmpty() || nSteps < 1) {
            throw new IllegalArgumentException("a rollout needs at least one environment and one step, got "
                    + envs.size() + " and " + nSteps);
        }
        this.envs = envs.toArray(Env[]::new);
        this.nSteps = nSteps;
        this.sink = Objects.requireNonNull(sink, "sink");
        EnvSpec spec = this.envs[0].spec();
        obsDim = spec.observationDim();
        if (spec.actionSpace() instanceof ActionSpace.Box box) {
            head = PolicyHead.GAUSSIAN;
            actDim = box.dim();
            low = box.low();
            high = box.high();
        } else {
            head = PolicyHead.CATEGORICAL;
            actDim = 1;
            low = null;
            high = null;
        }
        int n = this.envs.length;
        observations = new float[n * obsDim];
        actions = new float[n * actDim];
        logProbs = new double[n];
        episodeReturns = new double[n];
        episodeLengths = new int[n];
    }

    public EnvSpec spec() {
        return envs[0].spec();
    }

    public int numEnvs() {
        return envs.length;
    }

    /** Environment steps of one rollout: {@code numEnvs * nSteps}. */
    public int stepsPerRollout() {
        return envs.length * nSteps;
    }

    /**
     * Steps every environment {@code n-steps} times with {@code policy} (version
     * {@code policyVersion}), then ends the rollout; the first call resets the environments.
     */
    public void collect(StochasticPolicy policy, long policyVersion, SplittableRandom random) {
        if (!started) {
            for (int i = 0; i < envs.length; i++) {
                System.arraycopy(envs[i].reset(), 0, observations, i * obsDim, obsDim);
            }
            started = true;
        }
        for (int t = 0; t < nSteps; t++) {
            policy.sample(observations, envs.length, random, actions, logProbs);
            for (int i = 0; i < envs.length; i++) {
                StepResult result = envs[i].step(head.environmentAction(actions, i, actDim, low, high));
                episodeReturns[i] += result.reward();
                episodeLengths[i]++;
                sink.step(i, observations, actions, logProbs[i], result);
                if (result.done()) {
                    sink.episodeEnded(i, episodeReturns[i], episodeLengths[i], result.terminated(), policyVersion);
                    episodeReturns[i] = 0;
                    episodeLengths[i] = 0;
                    System.arraycopy(envs[i].reset(), 0, observations, i * obsDim, obsDim);
                } else {
                    System.arraycopy(result.observation(), 0, observations, i * obsDim, obsDim);
                }
            }
        }
        sink.rolloutEnded(policyVersion, observations);
    }
}
