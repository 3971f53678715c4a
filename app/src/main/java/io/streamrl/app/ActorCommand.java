package io.streamrl.app;

import io.streamrl.actor.ActorConfig;
import io.streamrl.actor.ActorService;
import io.streamrl.actor.ActorStats;
import io.streamrl.actor.RolloutActorConfig;
import io.streamrl.core.agent.A2cConfig;
import io.streamrl.core.agent.DdpgConfig;
import io.streamrl.core.noise.NoiseType;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "actor", mixinStandardHelpOptions = true,
        description = "Run a simulation actor: act in an environment with the newest policy from the policy topic plus "
                + "exploration noise, and publish every transition and episode summary. Start as many as you like, each"
                + " with its own --id. Stops after --max-steps, or on Ctrl-C / SIGTERM. With --algo a2c: sample from the"
                + " stochastic policy and publish rollout segments of --n-steps steps to the rollouts topic.")
final class ActorCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--env", required = true, description = "Environment: ${COMPLETION-CANDIDATES}",
            completionCandidates = EnvNames.class)
    String env;

    @Option(names = "--id", description = "Actor id, also the Kafka key of its transitions (default:"
            + " actor-<host>-<pid> with the short host name, so that processes on one machine and replicas in"
            + " containers, where every pid is 1, differ; actor-<pid> when the host name cannot be resolved).")
    String id;

    @Option(names = "--seed", description = "Seed of the environment and the noise (default: derived from --id, so"
            + " that actors differ and a restarted actor repeats itself).")
    Long seed;

    @Option(names = "--policy", description = "Policy name to follow (default: the env's Gymnasium id).")
    String policy;

    @Option(names = "--noise", description = "Exploration noise: gaussian or ou (default: gaussian).")
    NoiseType noise = ActorConfig.DEFAULT_NOISE;

    @Option(names = "--noise-sigma", description = "Noise scale in the first episode, in units of the normalised"
            + " action range [-1, 1] (default: " + ActorConfig.DEFAULT_NOISE_SIGMA + ").")
    double noiseSigma = ActorConfig.DEFAULT_NOISE_SIGMA;

    @Option(names = "--noise-sigma-min", description = "Floor of the decayed scale (default: min(sigma, 0.1)).")
    Double noiseSigmaMin;

    @Option(names = "--noise-decay", description = "Per-episode decay of the scale (default: "
            + ActorConfig.DEFAULT_NOISE_DECAY + ", none).")
    double noiseDecay = ActorConfig.DEFAULT_NOISE_DECAY;

    @Option(names = "--ou-theta", description = "Mean reversion of OU noise (default: " + ActorConfig.DEFAULT_OU_THETA
            + ").")
    double ouTheta = ActorConfig.DEFAULT_OU_THETA;

    @Option(names = "--max-policy-lag", description = "Steps on one policy version before waiting for a newer one,"
            + " so simulated actors do not outrun the learner (default: " + ActorConfig.DEFAULT_MAX_POLICY_LAG
            + ", five times what one actor gives a learner with publish-every 100 between two publications); raise it"
            + " when the actor warns that it waited in vain; 0 = never wait.")
    long maxPolicyLag = ActorConfig.DEFAULT_MAX_POLICY_LAG;

    @Option(names = "--steps-per-version", defaultValue = "0", description = "With --max-policy-lag: steps each"
            + " newer policy version pays for; what a version leaves unused carries over, up to --max-policy-lag in"
            + " hand, so that the actor goes on stepping while the next version is on its way (e.g. half of"
            + " --max-policy-lag; at most --max-policy-lag) (default: 0 = --max-policy-lag: a fresh allowance per"
            + " version).")
    long stepsPerVersion;

    @Option(names = "--policy-wait-ms", defaultValue = "1000",
            description = "Longest wait for a newer policy (default: ${DEFAULT-VALUE} ms).")
    long policyWaitMs;

    @Option(names = "--max-steps", defaultValue = "0", description = "Stop after this many steps; 0 = run until stopped.")
    long maxSteps;

    @Option(names = "--warmup-steps", description = "With --max-policy-lag: random steps before the first policy"
            + " arrives, e.g. the learner's learning-starts plus publish-every, divided by the number of actors"
            + " (default: " + ActorConfig.DEFAULT_WARMUP_STEPS + "); 0 = the same as --max-policy-lag.")
    long warmupSteps = ActorConfig.DEFAULT_WARMUP_STEPS;

    @Mixin
    MetricsOptions metrics;

    @Option(names = "--algo", description = "ddpg (also for td3: the actor runs whichever deterministic policy is"
            + " published) or a2c (a rollout actor: samples from the stochastic policy and publishes rollout"
            + " segments) (default: ddpg).")
    String algo;

    @Option(names = "--num-envs", defaultValue = "" + RolloutActorConfig.DEFAULT_NUM_ENVS, description = "A2C:"
            + " environments stepped in lock-step, one segment each per rollout (default: ${DEFAULT-VALUE}).")
    int numEnvs;

    @Option(names = "--n-steps", defaultValue = "" + RolloutActorConfig.DEFAULT_N_STEPS, description = "A2C: steps"
            + " per segment; must be the learner's n-steps (default: ${DEFAULT-VALUE}).")
    int nSteps;

    @Option(names = "--rollouts-per-version", defaultValue = "" + RolloutActorConfig.DEFAULT_ROLLOUTS_PER_VERSION,
            description = "A2C: rollouts collected with one policy version before waiting for a newer one; 0 ="
                    + " never wait (default: ${DEFAULT-VALUE}).")
    long rolloutsPerVersion;

    @Option(names = "--lag-versions", defaultValue = "0", description = "A2C: act with a policy this many versions"
            + " older than the newest seen, to study stale actors (default: ${DEFAULT-VALUE}).")
    int lagVersions;

    @Override
    public Integer call() {
        String actorId = id != null ? id : defaultId();
        if (algo != null && algo.strip().equalsIgnoreCase(A2cConfig.ALGORITHM)) {
            return rolloutActor(actorId);
        }
        if (algo != null && !DdpgConfig.ALGORITHMS.contains(algo.strip().toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("unknown algorithm '" + algo + "', valid: "
                    + String.join(", ", DdpgConfig.ALGORITHMS) + ", " + A2cConfig.ALGORITHM);
        }
        ActorConfig.Builder builder = ActorConfig.builder(actorId, env, seed != null ? seed : actorId.hashCode())
                .noise(noise).noiseSigma(noiseSigma).noiseDecay(noiseDecay).ouTheta(ouTheta)
                .maxPolicyLag(maxPolicyLag).stepsPerVersion(stepsPerVersion).policyWait(Duration.ofMillis(policyWaitMs)).maxSteps(maxSteps)
                .warmupSteps(warmupSteps).metricsHost(metrics.host).metricsPort(metrics.port);
        if (policy != null) {
            builder.policyName(policy);
        }
        if (noiseSigmaMin != null) {
            builder.noiseSigmaMin(noiseSigmaMin);
        }
        ActorConfig config = builder.build();
        PrintWriter out = spec.commandLine().getOut();
        try (ActorService service = ActorService.start(config, kafka.settings(), Clock.systemUTC());
             GracefulStop stop = new GracefulStop("actor", service::close)) {
            service.metricsPort().ifPresent(p -> out.printf("metrics: http://%s:%d/metrics%n", metrics.host, p));
            out.printf("actor %s on %s, policy %s, Kafka %s%n", actorId, config.envSpec().id(), config.policyName(),
                    kafka.bootstrapServer);
            out.flush();
            service.run();
            ActorStats s = service.stats();
            out.printf("actor %s stopped: %,d steps, %,d transitions acknowledged, %,d failed, %,d episodes,"
                    + " last policy version %d%n", actorId, s.envSteps(), s.transitionsAcked(), s.transitionsFailed(),
                    s.episodes(), s.policyVersion());
            out.flush();
            return s.transitionsFailed() == 0 ? 0 : 1;
        }
    }

    /** {@code --algo a2c}: an on-policy rollout actor; the noise and warm-up options are DDPG's and refused. */
    private int rolloutActor(String actorId) {
        for (String option : new String[] {"--noise", "--noise-sigma", "--noise-sigma-min", "--noise-decay",
            "--ou-theta", "--max-policy-lag", "--steps-per-version", "--warmup-steps"}) {
            if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                throw new IllegalArgumentException(option + " does not apply to --algo a2c: a rollout actor explores"
                        + " by sampling its stochastic policy and is paced by --rollouts-per-version");
            }
        }
        RolloutActorConfig config = RolloutActorConfig.of(actorId, env, seed != null ? seed : actorId.hashCode())
                .withRollouts(numEnvs, nSteps, rolloutsPerVersion).withLagVersions(lagVersions)
                .withPolicyWait(Duration.ofMillis(policyWaitMs)).withMaxSteps(maxSteps)
                .withMetrics(metrics.host, metrics.port);
        if (policy != null) {
            config = config.withPolicyName(policy);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (ActorService service = ActorService.startRollouts(config, kafka.settings(), Clock.systemUTC());
             GracefulStop stop = new GracefulStop("actor", service::close)) {
            service.metricsPort().ifPresent(p -> out.printf("metrics: http://%s:%d/metrics%n", metrics.host, p));
            out.printf("rollout actor %s on %s, policy %s, Kafka %s%n", actorId, config.env(), config.policyName(),
                    kafka.bootstrapServer);
            out.flush();
            service.run();
            ActorStats s = service.stats();
            out.printf("actor %s stopped: %,d steps, %,d segments acknowledged, %,d failed, %,d episodes,"
                    + " last policy version %d%n", actorId, s.envSteps(), s.transitionsAcked(), s.transitionsFailed(),
                    s.episodes(), s.policyVersion());
            out.flush();
            return s.transitionsFailed() == 0 ? 0 : 1;
        }
    }

    /**
     * The pid alone is not unique across containers (the JVM is pid 1 in each), and two actors with
     * one id would share a Kafka key and, through the default seed, a random stream. A container's
     * host name is its own, so host and pid together tell replicas and processes apart.
     */
    private static String defaultId() {
        long pid = ProcessHandle.current().pid();
        try {
            // The short name (up to the first dot) keeps the id within ActorConfig's 128 characters.
            String host = InetAddress.getLocalHost().getHostName().split("\\.", 2)[0]
                    .replaceAll("[^A-Za-z0-9_-]", "_");
            return host.isEmpty() ? "actor-" + pid : "actor-" + host + "-" + pid;
        } catch (UnknownHostException e) {
            return "actor-" + pid;
        }
    }
}
