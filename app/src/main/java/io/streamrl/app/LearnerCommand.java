package io.streamrl.app;

import io.streamrl.core.env.Envs;
import io.streamrl.learner.LearnerConfig;
import io.streamrl.learner.LearnerResult;
import io.streamrl.learner.LearnerService;
import io.streamrl.learner.LearnerStats;
import io.streamrl.learner.StartPosition;
import io.streamrl.core.train.TrainListener;
import java.io.PrintWriter;
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
                + "until Ctrl-C / SIGTERM.")
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
            description = "Evaluate the policy every N updates on a local copy of the env; 0 = off (default).")
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

    @Mixin
    MetricsOptions metrics;

    @Override
    public Integer call() {
        Envs.spec(env);
        LearnerConfig.Builder builder = LearnerConfig.builder(env).algorithm(agent.config()).seed(seed)
                .publishEvery(publishEvery).backend(agent.backendName()).evalEvery(evalEvery)
                .evalEpisodes(evalEpisodes).startPosition(from).ingestThreads(ingestThreads)
                .metricsHost(metrics.host).metricsPort(metrics.port);
        if (policy != null) {
            builder.policyName(policy);
        }
        LearnerConfig config = builder.build();
        PrintWriter out = spec.commandLine().getOut();
        try (LearnerService learner = new LearnerService(kafka.settings(), config, Clock.systemUTC(),
                TrainListener.NONE);
             GracefulStop stop = new GracefulStop("learner", learner::close)) {
            out.printf("learner for %s (%s), policy %s, Kafka %s%n", config.envSpec().id(),
                    config.algorithm().algorithmName(), config.policyName(), kafka.bootstrapServer);
            out.flush();
            LearnerResult result = learner.run();
            LearnerStats s = result.stats();
            out.printf("learner stopped (%s): %,d transitions received, %,d rejected (%,d dead-lettered, %,d dead"
                    + " letters failed), %,d updates, %,d policies published%s%n",
                    result.outcome().name().toLowerCase(Locale.ROOT), s.transitionsReceived(),
                    s.transitionsRejected(), s.transitionsDeadLettered(), s.deadLetterFailures(), s.updates(),
                    s.policiesPublished(),
                    result.failed() ? ": " + result.reason() : "");
            out.flush();
            if (result.outcome() == LearnerResult.Outcome.FENCED) {
                return Main.EXIT_FENCED;
            }
            return result.failed() ? 1 : 0;
        }
    }
}
