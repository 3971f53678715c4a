package io.streamrl.broker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How to run an {@link EmbeddedKafkaBroker}.
 *
 * @param host address the client listener binds to and advertises; {@code 127.0.0.1} by default so
 *     the broker is unreachable from other machines. The internal controller listener always
 *     stays on {@code 127.0.0.1}.
 * @param port client listener port, {@code 0} to pick a free one at start
 * @param dataDir log directory; empty means a fresh temporary directory that is deleted on close.
 *     An explicit directory is kept and reused, so a broker restarted on it keeps its topics.
 * @param brokerProperties extra Kafka broker properties; they override this module's defaults but
 *     may not touch the {@link #RESERVED_PROPERTIES} that define the single-node layout
 * @param startupTimeout how long {@code start()} waits for the broker to answer requests
 */
public record EmbeddedBrokerConfig(String host, int port, Optional<Path> dataDir,
                                   Map<String, String> brokerProperties, Duration startupTimeout) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);

    /** Properties the embedded broker sets itself: node identity, listeners, quorum and storage. */
    public static final Set<String> RESERVED_PROPERTIES = Set.of(
            "process.roles", "node.id", "broker.id",
            "listeners", "advertised.listeners", "listener.security.protocol.map",
            "inter.broker.listener.name", "controller.listener.names",
            "controller.quorum.voters", "controller.quorum.bootstrap.servers",
            "log.dir", "log.dirs", "metadata.log.dir");

    public EmbeddedBrokerConfig {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank; use 127.0.0.1 for local-only access");
        }
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            throw new IllegalArgumentException("host must be a concrete address that clients can reach, got "
                    + host + "; use the machine's or container's host name instead of a wildcard");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in [0, 65535] (0 picks a free port), got " + port);
        }
        Objects.requireNonNull(dataDir, "dataDir must not be null; use Optional.empty() for a temporary directory");
        Objects.requireNonNull(brokerProperties, "brokerProperties must not be null");
        for (Map.Entry<String, String> e : brokerProperties.entrySet()) {
            if (e.getKey() == null || e.getKey().isBlank() || e.getValue() == null) {
                throw new IllegalArgumentException("brokerProperties must have non-blank keys and non-null values, got "
                        + e.getKey() + "=" + e.getValue());
            }
            if (RESERVED_PROPERTIES.contains(e.getKey())) {
                throw new IllegalArgumentException("brokerProperties may not set " + e.getKey()
                        + ": the embedded broker owns it (use host, port or dataDir instead)");
            }
        }
        brokerProperties = Map.copyOf(brokerProperties);
        if (startupTimeout == null || startupTimeout.isNegative() || startupTimeout.isZero()) {
            throw new IllegalArgumentException("startupTimeout must be positive, got " + startupTimeout);
        }
    }

    /** Loopback only, a free port, a temporary directory, no extra properties, 60 s to start. */
    public static EmbeddedBrokerConfig defaults() {
        return new EmbeddedBrokerConfig(DEFAULT_HOST, 0, Optional.empty(), Map.of(), DEFAULT_STARTUP_TIMEOUT);
    }

    public EmbeddedBrokerConfig withHost(String newHost) {
        return new EmbeddedBrokerConfig(newHost, port, dataDir, brokerProperties, startupTimeout);
    }

    public EmbeddedBrokerConfig withPort(int newPort) {
        return new EmbeddedBrokerConfig(host, newPort, dataDir, brokerProperties, startupTimeout);
    }

    public EmbeddedBrokerConfig withDataDir(Path dir) {
        Objects.requireNonNull(dir, "dataDir must not be null");
        return new EmbeddedBrokerConfig(host, port, Optional.of(dir), brokerProperties, startupTimeout);
    }

    /** Adds or replaces one extra broker property. */
    public EmbeddedBrokerConfig withBrokerProperty(String key, String value) {
        Map<String, String> merged = new LinkedHashMap<>(brokerProperties);
        merged.put(key, value);
        return new EmbeddedBrokerConfig(host, port, dataDir, merged, startupTimeout);
    }

    public EmbeddedBrokerConfig withStartupTimeout(Duration timeout) {
        return new EmbeddedBrokerConfig(host, port, dataDir, brokerProperties, timeout);
    }
}
