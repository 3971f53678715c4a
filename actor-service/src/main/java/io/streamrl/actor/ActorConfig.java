package io.streamrl.actor;

import io.streamrl.core.config.Check;
import io.streamrl.core.config.RecordOptions;
import io.streamrl.core.env.ActionSpace;
import io.streamrl.core.env.EnvSpec;
import io.streamrl.core.env.Envs;
import io.streamrl.core.noise.ExplorationConfig;
import io.streamrl.core.noise.NoiseType;
import io.streamrl.core.policy.PolicyName;
import io.streamrl.kafka.MetricsServer;
import java.time.Duration;

/**
 * Everything one simulation actor needs, validated on construction; every message names the
 * kebab-case option ({@code max-policy-lag}) the command line uses.
 *
 * @param actorId id of this actor: the Kafka key of its transitions and episodes, part of its
 *     client ids and the {@code actor} tag of its metrics; 1 to 128 characters from
 *     {@code [A-Za-z0-9._-]}
 * @param env environment, stored as its Gymnasium id (a short name such as {@code pendulum}
 *     is accepted by the builder and canonicalised); needs a continuous action space
 * @param seed the one seed every random stream of the actor is split from
 * @param policyName name of the policy to follow on the policy topic (its Kafka key); see {@link PolicyName}
 * @param exploration how the actor explores around the policy's action (keys {@code noise},
 *     {@code noise-sigma}, {@code noise-sigma-min}, {@code noise-decay}, {@code ou-theta}), the
 *     same record as the learner's hyperparameters carry
 * @param maxPolicyLag steps the actor takes on one policy version before it waits for a newer
 *     one; 0 turns flow control off (default {@link #DEFAULT_MAX_POLICY_LAG})
 * @param stepsPerVersion steps each newer policy version pays for; what a version leaves unused
 *     carries over, up to {@code maxPolicyLag} in hand. 0 (the default) means {@code maxPolicyLag}:
 *     each version grants a fresh allowance. Below it, an actor that stays in step with a learner
 *     ({@link Pacing#inStepWith}) keeps steps in hand and goes on stepping while the learner's next
 *     version is on its way, instead of waiting out every round trip
 * @param warmupSteps with flow control on, random steps an actor may take before the first policy
 *     arrives, when that should differ from {@code maxPolicyLag} (a learner needs its
 *     {@code learning-starts} transitions before it can publish anything); 0 means
 *     {@code maxPolicyLag} (default {@link #DEFAULT_WARMUP_STEPS})
 * @param policyWait longest wait for a newer policy once {@code maxPolicyLag} is reached
 * @param maxSteps steps after which the actor stops; 0 runs until closed
 * @param metricsHost address the Prometheus endpoint binds to
 * @param metricsPort port of the Prometheus endpoint; -1 serves none, 0 picks a free port
 */
