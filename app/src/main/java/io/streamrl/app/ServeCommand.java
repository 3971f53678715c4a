package io.streamrl.app;

import io.streamrl.actor.serve.ServeConfig;
import io.streamrl.actor.serve.ServeService;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "The decision and reward API for a live system: POST /v1/decisions answers an action for an"
                + " entity's state with the newest policy (hot-swapped from the policy topic), POST /v1/rewards"
                + " reports the outcome later, to any instance; guardrails come from the control topic"
                + " (streamrl control). Runs until Ctrl-C / SIGTERM.")
final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--env", required = true, description = "Environment whose states and actions are served:"
            + " ${COMPLETION-CANDIDATES}", completionCandidates = EnvNames.class)
    String env;

    @Option(names = "--policy", description = "Policy (and control loop) to follow (default: the env's Gymnasium id).")
    String policy;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
    String host;

    @Option(names = "--port", defaultValue = "" + ServeConfig.DEFAULT_PORT,
            description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--fallback-action", split = ",", paramLabel = "A[,A...]",
            description = "The action (environment units) that answers while there is no policy, for holdout"
                    + " entities, in shadow mode and under the kill switch; without one such decisions get 503.")
    double[] fallbackAction;

    @Option(names = "--noise-sigma", defaultValue = "" + ServeConfig.DEFAULT_NOISE_SIGMA,
            description = "Exploration scale (normalised action units) of decisions that do not say"
                    + " \"explore\": false; 0 for none (default: ${DEFAULT-VALUE}).")
    double noiseSigma;

    @Option(names = "--instance-id", description = "This instance's id in the decision records (default:"
            + " serve-<pid>).")
    String instanceId;

    @Option(names = "--seed", description = "Seed of the exploration noise and decision ids (default: from the time).")
    Long seed;

    @Option(names = "--join", description = "Run the reward join inside this instance too (see 'streamrl join';"
            + " its options apply).")
    boolean runJoin;

    @Mixin
    JoinOptions join;

    @Option(names = "--threads", defaultValue = "" + ServeConfig.DEFAULT_THREADS,
            description = "HTTP worker threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Mixin
    AuthTokenOption authToken;

    @Override
    public Integer call() throws InterruptedException {
        Clock clock = Clock.systemUTC();
        String id = instanceId != null ? instanceId : "serve-" + ProcessHandle.current().pid();
        String policyName = policy != null ? policy : io.streamrl.core.env.Envs.spec(env).id();
        ServeConfig config = new ServeConfig(env, policyName, id, host, port, fallbackAction, noiseSigma,
                seed != null ? seed : clock.millis(), threads, authToken.load());
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch stopped = new CountDownLatch(1);
        ServeService.EmbeddedJoin embeddedJoin = runJoin
                ? new ServeService.EmbeddedJoin(join.config(), join.stateDir(kafka.settings(), id)) : null;
        try (ServeService service = ServeService.start(config, kafka.settings(), clock, embeddedJoin);
             GracefulStop stop = new GracefulStop("serve", () -> {
                 service.close();
                 stopped.countDown();
             })) {
            out.printf("serving %s (policy %s) on http://%s:%d%s, Kafka %s%n", config.env(), policyName, host,
                    service.port(), config.authToken().isPresent() ? " (bearer token required on /v1/)" : "",
                    kafka.bootstrapServer);
            out.flush();
            stopped.await();
            long[] counts = service.recordCounts();
            out.printf("serve stopped: %,d records handed to Kafka, %,d acknowledged, %,d failed%n", counts[0],
                    counts[1], counts[2]);
            out.flush();
            return counts[2] == 0 ? 0 : 1;
        }
    }
}
