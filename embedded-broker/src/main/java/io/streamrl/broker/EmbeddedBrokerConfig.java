package io.streamrl.broker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

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
 * @param saslPlainUsers user name to password; when not empty the client listener is
 *     {@code SASL_PLAINTEXT} with the {@code PLAIN} mechanism and these users, and refuses clients
 *     without credentials (for tests of secured clusters: PLAIN over plaintext sends the password
 *     in the clear, fine on loopback only). Empty: a {@code PLAINTEXT} listener, no credentials.
 */
public record EmbeddedBrokerConfig(String host, int port, Optional<Path> dataDir,
                                   Map<String, String> brokerProperties, Duration startupTimeout,
                                   Map<String, String> saslPlainUsers) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);

    /** Properties the embedded broker sets itself: node identity, listeners, quorum and storage. */
    public static final Set<String> RESERVED_PROPERTIES = Set.of(
            "process.roles", "node.id", "broker.id",
            "listeners", "advertised.listeners", "listener.security.protocol.map",
            "inter.broker.listener.name", "controller.listener.names",
            "controller.quorum.voters", "controller.quorum.bootstrap.servers",
            "log.dir", "log.dirs", "metadata.log.dir",
            "sasl.enabled.mechanisms", "sasl.mechanism.inter.broker.protocol");

    /** Prefix of per-listener properties: the embedded broker owns its listeners' security. */
    public static final String LISTENER_PREFIX = "listener.name.";

    /**
     * The user the broker authenticates as on its own SASL listener (transaction markers, its
     * admin client); not available to {@link #saslPlainUsers()}.
     */
    public static final String BROKER_USER = "streamrl-broker";

    /**
     * User names: letters, digits, {@code _} and {@code -}, starting with a letter, because each
     * becomes the option name {@code user_<name>} of the broker's JAAS line.
     */
    private static final Pattern USER_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");

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
            if (RESERVED_PROPERTIES.contains(e.getKey()) || e.getKey().startsWith(LISTENER_PREFIX)) {
                throw new IllegalArgumentException("brokerProperties may not set " + e.getKey()
                        + ": the embedded broker owns it (use host, port, dataDir or saslPlainUsers instead)");
            }
        }
        brokerProperties = Map.copyOf(brokerProperties);
        if (startupTimeout == null || startupTimeout.isNegative() || startupTimeout.isZero()) {
            throw new IllegalArgumentException("startupTimeout must be positive, got " + startupTimeout);
        }
        Objects.requireNonNull(saslPlainUsers, "saslPlainUsers must not be null; use Map.of() for no SASL");
        for (Map.Entry<String, String> e : saslPlainUsers.entrySet()) {
            checkUser(e.getKey(), e.getValue());
        }
        saslPlainUsers = Collections.unmodifiableMap(new TreeMap<>(saslPlainUsers));
    }

    /** A {@code PLAINTEXT} client listener (no SASL users). */
    public EmbeddedBrokerConfig(String host, int port, Optional<Path> dataDir, Map<String, String> brokerProperties,
                                Duration startupTimeout) {
        this(host, port, dataDir, brokerProperties, startupTimeout, Map.of());
    }

    /**
     * Never a password, unlike a record's own {@code toString()}: configs end up in log lines and
     * exception messages.
     */
    @Override
    public String toString() {
        return "EmbeddedBrokerConfig[host=" + host + ", port=" + port + ", dataDir=" + dataDir
                + ", brokerProperties=" + brokerProperties + ", startupTimeout=" + startupTimeout
                + ", saslPlainUsers=" + saslPlainUsers.keySet() + "]";
    }

    /** Whether the client listener requires SASL/PLAIN credentials. */
    public boolean sasl() {
        return !saslPlainUsers.isEmpty();
    }

    /**
     * Names the user and never repeats the password. A password goes between double quotes in a
     * JAAS line, where a quote or backslash would end or escape it.
     */
    private static void checkUser(String user, String password) {
        if (user == null || !USER_NAME.matcher(user).matches()) {
            throw new IllegalArgumentException("SASL user name must be 1 to 64 letters, digits, '_' or '-' starting"
                    + " with a letter, got '" + user + "'");
        }
        if (user.equals(BROKER_USER)) {
            throw new IllegalArgumentException("SASL user name " + BROKER_USER
                    + " is the broker's own; choose another");
        }
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("SASL user " + user + " has an empty password");
        }
        for (int i = 0; i < password.length(); i++) {
            char c = password.charAt(i);
            if (c == '"' || c == '\\' || Character.isISOControl(c)) {
                throw new IllegalArgumentException("the password of SASL user " + user + " contains a double quote,"
                        + " backslash or control character, which a JAAS line cannot hold; choose another");
            }
        }
    }

    /** Loopback only, a free port, a temporary directory, no extra properties, 60 s to start. */
    public static EmbeddedBrokerConfig defaults() {
        return new EmbeddedBrokerConfig(DEFAULT_HOST, 0, Optional.empty(), Map.of(), DEFAULT_STARTUP_TIMEOUT, Map.of());
    }

    public EmbeddedBrokerConfig withHost(String newHost) {
        return new EmbeddedBrokerConfig(newHost, port, dataDir, brokerProperties, startupTimeout, saslPlainUsers);
    }

    public EmbeddedBrokerConfig withPort(int newPort) {
        return new EmbeddedBrokerConfig(host, newPort, dataDir, brokerProperties, startupTimeout, saslPlainUsers);
    }

    public EmbeddedBrokerConfig withDataDir(Path dir) {
        Objects.requireNonNull(dir, "dataDir must not be null");
        return new EmbeddedBrokerConfig(host, port, Optional.of(dir), brokerProperties, startupTimeout, saslPlainUsers);
    }

    /** Adds or replaces one extra broker property. */
    public EmbeddedBrokerConfig withBrokerProperty(String key, String value) {
        Map<String, String> merged = new LinkedHashMap<>(brokerProperties);
        merged.put(key, value);
        return new EmbeddedBrokerConfig(host, port, dataDir, merged, startupTimeout, saslPlainUsers);
    }

    /**
     * A {@code SASL_PLAINTEXT} client listener with the {@code PLAIN} mechanism, accepting these
     * users (name to password) only; see {@link EmbeddedKafkaBroker#saslPlainClientProperties}.
     */
    public EmbeddedBrokerConfig withSaslPlainUsers(Map<String, String> users) {
        return new EmbeddedBrokerConfig(host, port, dataDir, brokerProperties, startupTimeout, users);
    }

    public EmbeddedBrokerConfig withStartupTimeout(Duration timeout) {
        return new EmbeddedBrokerConfig(host, port, dataDir, brokerProperties, timeout, saslPlainUsers);
    }
}
