package io.streamrl.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker (KRaft, combined broker and controller) inside this JVM, for the demo,
 * local multi-process runs and integration tests.
 *
 * <p>This is the only class in streamrl that touches Kafka's server internals
 * ({@link KafkaRaftServer}, {@link KafkaConfig}, the storage {@link Formatter}); they change between
 * Kafka releases, so keep them here.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(EmbeddedBrokerConfig.defaults()).start()) {
 *     broker.createTopic("streamrl.policy", 1, Map.of("cleanup.policy", "compact"));
 *     String bootstrap = broker.bootstrapServers();
 * }
 * }</pre>
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private static final int NODE_ID = 1;
    private static final String CLIENT_LISTENER = "PLAINTEXT";
    /** The client listener's name (and protocol) when the config has SASL users. */
    private static final String SASL_LISTENER = "SASL_PLAINTEXT";
    private static final String PLAIN_LOGIN_MODULE = "org.apache.kafka.common.security.plain.PlainLoginModule";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    /** The controller quorum is internal to this JVM's broker, so it never leaves loopback. */
    private static final String CONTROLLER_HOST = "127.0.0.1";
    private static final String META_PROPERTIES = "meta.properties";
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration ADMIN_CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration TOPIC_POLL_INTERVAL = Duration.ofMillis(20);

    /**
     * Defaults for one node; {@link EmbeddedBrokerConfig#brokerProperties()} override them. Internal
     * topics need replication factor 1 (the default 3 cannot be met), and one partition each is
     * plenty at demo scale and makes their creation on first use quick.
     */
    private static final Map<String, String> DEFAULT_PROPERTIES = Map.ofEntries(
            Map.entry("offsets.topic.replication.factor", "1"),
            Map.entry("offsets.topic.num.partitions", "1"),
            Map.entry("transaction.state.log.replication.factor", "1"),
            Map.entry("transaction.state.log.min.isr", "1"),
            Map.entry("transaction.state.log.num.partitions", "1"),
            Map.entry("share.coordinator.state.topic.replication.factor", "1"),
            Map.entry("share.coordinator.state.topic.min.isr", "1"),
            Map.entry("share.coordinator.state.topic.num.partitions", "1"),
            // The cleaner allocates this buffer up front; the 128 MiB default would double the
            // broker's heap. 8 MiB still dedupes ~300k keys per pass.
            Map.entry("log.cleaner.dedupe.buffer.size", Long.toString(8L * 1024 * 1024)),
            // A lone consumer should not wait 3 s for companions that never come.
            Map.entry("group.initial.rebalance.delay.ms", "0"),
            // Topics come from createTopic with their intended configs, never from a typo.
            Map.entry("auto.create.topics.enable", "false"));

    private enum State { NEW, RUNNING, CLOSED }

    private final EmbeddedBrokerConfig config;

    private State state = State.NEW;
    private Path logDir;
    private boolean ownsLogDir;
    private int port;
    private String clusterId;
    private KafkaRaftServer server;
    private Admin admin;
    /**
     * The password of {@link EmbeddedBrokerConfig#BROKER_USER}, new for every broker and never
     * written anywhere but the broker's and its admin client's in-memory configs.
     */
    private final String brokerPassword;

    public EmbeddedKafkaBroker(EmbeddedBrokerConfig config) {
        this.config = Objects.requireNonNull(config, "config must not be null");
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        this.brokerPassword = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /**
     * The client properties that authenticate as {@code username} on a broker with
     * {@link EmbeddedBrokerConfig#withSaslPlainUsers SASL users}: {@code security.protocol},
     * {@code sasl.mechanism} and {@code sasl.jaas.config}, what a {@code --kafka-config} file holds.
     */
    public static Map<String, String> saslPlainClientProperties(String username, String password) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("security.protocol", SASL_LISTENER);
        props.put("sasl.mechanism", "PLAIN");
        props.put("sasl.jaas.config", PLAIN_LOGIN_MODULE + " required username=\"" + username + "\" password=\""
                + password + "\";");
        return props;
    }

    /**
     * Formats the log directory if it is new, starts the broker and returns once it answers a
     * {@code describeCluster} request. On failure everything started so far is shut down, a
     * temporary directory is removed, and this instance is closed.
     *
     * @return this broker, for try-with-resources
     * @throws EmbeddedBrokerException when the port is taken, the directory is unusable, a broker
     *     property is invalid or the broker does not answer within the startup timeout
     * @throws IllegalStateException when called twice or after {@link #close()}
     */
    public synchronized EmbeddedKafkaBroker start() {
        if (state != State.NEW) {
            throw new IllegalStateException("broker was already " + (state == State.RUNNING ? "started" : "closed")
                    + "; create a new EmbeddedKafkaBroker to start another");
        }
        try {
            prepareLogDir();
            port = config.port() == 0 ? LocalPorts.pickFree(config.host()) : requireFree(config.port());
            // Two picks may return the same just-released port; the two listeners need two ports.
            int controllerPort = LocalPorts.pickFree(CONTROLLER_HOST);
            while (controllerPort == port) {
                controllerPort = LocalPorts.pickFree(CONTROLLER_HOST);
            }
            KafkaConfig kafkaConfig = kafkaConfig(controllerPort);
            clusterId = formatOrReadClusterId();
            server = new KafkaRaftServer(kafkaConfig, Time.SYSTEM);
            server.startup();
            Map<String, Object> adminProps = new LinkedHashMap<>();
            adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapAddress());
            adminProps.put(AdminClientConfig.CLIENT_ID_CONFIG, "streamrl-embedded-broker-admin");
            if (config.sasl()) {
                adminProps.putAll(saslPlainClientProperties(EmbeddedBrokerConfig.BROKER_USER, brokerPassword));
            }
            admin = Admin.create(adminProps);
            awaitReady();
        } catch (RuntimeException e) {
            RuntimeException failure = describeStartFailure(e);
            state = State.CLOSED;
            shutDown(failure);
            throw failure;
        }
        state = State.RUNNING;
        LOG.info("Embedded Kafka broker running on {} (cluster {}, data in {}{}{})", bootstrapAddress(), clusterId,
                logDir, ownsLogDir ? ", deleted on close" : "",
                config.sasl() ? ", SASL/PLAIN users " + config.saslPlainUsers().keySet() : "");
        return this;
    }

    /** {@code host:port} of the client listener, for {@code bootstrap.servers}. */
    public synchronized String bootstrapServers() {
        requireRunning();
        return bootstrapAddress();
    }

    /** The client listener's port (the chosen one when the config asked for port 0). */
    public synchronized int port() {
        requireRunning();
        return port;
    }

    /** The log directory in use; a temporary one disappears on {@link #close()}. */
    public synchronized Path logDir() {
        requireRunning();
        return logDir;
    }

    /** The cluster id, written when the log directory was formatted and kept across restarts. */
    public synchronized String clusterId() {
        requireRunning();
        return clusterId;
    }

    /**
     * Creates a topic with replication factor 1, or leaves it as it is if it already exists (its
     * partition count and config are then not changed), and returns once every partition has a
     * leader, so the topic can be used at once.
     *
     * @param name topic name
     * @param partitions number of partitions, at least 1
     * @param topicConfig topic-level configs such as {@code cleanup.policy=compact}; may be empty
     * @throws EmbeddedBrokerException when the broker rejects the topic (bad name or config) or
     *     does not answer within 30 s
     */
    public synchronized void createTopic(String name, int partitions, Map<String, String> topicConfig) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("topic name must not be blank");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions for topic " + name + " must be >= 1, got " + partitions);
        }
        Objects.requireNonNull(topicConfig, "topicConfig must not be null; pass Map.of() for broker defaults");
        requireRunning();
        NewTopic topic = new NewTopic(name, partitions, (short) 1).configs(topicConfig);
        long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
        try {
            admin.createTopics(List.of(topic)).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("Created topic {} with {} partition(s) and config {}", name, partitions, topicConfig);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new EmbeddedBrokerException("could not create topic " + name + " with " + partitions
                        + " partition(s) and config " + topicConfig + ": " + e.getCause().getMessage()
                        + "; fix the topic name or config", e.getCause());
            }
            LOG.debug("Topic {} already exists; left unchanged", name);
        } catch (TimeoutException e) {
            throw topicTimeout(name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedBrokerException("interrupted while creating topic " + name, e);
        }
        awaitLeaders(name, deadline);
    }

    /**
     * The controller acknowledges a new topic before the broker's metadata cache has it; until then
     * producers and admin calls get UNKNOWN_TOPIC_OR_PARTITION. Waiting here lets callers use the
     * topic as soon as createTopic returns.
     */
    private void awaitLeaders(String name, long deadlineNanos) {
        while (true) {
            try {
                TopicDescription description = admin.describeTopics(List.of(name)).allTopicNames()
                        .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(name);
                if (description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new EmbeddedBrokerException("could not describe topic " + name + " after creating it: "
                            + e.getCause().getMessage() + "; check the broker log for errors", e.getCause());
                }
            } catch (TimeoutException e) {
                throw topicTimeout(name, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EmbeddedBrokerException("interrupted while waiting for topic " + name, e);
            }
            if (System.nanoTime() - deadlineNanos > 0) {
                throw topicTimeout(name, null);
            }
            try {
                Thread.sleep(TOPIC_POLL_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EmbeddedBrokerException("interrupted while waiting for topic " + name, e);
            }
        }
    }

    private EmbeddedBrokerException topicTimeout(String name, Exception cause) {
        return new EmbeddedBrokerException("broker at " + bootstrapAddress() + " did not create and serve topic " + name
                + " within " + ADMIN_TIMEOUT.toSeconds() + " s; check the broker log for errors", cause);
    }

    /**
     * Shuts the broker down (controlled shutdown, then waits for its threads) and removes a
     * temporary log directory. Calling it again, or on a broker that never started, does nothing.
     */
    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        boolean wasRunning = state == State.RUNNING;
        state = State.CLOSED;
        if (wasRunning) {
            shutDown(null);
            LOG.info("Embedded Kafka broker on {} stopped", bootstrapAddress());
        }
    }

    private void prepareLogDir() {
        if (config.dataDir().isEmpty()) {
            try {
                logDir = Files.createTempDirectory("streamrl-broker-");
            } catch (IOException e) {
                throw new EmbeddedBrokerException("cannot create a temporary broker directory in "
                        + System.getProperty("java.io.tmpdir") + ": " + e
                        + "; free disk space or set java.io.tmpdir to a writable directory", e);
            }
            ownsLogDir = true;
            return;
        }
        Path dir = config.dataDir().get().toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new EmbeddedBrokerException("cannot create broker data directory " + dir + ": " + e
                    + "; pass a data directory you can write to", e);
        }
        if (!Files.isWritable(dir)) {
            throw new EmbeddedBrokerException("broker data directory " + dir
                    + " is not writable; fix its permissions or pass another data directory");
        }
        if (!Files.exists(dir.resolve(META_PROPERTIES)) && !isEmpty(dir)) {
            throw new EmbeddedBrokerException("broker data directory " + dir + " is not empty but holds no Kafka data (no "
                    + META_PROPERTIES + "); pass an empty or new directory, or one an earlier broker wrote");
        }
        logDir = dir;
    }

    private int requireFree(int requestedPort) {
        BindException failure = LocalPorts.bindFailure(config.host(), requestedPort);
        if (failure != null) {
            throw portUnavailable(requestedPort, failure);
        }
        return requestedPort;
    }

    private KafkaConfig kafkaConfig(int controllerPort) {
        Map<String, String> props = new LinkedHashMap<>(DEFAULT_PROPERTIES);
        props.putAll(config.brokerProperties());
        String controllerAddress = hostPort(CONTROLLER_HOST, controllerPort);
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(NODE_ID));
        // A static voter set: the only voter is this node, so no dynamic-quorum bootstrapping is needed.
        props.put("controller.quorum.voters", NODE_ID + "@" + controllerAddress);
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        // With SASL users, the client listener is also the inter-broker one (a single node still
        // sends itself transaction markers over it), so the broker authenticates there as its own
        // user. The controller listener stays PLAINTEXT: it never leaves loopback and this JVM.
        String client = config.sasl() ? SASL_LISTENER : CLIENT_LISTENER;
        props.put("listeners", client + "://" + bootstrapAddress() + "," + CONTROLLER_LISTENER + "://"
                + controllerAddress);
        props.put("advertised.listeners", client + "://" + bootstrapAddress());
        props.put("listener.security.protocol.map", client + ":" + client + "," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("inter.broker.listener.name", client);
        if (config.sasl()) {
            props.put("sasl.enabled.mechanisms", "PLAIN");
            props.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
            String listenerPrefix = EmbeddedBrokerConfig.LISTENER_PREFIX + client.toLowerCase(Locale.ROOT) + ".";
            props.put(listenerPrefix + "plain.sasl.jaas.config", brokerJaasConfig());
        }
        props.put("log.dirs", logDir.toString());
        try {
            return new KafkaConfig(props, false);
        } catch (RuntimeException e) {
            throw new EmbeddedBrokerException("invalid broker configuration: " + e.getMessage()
                    + "; check the extra broker properties " + config.brokerProperties(), e);
        }
    }

    /**
     * The broker side of PLAIN: its own credentials for the connections it makes, and a
     * {@code user_<name>="<password>"} option per user it accepts (itself included).
     */
    private String brokerJaasConfig() {
        StringBuilder jaas = new StringBuilder(PLAIN_LOGIN_MODULE).append(" required username=\"")
                .append(EmbeddedBrokerConfig.BROKER_USER).append("\" password=\"").append(brokerPassword).append('"');
        Map<String, String> users = new LinkedHashMap<>(config.saslPlainUsers());
        users.put(EmbeddedBrokerConfig.BROKER_USER, brokerPassword);
        users.forEach((user, password) ->
                jaas.append(" user_").append(user).append("=\"").append(password).append('"'));
        return jaas.append(';').toString();
    }

    /** Formats a new log directory (as {@code kafka-storage.sh format} would) or reads the existing cluster id. */
    private String formatOrReadClusterId() {
        Path metaProperties = logDir.resolve(META_PROPERTIES);
        if (Files.exists(metaProperties)) {
            return readClusterId(metaProperties);
        }
        String newClusterId = Uuid.randomUuid().toString();
        ByteArrayOutputStream formatterOutput = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(formatterOutput, true, StandardCharsets.UTF_8)) {
            new Formatter()
                    .setPrintStream(out)
                    .setNodeId(NODE_ID)
                    .setClusterId(newClusterId)
                    .setDirectories(List.of(logDir.toString()))
                    .setMetadataLogDirectory(logDir.toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setHasDynamicQuorum(false)
                    .setWriteBootstrapSnapshot(true)
                    .run();
        } catch (Exception e) {
            throw new EmbeddedBrokerException("cannot format broker data directory " + logDir + ": " + e.getMessage()
                    + "; pass an empty directory you can write to", e);
        }
        LOG.debug("Formatted {}: {}", logDir, formatterOutput.toString(StandardCharsets.UTF_8).strip());
        return newClusterId;
    }

    private static String readClusterId(Path metaProperties) {
        Properties meta = new Properties();
        try (InputStream in = Files.newInputStream(metaProperties)) {
            meta.load(in);
        } catch (IOException e) {
            throw new EmbeddedBrokerException("cannot read " + metaProperties + ": " + e
                    + "; restore the file or start on a new data directory", e);
        }
        String id = meta.getProperty("cluster.id");
        if (id == null || id.isBlank()) {
            throw new EmbeddedBrokerException(metaProperties + " has no cluster.id; the directory is damaged, "
                    + "start on a new data directory");
        }
        return id;
    }

    private void awaitReady() {
        long timeoutMs = config.startupTimeout().toMillis();
        Collection<Node> nodes;
        try {
            nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) Math.min(timeoutMs, Integer.MAX_VALUE)))
                    .nodes().get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new EmbeddedBrokerException("broker started but did not answer describeCluster on " + bootstrapAddress()
                    + " within " + config.startupTimeout().toSeconds() + " s (" + cause + "); check the broker log "
                    + "for errors or raise the startup timeout", cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedBrokerException("interrupted while waiting for the broker to start", e);
        }
        if (nodes.stream().noneMatch(node -> node.id() == NODE_ID)) {
            throw new EmbeddedBrokerException("broker on " + bootstrapAddress() + " answered but did not list itself ("
                    + nodes + "); check the broker log for registration errors");
        }
    }

    /** Turns a bind failure, which Kafka reports deep in a cause chain, into a message naming the port. */
    private RuntimeException describeStartFailure(RuntimeException e) {
        if (e instanceof EmbeddedBrokerException) {
            return e;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException bind) {
                return portUnavailable(port, bind);
            }
            if (String.valueOf(t.getMessage()).contains("failed to bind")) {
                // Kafka's own wording; keep a BindException in the chain, by which callers know the cause.
                BindException bind = new BindException(t.getMessage());
                bind.initCause(e);
                return portUnavailable(port, bind);
            }
        }
        return new EmbeddedBrokerException("embedded Kafka broker failed to start on data directory " + logDir + ": " + e
                + "; see the cause and the broker log", e);
    }

    /**
     * A port that cannot be bound, in one line: taken, or privileged. The {@link BindException}
     * stays the cause, by which a command line tells this user-fixable failure from a bug.
     */
    private EmbeddedBrokerException portUnavailable(int requestedPort, BindException cause) {
        String where = "cannot start the embedded Kafka broker: port " + requestedPort + " on " + config.host();
        String reason = String.valueOf(cause.getMessage());
        if (reason.contains("Permission denied")) {
            return new EmbeddedBrokerException(where + " is not permitted (ports below 1024 need root or"
                    + " CAP_NET_BIND_SERVICE); choose another port from 1024 up (0 picks a free one)", cause);
        }
        if (reason.contains("in use")) {
            return new EmbeddedBrokerException(where + " is already in use; stop the process using it or choose"
                    + " another port (0 picks a free one)", cause);
        }
        return new EmbeddedBrokerException(where + " cannot be bound (" + reason + "); check the host and choose"
                + " another port (0 picks a free one)", cause);
    }

    /**
     * Stops whatever {@link #start()} got running and removes a temporary directory. Errors are
     * logged, or attached to {@code startFailure} when shutting down after a failed start.
     */
    private void shutDown(RuntimeException startFailure) {
        if (admin != null) {
            try {
                admin.close(ADMIN_CLOSE_TIMEOUT);
            } catch (RuntimeException e) {
                report(startFailure, "closing the admin client", e);
            }
            admin = null;
        }
        if (server != null) {
            try {
                server.shutdown();
                server.awaitShutdown();
            } catch (RuntimeException e) {
                report(startFailure, "shutting down the broker", e);
            }
            server = null;
        }
        if (ownsLogDir && logDir != null) {
            try {
                deleteRecursively(logDir);
            } catch (IOException e) {
                report(startFailure, "deleting temporary directory " + logDir + " (delete it by hand)", e);
            }
        }
    }

    private static void report(RuntimeException startFailure, String action, Exception e) {
        if (startFailure != null) {
            startFailure.addSuppressed(e);
        } else {
            LOG.warn("Error while {}", action, e);
        }
    }

    private void requireRunning() {
        if (state != State.RUNNING) {
            throw new IllegalStateException("broker is " + (state == State.NEW ? "not started; call start() first"
                    : "closed; create and start a new EmbeddedKafkaBroker"));
        }
    }

    private String bootstrapAddress() {
        return hostPort(config.host(), port);
    }

    private static String hostPort(String host, int port) {
        boolean ipv6Literal = host.contains(":") && !host.startsWith("[");
        return (ipv6Literal ? "[" + host + "]" : host) + ":" + port;
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new EmbeddedBrokerException("cannot list broker data directory " + dir + ": " + e
                    + "; pass a data directory you can read and write", e);
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
