package io.streamrl.app;

import io.streamrl.broker.EmbeddedBrokerConfig;
import io.streamrl.broker.EmbeddedKafkaBroker;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Run the embedded single-node Kafka (KRaft) broker on its own and print its bootstrap address, so "
                + "that a learner and several actors can run as separate processes without Docker. Stop with Ctrl-C.")
final class BrokerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "9092", description = "Client port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = EmbeddedBrokerConfig.DEFAULT_HOST,
            description = "Address to bind and advertise (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--data-dir", description = "Keep the log here and reuse it on restart (default: a temporary"
            + " folder removed at exit).")
    Path dataDir;

    @Override
    public Integer call() throws InterruptedException {
        EmbeddedBrokerConfig config = EmbeddedBrokerConfig.defaults().withHost(host).withPort(port);
        if (dataDir != null) {
            config = config.withDataDir(dataDir);
        }
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(config).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "broker-shutdown"));
        PrintWriter out = spec.commandLine().getOut();
        out.println("Kafka broker ready: --bootstrap-server " + broker.bootstrapServers());
        out.println("log directory: " + broker.logDir() + (dataDir == null ? " (removed at exit)" : ""));
        out.println("Stop with Ctrl-C.");
        out.flush();
        stopped.await();
        return 0;
    }
}
