package io.streamrl.app;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamrl.join.JoinService;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.kafka.MetricsServer;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "join", mixinStandardHelpOptions = true,
        description = "The reward join on its own: a Kafka Streams application (exactly once) that turns"
                + " <ns>.decisions and <ns>.rewards into transitions for the learner. Start several to share the"
                + " partitions; or run it inside serve with 'serve --join'. Runs until Ctrl-C / SIGTERM.")
final class JoinCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    JoinOptions join;

    @Mixin
    MetricsOptions metrics;

    @Option(names = "--instance-id", defaultValue = "join",
            description = "This instance's name, used for its default state directory; instances on one machine"
                    + " need different ones (default: ${DEFAULT-VALUE}).")
    String instanceId;

    @Override
    public Integer call() throws InterruptedException {
        Clock clock = Clock.systemUTC();
        KafkaSettings settings = kafka.settings();
        PrintWriter out = spec.commandLine().getOut();
        PrometheusMeterRegistry registry = MetricsServer.newRegistry();
        CountDownLatch stopped = new CountDownLatch(1);
        try (MetricsServer metricsServer = metrics.port >= 0
                    ? MetricsServer.start(registry, MetricsServer.checkHost(metrics.host), metrics.port) : null;
             JoinService service = JoinService.start(settings, join.config(), join.stateDir(settings, instanceId),
                     registry, clock);
             GracefulStop stop = new GracefulStop("join", stopped::countDown)) {
            out.printf("joining %s and %s into %s, Kafka %s%s%n", settings.topics().decisions().name(),
                    settings.topics().rewards().name(), settings.topics().transitions().name(),
                    kafka.bootstrapServer, metricsServer == null ? ""
                            : ", metrics on http://" + metrics.host + ":" + metricsServer.port() + "/metrics");
            out.flush();
            while (!stopped.await(1, TimeUnit.SECONDS)) {
                if (service.failure() != null) {
                    spec.commandLine().getErr().println("the join stopped: " + service.failure().getMessage());
                    return 1;
                }
            }
            out.println("join stopped");
            out.flush();
            return 0;
        }
    }
}