public record ActorConfig(
        String actorId,
        String env,
        long seed,
        String policyName,
        ExplorationConfig exploration,
        long maxPolicyLag,
        long stepsPerVersion,
        long warmupSteps,
        Duration policyWait,
        long maxSteps,
        String metricsHost,
        int metricsPort) {

    /** Gaussian noise with a constant scale of 0.1, as {@code DdpgConfig.ddpg()}. */
    public static final NoiseType DEFAULT_NOISE = NoiseType.GAUSSIAN;
    public static final double DEFAULT_NOISE_SIGMA = 0.1;
    public static final double DEFAULT_NOISE_SIGMA_MIN = 0.1;
    public static final double DEFAULT_NOISE_DECAY = 1.0;
    public static final double DEFAULT_OU_THETA = ExplorationConfig.DEFAULT_OU_THETA;
    /**
     * Flow control is on by default: without it one simulated Pendulum actor wrote 7.3 million
     * steps in 60 s on a stale policy. 500 steps per version is five times what one actor must
     * give a learner with the learner's defaults ({@code publish-every} 100, {@code replay-ratio}
     * 1) before it publishes again, so one actor does not wait on a healthy learner even with
     * {@code publish-every} up to 500 or {@code replay-ratio} down to 0.2, while the learner gets
     * at most five times the transitions its replay ratio consumes (ten times, at 1,000, it got
     * 18,700 steps/s here) and an actor whose learner is gone writes at most 500 steps per
     * {@code policy-wait}.
     */
    public static final long DEFAULT_MAX_POLICY_LAG = 500;
    /**
     * Random steps before the first policy: a learner with its defaults publishes first after
     * {@code learning-starts} 1,000 plus {@code publish-every} 100 transitions; twice 1,000 lets one
     * actor get there without a wait even when the learner starts a little later.
     */
    public static final long DEFAULT_WARMUP_STEPS = 2_000;
    public static final Duration DEFAULT_POLICY_WAIT = Duration.ofSeconds(1);
    public static final Duration MAX_POLICY_WAIT = Duration.ofHours(1);
    public static final int NO_METRICS = -1;

    public ActorConfig {
        Check.identifier("actor-id", actorId);
        env = continuousEnvId(env);
        PolicyName.check("policy-name", policyName);
        if (exploration == null) {
            throw Check.invalid("exploration", null, "a noise type and schedule");
        }
        Check.inClosed("max-policy-lag", maxPolicyLag, 0, Long.MAX_VALUE);
        Check.inClosed("steps-per-version", stepsPerVersion, 0, maxPolicyLag);
        Check.inClosed("warmup-steps", warmupSteps, 0, Long.MAX_VALUE);
        if (policyWait == null || policyWait.isNegative() || policyWait.isZero()
                || policyWait.compareTo(MAX_POLICY_WAIT) > 0) {
            throw Check.invalid("policy-wait", policyWait, "(0 s, " + MAX_POLICY_WAIT.toMinutes() + " min]");
        }
        Check.inClosed("max-steps", maxSteps, 0, Long.MAX_VALUE);
        MetricsServer.checkHost(metricsHost);
        Check.inClosed("metrics-port", metricsPort, NO_METRICS, 65_535);
    }

    /**
     * A builder with the defaults: policy named after the environment's Gymnasium id, Gaussian
     * noise 0.1 without decay, flow control with {@link #DEFAULT_MAX_POLICY_LAG} and
     * {@link #DEFAULT_WARMUP_STEPS}, 1 s policy wait, no step limit, no metrics.
     */
    public static Builder builder(String actorId, String env, long seed) {
        return new Builder(actorId, env, seed);
    }

    /** Steps allowed on {@code version} before flow control waits for a newer one (0 = unlimited). */
    public long stepAllowance(long version) {
        if (maxPolicyLag == 0) {
            return 0;
        }
        return version < 0 && warmupSteps > 0 ? warmupSteps : maxPolicyLag;
    }

    /** Steps each newer policy version adds to the allowance ({@code stepsPerVersion}, or {@code maxPolicyLag} when 0). */
    public long versionCredit() {
        return stepsPerVersion == 0 ? maxPolicyLag : stepsPerVersion;
    }

    /** {@code key=value ...} for the start-up log. */
    public String toLogLine() {
        return RecordOptions.toLogLine(this);
    }

    /** The environment's description (observation and action dimensions, bounds, time limit). */
    public EnvSpec envSpec() {
        return specOf(env);
    }

    private static String continuousEnvId(String name) {
        EnvSpec spec;
        try {
            spec = specOf(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("env: " + e.getMessage(), e);
        }
        if (!(spec.actionSpace() instanceof ActionSpace.Box)) {
            throw new IllegalArgumentException("env must have a continuous action space, got " + spec.id()
                    + " with " + spec.actionSpace() + "; the simulation actor runs DDPG/TD3 policies (choose e.g. "
                    + "pendulum, mountaincar or pricing)");
        }
        return spec.id();
    }

    private static EnvSpec specOf(String name) {
        return Envs.spec(name);
    }

    /** Builds an {@link ActorConfig}; values not set keep the defaults listed on {@link #builder}. */
    public static final class Builder {

        private final String actorId;
        private final String env;
        private final long seed;
        private String policyName;
        private NoiseType noise = DEFAULT_NOISE;
        private double noiseSigma = DEFAULT_NOISE_SIGMA;
        private Double noiseSigmaMin;
        private double noiseDecay = DEFAULT_NOISE_DECAY;
        private double ouTheta = DEFAULT_OU_THETA;
        private long maxPolicyLag = DEFAULT_MAX_POLICY_LAG;
        private long stepsPerVersion;
        private long warmupSteps = DEFAULT_WARMUP_STEPS;
        private Duration policyWait = DEFAULT_POLICY_WAIT;
        private long maxSteps;
        private String metricsHost = MetricsServer.DEFAULT_HOST;
        private int metricsPort = NO_METRICS;

        private Builder(String actorId, String env, long seed) {
            this.actorId = actorId;
            this.env = env;
            this.seed = seed;
        }

        public Builder policyName(String value) {
            policyName = value;
            return this;
        }

        public Builder noise(NoiseType value) {
            noise = value;
            return this;
        }

        /**
         * The scale of episode 0. Unless {@link #noiseSigmaMin} is set, the floor is the smaller
         * of this and {@link #DEFAULT_NOISE_SIGMA_MIN}, so that a decay alone takes effect and a
         * small scale alone is never below its floor.
         */
        public Builder noiseSigma(double value) {
            noiseSigma = value;
            return this;
        }

        public Builder noiseSigmaMin(double value) {
            noiseSigmaMin = value;
            return this;
        }

        public Builder noiseDecay(double value) {
            noiseDecay = value;
            return this;
        }

        public Builder ouTheta(double value) {
            ouTheta = value;
            return this;
        }

        /** All exploration settings at once, e.g. the learner's ({@code DdpgConfig.exploration()}). */
        public Builder exploration(ExplorationConfig value) {
            return noise(value.noise()).noiseSigma(value.noiseSigma()).noiseSigmaMin(value.noiseSigmaMin())
                    .noiseDecay(value.noiseDecay()).ouTheta(value.ouTheta());
        }

        /** All flow-control settings at once. */
        public Builder pacing(Pacing value) {
            return maxPolicyLag(value.maxPolicyLag()).stepsPerVersion(value.stepsPerVersion())
                    .warmupSteps(value.warmupSteps());
        }

        public Builder maxPolicyLag(long value) {
            maxPolicyLag = value;
            return this;
        }

        public Builder stepsPerVersion(long value) {
            stepsPerVersion = value;
            return this;
        }

        public Builder warmupSteps(long value) {
            warmupSteps = value;
            return this;
        }

        public Builder policyWait(Duration value) {
            policyWait = value;
            return this;
        }

        public Builder maxSteps(long value) {
            maxSteps = value;
            return this;
        }

        public Builder metricsHost(String value) {
            metricsHost = value;
            return this;
        }

        public Builder metricsPort(int value) {
            metricsPort = value;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the option and its allowed range
         */
        public ActorConfig build() {
            String policy = policyName;
            if (policy == null) {
                try {
                    policy = specOf(env).id();
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("env: " + e.getMessage(), e);
                }
            }
            double sigmaMin = noiseSigmaMin == null ? Math.min(noiseSigma, DEFAULT_NOISE_SIGMA_MIN) : noiseSigmaMin;
            return new ActorConfig(actorId, env, seed, policy,
                    new ExplorationConfig(noise, noiseSigma, sigmaMin, noiseDecay, ouTheta),
                    maxPolicyLag, stepsPerVersion, warmupSteps, policyWait, maxSteps, metricsHost, metricsPort);
        }
    }
}
