package io.streamrl.learner;

import io.streamrl.core.agent.A2cConfig;
import io.streamrl.core.compute.ComputeBackends;
import io.streamrl.core.config.Check;
import io.streamrl.core.env.EnvSpec;
import io.streamrl.core.env.Envs;
import io.streamrl.core.policy.ObservationNormalizer;
import io.streamrl.core.policy.PolicyName;
import io.streamrl.core.rollout.StalenessPolicy;
import io.streamrl.kafka.MetricsServer;
import java.time.Duration;
import java.util.Locale;

/**
 * Everything the A2C learner ({@link A2cLearnerService}) needs besides the Kafka connection,
 * validated on construction; messages name the options as the command line spells them.
 *
 * @param env environment the segments come from (discrete or continuous actions)
 * @param algorithm A2C hyperparameters; {@code num-envs} is the number of segments per update
 *     and {@code n-steps} the length every segment must have
 * @param staleness what to do with segments of older policies ({@code --staleness},
 *     {@code --max-staleness}, {@code rho-bar}, {@code c-bar})
 * @param seed master seed of the networks' initialisation and the evaluation environment
 * @param policyName key of the published snapshots on the policy topic
 * @param publishEvery publish a snapshot every this many updates (1 by default: on-policy
 *     actors should act with the newest policy)
 * @param backend compute backend name
 * @param evalEvery evaluate the greedy policy every this many updates; 0 turns it off
 * @param evalEpisodes episodes per evaluation
 * @param metricsHost address the Prometheus endpoint binds to
 * @param metricsPort port of {@code /metrics}; -1 for none, 0 for a free one
 * @param progressInterval how often the progress line is logged
 * @param observationNormalizer applied before the networks; travels with each snapshot
 */
public record A2cLearnerConfig(String env, A2cConfig algorithm, StalenessPolicy staleness, long seed,
                               String policyName, long publishEvery, String backend, long evalEvery, int evalEpisodes,
                               String metricsHost, int metricsPort, Duration progressInterval,
                               ObservationNormalizer observationNormalizer) {

    public static final long DEFAULT_PUBLISH_EVERY = 1;

    public A2cLearnerConfig {
        EnvSpec spec;
        try {
            spec = Envs.spec(env);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("env: " + e.getMessage(), e);
        }
        env = spec.id();
        if (algorithm == null || staleness == null) {
            throw new IllegalArgumentException("the A2C hyperparameters and the staleness policy must be set");
        }
        PolicyName.check("policy-name", policyName);
        Check.inClosed("publish-every", publishEvery, 1, 1_000_000_000L);
        String backendKey = backend == null ? "" : backend.strip().toLowerCase(Locale.ROOT);
        if (!ComputeBackends.NAMES.contains(backendKey)) {
            throw new IllegalArgumentException("backend must be one of " + ComputeBackends.NAMES + ", got '"
                    + backend + "'");
        }
        backend = backendKey;
        Check.inClosed("eval-every", evalEvery, 0, 1_000_000_000L);
        Check.inClosed("eval-episodes", evalEpisodes, 1, 10_000);
        MetricsServer.checkHost(metricsHost);
        Check.inClosed("metrics-port", metricsPort, LearnerConfig.NO_METRICS_PORT, 65_535);
        if (progressInterval == null || progressInterval.toMillis() < 100 || progressInterval.toHours() > 1) {
            throw new IllegalArgumentException("progress-interval must be in [PT0.1S, PT1H], got " + progressInterval);
        }
        if (observationNormalizer == null || observationNormalizer.dim() != spec.observationDim()) {
            throw new IllegalArgumentException("observation-normalizer must have " + spec.observationDim()
                    + " entries (the observation size of " + spec.id() + ")");
        }
    }

    /**
     * Defaults for {@code env}: SB3's A2C, staleness discard with max-staleness 4, seed 0, policy
     * named after the environment, publishing every update, the scalar backend (A2C's networks
     * are small; see the README), evaluation every 100 updates over 10 episodes, no metrics.
     */
    public static A2cLearnerConfig of(String env) {
        EnvSpec spec = Envs.spec(env);
        return new A2cLearnerConfig(env, A2cConfig.a2c(), StalenessPolicy.defaults(), 0, spec.id(),
                DEFAULT_PUBLISH_EVERY, ComputeBackends.SCALAR, 100, LearnerConfig.DEFAULT_EVAL_EPISODES,
                MetricsServer.DEFAULT_HOST, LearnerConfig.NO_METRICS_PORT, LearnerConfig.DEFAULT_PROGRESS_INTERVAL,
                ObservationNormalizer.identity(spec.observationDim()));
    }

    public A2cLearnerConfig with(A2cConfig value, StalenessPolicy policy) {
        return new A2cLearnerConfig(env, value, policy, seed, policyName, publishEvery, backend, evalEvery,
                evalEpisodes, metricsHost, metricsPort, progressInterval, observationNormalizer);
    }

    public A2cLearnerConfig withRun(long seedValue, long publishEveryValue, long evalEveryValue, String backendName) {
        return new A2cLearnerConfig(env, algorithm, staleness, seedValue, policyName, publishEveryValue, backendName,
                evalEveryValue, evalEpisodes, metricsHost, metricsPort, progressInterval, observationNormalizer);
    }

    public A2cLearnerConfig withService(String name, String host, int port, Duration progress) {
        return new A2cLearnerConfig(env, algorithm, staleness, seed, name, publishEvery, backend, evalEvery,
                evalEpisodes, host, port, progress, observationNormalizer);
    }

    public EnvSpec envSpec() {
        return Envs.spec(env);
    }

    /** {@code key=value ...} for the start-up log. */
    public String toLogLine() {
        return "env=" + env + " algorithm=a2c " + staleness.toLogLine() + " seed=" + seed + " policy-name="
                + policyName + " publish-every=" + publishEvery + " backend=" + backend + " eval-every=" + evalEvery
                + " eval-episodes=" + evalEpisodes + " metrics-port=" + metricsPort + " start-position=latest"
                + " checkpoints=off";
    }
}
