package io.streamrl.app;

import io.streamrl.broker.EmbeddedBrokerConfig;
import io.streamrl.broker.EmbeddedKafkaBroker;
import io.streamrl.kafka.SecretFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
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

    @Option(names = "--sasl-users", paramLabel = "FILE",
            description = "Require SASL/PLAIN on the client port, for these users: a properties file of"
                    + " USER=PASSWORD lines. Clients then need --kafka-config with security.protocol=SASL_PLAINTEXT,"
                    + " sasl.mechanism=PLAIN and a PlainLoginModule sasl.jaas.config. For trying out secured"
                    + " clients: PLAIN without TLS sends passwords in the clear.")
    Path saslUsers;

    @Override
    public Integer call() throws InterruptedException {
        EmbeddedBrokerConfig config = EmbeddedBrokerConfig.defaults().withHost(host).withPort(port);
        if (dataDir != null) {
            config = config.withDataDir(dataDir);
        }
        if (saslUsers != null) {
            config = config.withSaslPlainUsers(readUsers(saslUsers));
        }
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(config).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "broker-shutdown"));
        PrintWriter out = spec.commandLine().getOut();
        out.println("Kafka broker ready: --bootstrap-server " + broker.bootstrapServers());
        if (config.sasl()) {
            out.println("SASL/PLAIN required for users " + String.join(", ", config.saslPlainUsers().keySet())
                    + ": clients need --kafka-config FILE with security.protocol=SASL_PLAINTEXT, sasl.mechanism=PLAIN"
                    + " and sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required"
                    + " username=\"USER\" password=\"PASSWORD\";");
        }
        out.println("log directory: " + broker.logDir() + (dataDir == null ? " (removed at exit)" : ""));
        out.println("Stop with Ctrl-C.");
        out.flush();
        stopped.await();
        return 0;
    }

    /**
     * @throws IllegalArgumentException naming the file (never a password) when it cannot be read
     *     or names no user
     */
    static Map<String, String> readUsers(Path file) {
        Properties users = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            users.load(in);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("sasl-users " + file + ": no such file", e);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("sasl-users " + file + ": cannot be read as a properties file of"
                    + " USER=PASSWORD lines (" + e.getClass().getSimpleName() + ")", e);
        }
        if (users.isEmpty()) {
            throw new IllegalArgumentException("sasl-users " + file
                    + " names no user; write one USER=PASSWORD per line");
        }
        SecretFiles.warnIfOthersCanRead("--sasl-users", file);
        Map<String, String> map = new TreeMap<>();
        users.stringPropertyNames().forEach(user -> map.put(user, users.getProperty(user)));
        return map;
    }
}
