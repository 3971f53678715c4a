package io.streamrl.app;

import io.streamrl.core.env.Envs;
import io.streamrl.kafka.MetricsServer;
import io.streamrl.learner.A2cLearnerConfig;
import io.streamrl.learner.A2cLearnerService;
import io.streamrl.learner.CheckpointConfig;
import io.streamrl.learner.LearnerConfig;
import io.streamrl.learner.LearnerResult;
import io.streamrl.learner.LearnerService;
import io.streamrl.learner.LearnerStats;
import io.streamrl.learner.StartPosition;
import io.streamrl.core.train.TrainListener;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "learner", mixinStandardHelpOptions = true,
        description = "Run the learner: consume transitions into the replay buffer, train DDPG/TD3 at the configured replay"
                + " ratio, and publish the policy to the compacted policy topic every --publish-every updates. Runs "
                + "until Ctrl-C / SIGTERM. With --offline --updates N: train on the transitions topic as it stands at"
                + " start (TD3+BC unless --algo says otherwise) for exactly N updates, publish, and exit. With --algo"
                + " a2c: train A2C on whole rollout segments from the rollouts topic (num-envs segments per update),"
                + " publishing every update by default, with the --staleness policy for segments of older policies.")
final class LearnerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--env", required = true, description = "Environment: ${COMPLETION-CANDIDATES}",
            completionCandidates = EnvNames.class)
    String env;

    @Mixin
    AgentOptions agent;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the networks and replay sampling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--policy", description = "Policy name to publish (default: the env's Gymnasium id).")
    String policy;

    @Option(names = "--publish-every", defaultValue = "" + LearnerConfig.DEFAULT_PUBLISH_EVERY,
            description = "Publish a snapshot every N updates (default: ${DEFAULT-VALUE}).")
    long publishEvery;

    @Option(names = "--eval-every", defaultValue = "0",
            description = "Evaluate the policy on a local copy of the env every N environment steps' worth of updates"
                    + " (where 'streamrl train --eval-every N' evaluates; offline and a2c: every N updates); 0 = off"
                    + " (default).")
    long evalEvery;

    @Option(names = "--eval-episodes", defaultValue = "10", description = "Episodes per evaluation (default: ${DEFAULT-VALUE}).")
    int evalEpisodes;

    @Option(names = "--from", defaultValue = "earliest", description = "Where to start reading transitions: earliest"
            + " (refills the buffer from the topic) or latest (default: ${DEFAULT-VALUE}).")
    StartPosition from;

    @Option(names = "--ingest-threads", defaultValue = "2", description = "Consumers reading the transitions topic,"
            + " each with a share of its partitions; more help when ingest, not training, is the bottleneck"
            + " (default: ${DEFAULT-VALUE}).")
    int ingestThreads;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR", description = "Where the training state is stored and"
            + " resumed from after a restart (default: checkpoints/<namespace>/<policy> under the working directory).")
    Path checkpointDir;

    @Option(names = "--checkpoint-every", defaultValue = "" + CheckpointConfig.DEFAULT_EVERY, paramLabel = "UPDATES",
            description = "Store a checkpoint every N updates (at the next publication) and at shutdown; 0 turns"
                    + " checkpoints off, and a restarted learner then starts from fresh networks (default:"
                    + " ${DEFAULT-VALUE}).")
    long checkpointEvery;

    @Option(names = "--checkpoint-keep", defaultValue = "" + CheckpointConfig.DEFAULT_KEEP, paramLabel = "K",
            description = "Checkpoints kept on disk, newest first (default: ${DEFAULT-VALUE}).")
    int checkpointKeep;

    @Option(names = "--offline", description = "Offline learning: read the transitions topic as it stands at start"
            + " into the buffer, take exactly --updates gradient updates (the replay ratio does not apply), publish"
            + " every --publish-every and at the end, then exit 0. The algorithm defaults to td3+bc; checkpoints are"
            + " off unless --checkpoint-dir is given.")
    boolean offline;

    @Option(names = "--updates", paramLabel = "N", description = "With --offline: the gradient updates to take.")
    Long updates;

    @Option(names = "--normalize-observations", arity = "1", paramLabel = "true|false", description = "With"
            + " --offline: standardise observations with the log's per-dimension mean and std, s' = (s - mean) /"
            + " (std + 0.001), as TD3+BC does (Fujimoto and Gu 2021, section 5); the published policies carry the"
            + " map, so actors apply it. Default: true for td3+bc, false for the other algorithms.")
    Boolean normalizeObservations;

    @Mixin
    MetricsOptions metrics;

    @Mixin
    StalenessOptions staleness;

    @Override
    public Integer call() {
        Envs.spec(env);
        if (agent.isA2c()) {
            return a2c();
        }
        if (offline && updates == null) {
            throw new IllegalArgumentException("--offline needs --updates N, the gradient updates to take");
        }
        if (!offline && updates != null) {
            throw new IllegalArgumentException("--updates applies to --offline runs only (online, the replay ratio sets"
                    + " the updates)");
        }
        LearnerConfig.Builder builder = LearnerConfig.builder(env)
                .algorithm(agent.config(offline ? "td3+bc" : "ddpg")).seed(seed)
                .publishEvery(publishEvery).backend(agent.backendName()).evalEvery(evalEvery)
                .evalEpisodes(evalEpisodes).startPosition(from).ingestThreads(ingestThreads)
                .metricsHost(metrics.host).metricsPort(metrics.port);
        if (offline) {
            builder.offline(updates);
        } else if (normalizeObservations != null) {
            throw new IllegalArgumentException("--normalize-observations applies to --offline runs only (online, the"
                    + " data keeps changing and so would the statistics)");
        }
        builder.standardizeObservations(normalizeObservations);
        if (policy != null) {
            builder.policyName(policy);
        }
        if (checkpointEvery < 0) {
            throw new IllegalArgumentException("checkpoint-every must be >= 0 (0 turns checkpoints off), got "
                    + checkpointEvery);
        }
        // Offline runs are batch jobs that the same command repeats: checkpoints only when asked for by directory.
        if (checkpointEvery > 0 && (!offline || checkpointDir != null)) {
            String policyName = policy == null ? Envs.spec(env).id() : policy;
            builder.checkpoint(new CheckpointConfig(checkpointDir != null ? checkpointDir
                    : CheckpointConfig.defaultDir(kafka.namespace, policyName), checkpointEvery, checkpointKeep));
        }
        LearnerConfig config = builder.build();
        PrintWriter out = spec.commandLine().getOut();
        try (LearnerService learner = new LearnerService(kafka.settings(), config, Clock.systemUTC(),
                TrainListener.NONE);
             GracefulStop stop = new GracefulStop("learner", learner::close)) {
            out.printf("%slearner for %s (%s), policy %s, Kafka %s, %s%n", offline ? String.format(Locale.ROOT,
                    "offline (%,d updates) ", config.offlineUpdates()) : "", config.envSpec().id(),
                    config.algorithm().algorithmName(), config.policyName(), kafka.bootstrapServer,
                    config.checkpoint().map(c -> "checkpoints in " + c.dir().toAbsolutePath())
                            .orElse("no checkpoints"));
            out.flush();
            long started = System.nanoTime();
            LearnerResult result = learner.run();
            LearnerStats s = result.stats();
            if (offline) {
                out.printf(Locale.ROOT, "offline learner %s: %,d transitions read (%,d rejected), %,d in the buffer,"
                        + " %,d updates, %,d policies published (last v%d), %,d checkpoints written, %.1f s%s%n",
                        result.outcome().name().toLowerCase(Locale.ROOT), s.transitionsReceived(),
                        s.transitionsRejected(), s.bufferSize(), s.updates(), s.policiesPublished(),
                        s.policyVersion(), s.checkpointsWritten(), (System.nanoTime() - started) / 1e9,
                        result.outcome() == LearnerResult.Outcome.COMPLETED ? "" : ": " + result.reason());
            } else {
                out.printf("learner stopped (%s): %,d transitions received, %,d rejected (%,d dead-lettered, %,d dead"
                        + " letters failed), %,d updates, %,d policies published, %,d checkpoints written%s%n",
                        result.outcome().name().toLowerCase(Locale.ROOT), s.transitionsReceived(),
                        s.transitionsRejected(), s.transitionsDeadLettered(), s.deadLetterFailures(), s.updates(),
                        s.policiesPublished(), s.checkpointsWritten(),
                        result.failed() ? ": " + result.reason() : "");
            }
            out.flush();
            return exitCode(result, offline);
        }
    }

    /**
     * {@code --algo a2c}: the A2C learner on the rollouts topic. Its options that belong to the
     * replay-buffer learner are refused by name rather than ignored.
     */
    private int a2c() {
        for (String option : new String[] {"--offline", "--updates", "--from", "--ingest-threads", "--checkpoint-dir",
            "--checkpoint-every", "--checkpoint-keep"}) {
            if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                throw new IllegalArgumentException(option + " does not apply to --algo a2c: the A2C learner reads the"
                        + " rollouts topic from its end, and has no replay buffer and no checkpoints (a restarted one"
                        + " starts from fresh networks)");
            }
        }
        A2cLearnerConfig config = A2cLearnerConfig.of(env).with(agent.a2cConfig(), staleness.policy())
                .withRun(seed, spec.commandLine().getParseResult().hasMatchedOption("--publish-every") ? publishEvery
                        : A2cLearnerConfig.DEFAULT_PUBLISH_EVERY, evalEvery, agent.backendName())
                .withService(policy == null ? Envs.spec(env).id() : policy, metrics.host, metrics.port,
                        LearnerConfig.DEFAULT_PROGRESS_INTERVAL);
        PrintWriter out = spec.commandLine().getOut();
        try (A2cLearnerService learner = new A2cLearnerService(kafka.settings(), config, Clock.systemUTC(),
                TrainListener.NONE, MetricsServer.newRegistry());
             GracefulStop stop = new GracefulStop("learner", learner::close)) {
            out.printf("A2C learner for %s, policy %s, Kafka %s, %s%n", config.env(), config.policyName(),
                    kafka.bootstrapServer, config.staleness().toLogLine());
            out.flush();
            LearnerResult result = learner.run();
            LearnerStats s = result.stats();
            out.printf("learner stopped (%s): %,d segments received, %,d rejected (%,d dead-lettered), %,d discarded"
                    + " as stale, %,d corrected with V-trace, %,d updates, %,d policies published%s%n",
                    result.outcome().name().toLowerCase(Locale.ROOT), s.transitionsReceived(), s.transitionsRejected(),
                    s.transitionsDeadLettered(), s.rolloutsDiscarded(), s.rolloutsCorrected(), s.updates(),
                    s.policiesPublished(), result.failed() ? ": " + result.reason() : "");
            out.flush();
            return exitCode(result, false);
        }
    }

    /**
     * 0 when stopped on request online or completed offline; 75 when fenced; 65 when an offline
     * log held too little to learn from; 130 when an offline run was stopped before its updates
     * were done; 1 for any other failure.
     */
    static int exitCode(LearnerResult result, boolean offline) {
        return switch (result.outcome()) {
            case COMPLETED -> 0;
            case STOPPED -> offline ? Main.EXIT_INTERRUPTED : 0;
            case FENCED -> Main.EXIT_FENCED;
            case NO_DATA -> Main.EXIT_DATA;
            case UPDATE_FAILED, INGEST_FAILED, TRAINING_FAILED -> 1;
        };
    }
}
