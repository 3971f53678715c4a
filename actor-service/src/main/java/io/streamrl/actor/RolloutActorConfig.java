package io.streamrl.actor;

import io.streamrl.core.config.Check;
import io.streamrl.core.env.EnvSpec;
import io.streamrl.core.env.Envs;
import io.streamrl.core.policy.PolicyName;
import io.streamrl.kafka.MetricsServer;
import java.time.Duration;

/**
 * Everything one on-policy (A2C) rollout actor needs, validated on construction; every message
 * names the option as the command line spells it.
 *
 * @param actorId id of this actor: the Kafka key of its segments and episodes; as for {@link ActorConfig}
 * @param env environment (Gymnasium id; short names are canonicalised); discrete or continuous
 * @param seed the one seed every random stream of the actor is split from
 * @param policyName the policy to follow on the policy topic; see {@link PolicyName}
 * @param numEnvs environments the actor steps in lock-step; each rollout gives one segment per environment
 * @param nSteps steps per segment; must be the learner's {@code n-steps}
 * @param rolloutsPerVersion rollouts the actor collects with one policy version before it waits
 *     for a newer one (at most {@code policy-wait}); 0 turns flow control off. 1 keeps the actors
 *     in lock-step with the learner (A2C); more lets them run ahead (A3C-style)
 * @param lagVersions act with a policy this many versions older than the newest the actor has
 *     seen (0: the newest), to study stale actors; the actor keeps the versions it saw
 * @param policyWait longest wait for a newer policy, and for the first one
 * @param maxSteps environment steps after which the actor stops (0: until stopped)
 * @param metricsHost address the Prometheus endpoint binds to
 * @param metricsPort port of {@code /metrics}; -1 for none
 */
public record RolloutActorConfig(String actorId, String env, long seed, String policyName, int numEnvs, int nSteps,
                                 long rolloutsPerVersion, int lagVersions, Duration policyWait, long maxSteps,
                                 String metricsHost, int metricsPort) {

    public static final int DEFAULT_NUM_ENVS = 1;
    public static final int DEFAULT_N_STEPS = 5;
    public static final long DEFAULT_ROLLOUTS_PER_VERSION = 2;
    public static final int MAX_LAG_VERSIONS = 1_000;

    public RolloutActorConfig {
        Check.identifier("actor-id", actorId);
        try {
            env = Envs.spec(env).id();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("env: " + e.getMessage(), e);
        }
        PolicyName.check("policy-name", policyName);
        Check.inClosed("num-envs", numEnvs, 1, 1024);
        Check.inClosed("n-steps", nSteps, 1, 10_000);
        Check.inClosed("rollouts-per-version", rolloutsPerVersion, 0, Long.MAX_VALUE);
        Check.inClosed("lag-versions", lagVersions, 0, MAX_LAG_VERSIONS);
        if (policyWait == null || policyWait.isNegative() || policyWait.isZero()
                || policyWait.compareTo(ActorConfig.MAX_POLICY_WAIT) > 0) {
            throw Check.invalid("policy-wait", policyWait, "(0 s, " + ActorConfig.MAX_POLICY_WAIT.toMinutes() + " min]");
        }
        Check.inClosed("max-steps", maxSteps, 0, Long.MAX_VALUE);
        MetricsServer.checkHost(metricsHost);
        Check.inClosed("metrics-port", metricsPort, ActorConfig.NO_METRICS, 65_535);
    }

    /**
     * Defaults: policy named after the environment's Gymnasium id, one environment, n-steps 5,
     * two rollouts per version, no lag, 1 s policy wait, no step limit, no metrics.
     */
    public static RolloutActorConfig of(String actorId, String env, long seed) {
        return new RolloutActorConfig(actorId, env, seed, Envs.spec(env).id(), DEFAULT_NUM_ENVS, DEFAULT_N_STEPS,
                DEFAULT_ROLLOUTS_PER_VERSION, 0, ActorConfig.DEFAULT_POLICY_WAIT, 0, MetricsServer.DEFAULT_HOST,
                ActorConfig.NO_METRICS);
    }

    public RolloutActorConfig withPolicyName(String value) {
        return new RolloutActorConfig(actorId, env, seed, value, numEnvs, nSteps, rolloutsPerVersion, lagVersions,
                policyWait, maxSteps, metricsHost, metricsPort);
    }

    public RolloutActorConfig withRollouts(int envs, int steps, long perVersion) {
        return new RolloutActorConfig(actorId, env, seed, policyName, envs, steps, perVersion, lagVersions,
                policyWait, maxSteps, metricsHost, metricsPort);
    }

    public RolloutActorConfig withLagVersions(int value) {
        return new RolloutActorConfig(actorId, env, seed, policyName, numEnvs, nSteps, rolloutsPerVersion, value,
                policyWait, maxSteps, metricsHost, metricsPort);
    }

    public RolloutActorConfig withPolicyWait(Duration value) {
        return new RolloutActorConfig(actorId, env, seed, policyName, numEnvs, nSteps, rolloutsPerVersion,
                lagVersions, value, maxSteps, metricsHost, metricsPort);
    }

    public RolloutActorConfig withMaxSteps(long value) {
        return new RolloutActorConfig(actorId, env, seed, policyName, numEnvs, nSteps, rolloutsPerVersion,
                lagVersions, policyWait, value, metricsHost, metricsPort);
    }

    public RolloutActorConfig withMetrics(String host, int port) {
        return new RolloutActorConfig(actorId, env, seed, policyName, numEnvs, nSteps, rolloutsPerVersion,
                lagVersions, policyWait, maxSteps, host, port);
    }

    /** Steps allowed on one version before waiting for a newer one (0: unlimited). */
    long stepAllowance() {
        return rolloutsPerVersion * numEnvs * nSteps;
    }

    public EnvSpec envSpec() {
        return Envs.spec(env);
    }

    /** {@code key=value ...} for the start-up log. */
    public String toLogLine() {
        return "actor-id=" + actorId + " env=" + env + " seed=" + seed + " policy-name=" + policyName + " num-envs="
                + numEnvs + " n-steps=" + nSteps + " rollouts-per-version=" + rolloutsPerVersion + " lag-versions="
                + lagVersions + " policy-wait=" + policyWait.toMillis() + "ms max-steps=" + maxSteps
                + " metrics-port=" + metricsPort;
    }
}
