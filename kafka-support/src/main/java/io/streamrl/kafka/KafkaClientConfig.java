package io.streamrl.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Kafka client properties from a {@code --kafka-config FILE} (the format of Kafka's own tools'
 * {@code --command-config}: {@link Properties}, ISO 8859-1 with {@code \\uXXXX} escapes), merged
 * into every client streamrl makes: producers, consumers, admin clients and the reward join's
 * Kafka Streams application. This is how a cluster's security settings ({@code security.protocol},
 * {@code sasl.*}, {@code ssl.*}) reach streamrl; other client settings (timeouts, batching,
 * compression) replace streamrl's defaults for them.
 *
 * <p>Validated on {@link #load}: a key streamrl owns ({@link #OWNED}) or a value the Kafka client
 * would refuse is an {@link IllegalArgumentException} naming the key and the file. Values are
 * secrets until known otherwise: {@link #toString()} and every message show the value only of a
 * key the Kafka clients define with a type other than password and whose name does not look like
 * a secret; everything else shows as {@value #HIDDEN}, as Kafka's own configuration dump does.
 *
 * @param source the file the properties came from, empty for none; named in error messages and
 *     passed on to the child processes a benchmark starts
 * @param properties the properties, in the file's key order; never logged as they are
 */
public record KafkaClientConfig(Optional<Path> source, Map<String, String> properties) {

    /** How a secret value is shown; the same as Kafka's own configuration dump. */
    public static final String HIDDEN = "[hidden]";

    /**
     * Keys streamrl sets itself because its guarantees rest on their values, with the reason
     * given when a file sets one. Everything else a file may set.
     * <ul>
     * <li>{@code bootstrap.servers}: {@code --bootstrap-server} says it; two sources would disagree.</li>
     * <li>the serializers: streamrl's records are bytes it encodes and decodes itself (so that an
     *     undecodable record can be dead-lettered with its bytes).</li>
     * <li>{@code acks}, {@code enable.idempotence}: an acknowledged transition, decision or reward
     *     is written once and in order, which is what the counts of acknowledged records rest on.</li>
     * <li>{@code transactional.id}: one per learner and policy is how a second learner fences the
     *     first; one for every producer would fence streamrl's own producers against each other.</li>
     * <li>{@code isolation.level}: readers must not see aborted policy or join transactions.</li>
     * <li>{@code group.id}, {@code enable.auto.commit}, {@code auto.offset.reset}: readers assign
     *     their partitions and read from the beginning themselves (every actor sees every
     *     snapshot; a restarted learner refills its buffer); a shared group would split records
     *     between readers that each need all of them.</li>
     * <li>{@code client.id}: streamrl names each client (logs, metrics, JMX); one id for all of
     *     them would make them indistinguishable and their metrics collide. Quotas go by the
     *     authenticated user instead.</li>
     * <li>{@code allow.auto.create.topics}: a topic created on first use lacks its compaction and
     *     partition settings, so readers wait for the bootstrap to create it properly.</li>
     * <li>{@code max.request.size}: a policy snapshot needs up to
     *     {@code Topics.POLICY_MAX_MESSAGE_BYTES} in one request; less and publishing fails.</li>
     * <li>{@code partitioner.class}, {@code partitioner.ignore.keys}: a reward must land in the
     *     partition of its decision (both keyed by entity, the default partitioner, equal
     *     partition counts) and an actor's transitions in one partition, in order.</li>
     * <li>{@code application.id}, {@code processing.guarantee} (Kafka Streams): the join's
     *     instances share one application id per namespace, and exactly once is its guarantee.</li>
     * </ul>
     */
    public static final Map<String, String> OWNED = ownedKeys();

    /**
     * The prefixes by which Kafka Streams passes a setting to one of its clients only; a file
     * could set an owned key for the join's clients that way, so those are refused too.
     */
    private static final List<String> STREAMS_CLIENT_PREFIXES = List.of(
            "producer.", "consumer.", "main.consumer.", "restore.consumer.", "global.consumer.", "admin.");

    /** Every key the producer, consumer and admin client define, with its type. */
    private static final Map<String, ConfigDef.ConfigKey> CLIENT_KEYS = clientKeys();

    /** Names that hold secrets in plugins and newer clients, whatever their declared type. */
    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i).*(password|passphrase|secret|jaas|credential|token|private|\\.key$|auth\\.user\\.info).*");

    private static final KafkaClientConfig NONE = new KafkaClientConfig(Optional.empty(), Map.of());

    public KafkaClientConfig {
        Objects.requireNonNull(source, "source must not be null; use Optional.empty() for none");
        Objects.requireNonNull(properties, "properties must not be null; use none() for no properties");
        String where = "kafka-config" + source.map(p -> " " + p).orElse("");
        Map<String, String> copy = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : properties.entrySet()) {
            String key = e.getKey();
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException(where + " has an entry without a key (a line starting with"
                        + " '=' or ':'); write KEY=VALUE");
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException(where + ": " + key + " has no value");
            }
            String owned = ownedReason(key);
            if (owned != null) {
                throw new IllegalArgumentException(where + " sets " + key + ", which streamrl sets itself ("
                        + owned + "); remove it from the file");
            }
            checkValue(where, key, e.getValue());
            copy.put(key, e.getValue());
        }
        properties = Collections.unmodifiableMap(copy);
    }

    /** No file: streamrl's own settings only (a PLAINTEXT cluster). */
    public static KafkaClientConfig none() {
        return NONE;
    }

    /**
     * Reads and validates {@code file}.
     *
     * @throws IllegalArgumentException with one line naming the file when it cannot be read, and
     *     naming the key when one is owned by streamrl or has a value the Kafka client refuses
     */
    public static KafkaClientConfig load(Path file) {
        Objects.requireNonNull(file, "file");
        Properties loaded = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            loaded.load(in);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("kafka-config " + file + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException("kafka-config " + file + ": not readable (permission denied)", e);
        } catch (IOException e) {
            String reason = Files.isDirectory(file) ? "a directory, not a file" : "cannot be read ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")";
            throw new IllegalArgumentException("kafka-config " + file + ": " + reason, e);
        } catch (IllegalArgumentException e) {
            // Properties.load refuses a malformed \\uXXXX escape; its message holds no value.
            throw new IllegalArgumentException("kafka-config " + file + ": not a properties file ("
                    + e.getMessage() + ")", e);
        }
        // Properties is a hash table: sort for a stable order in messages and toString.
        Map<String, String> properties = new TreeMap<>();
        for (String key : loaded.stringPropertyNames()) {
            properties.put(key, loaded.getProperty(key));
        }
        KafkaClientConfig config = new KafkaClientConfig(Optional.of(file), properties);
        if (properties.keySet().stream().anyMatch(KafkaClientConfig::isSecret)) {
            SecretFiles.warnIfOthersCanRead("--kafka-config", file);
        }
        return config;
    }

    /** Whether there are any properties (a file with only comments has none). */
    public boolean isEmpty() {
        return properties.isEmpty();
    }

    /** Puts every property into {@code target}, replacing streamrl's defaults for the same keys. */
    void applyTo(Properties target) {
        target.putAll(properties);
    }

    /**
     * Whether the value of {@code key} may be shown: only for keys the Kafka clients define with a
     * type other than password and whose name does not suggest a secret. Unknown keys (plugins,
     * typos) count as secret.
     */
    public static boolean isSecret(String key) {
        ConfigDef.ConfigKey known = CLIENT_KEYS.get(key);
        return known == null || known.type == ConfigDef.Type.PASSWORD || SECRET_NAME.matcher(key).matches();
    }

    /** {@code KEY=VALUE, ...} with secret values shown as {@value #HIDDEN}, for a log line. */
    public String describe() {
        if (properties.isEmpty()) {
            return "none";
        }
        return properties.keySet().stream()
                .map(k -> k + "=" + (isSecret(k) ? HIDDEN : properties.get(k)))
                .collect(Collectors.joining(", "));
    }

    /** Never the secret values: see {@link #describe()}. */
    @Override
    public String toString() {
        return "KafkaClientConfig[source=" + source.map(Path::toString).orElse("none") + ", properties={"
                + describe() + "}]";
    }

    /** The file named in a message, or a hint to pass one. */
    public String sourceDescription() {
        return source.map(p -> "--kafka-config " + p).orElse("no --kafka-config");
    }

    private static String ownedReason(String key) {
        String reason = OWNED.get(key);
        if (reason != null) {
            return reason;
        }
        for (String prefix : STREAMS_CLIENT_PREFIXES) {
            if (key.startsWith(prefix)) {
                reason = OWNED.get(key.substring(prefix.length()));
                if (reason != null) {
                    return reason;
                }
            }
        }
        return null;
    }

    /**
     * Parses a value the clients define as the clients would, so that a bad one is refused here,
     * naming the key and file, instead of by the first client with a stack trace. A secret value
     * is not repeated in the message.
     */
    private static void checkValue(String where, String key, String value) {
        ConfigDef.ConfigKey known = CLIENT_KEYS.get(key);
        if (known == null) {
            return;
        }
        try {
            Object parsed = ConfigDef.parseType(key, value, known.type);
            if (known.validator != null) {
                known.validator.ensureValid(key, parsed);
            }
        } catch (ConfigException e) {
            String shown = isSecret(key) ? "" : " '" + value + "'";
            throw new IllegalArgumentException(where + ": " + key + " has an invalid value" + shown + " ("
                    + reasonOf(e, key, value) + ")", e);
        }
    }

    /** The reason of a {@link ConfigException}, without the value it may quote. */
    private static String reasonOf(ConfigException e, String key, String value) {
        String message = String.valueOf(e.getMessage());
        String prefix = "Invalid value " + value + " for configuration " + key;
        if (message.startsWith(prefix)) {
            String rest = message.substring(prefix.length()).replaceFirst("^:\\s*", "");
            return rest.isBlank() ? "refused by the Kafka client" : rest;
        }
        return isSecret(key) || message.contains(value) ? "refused by the Kafka client" : message;
    }

    private static Map<String, String> ownedKeys() {
        String serde = "streamrl encodes and decodes its records itself";
        String durable = "every acknowledged record is written once and in order: idempotent, acks=all";
        String readers = "readers assign their partitions and read from the beginning themselves";
        String partitioning = "a reward must reach the partition of its decision, an actor's transitions one"
                + " partition";
        Map<String, String> owned = new LinkedHashMap<>();
        owned.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "give the cluster with --bootstrap-server");
        owned.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, serde);
        owned.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, serde);
        owned.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, serde);
        owned.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, serde);
        owned.put(ProducerConfig.ACKS_CONFIG, durable);
        owned.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, durable);
        owned.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "one per learner and policy fences a second learner");
        owned.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "readers must not see aborted transactions: read_committed");
        owned.put(ConsumerConfig.GROUP_ID_CONFIG, readers);
        owned.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, readers);
        owned.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, readers);
        owned.put(ProducerConfig.CLIENT_ID_CONFIG, "streamrl names each client, for logs and metrics");
        owned.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG,
                "topics are created with their compaction and partitions at start-up, never on first use");
        owned.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "a policy snapshot needs up to 8 MiB in one request");
        owned.put(ProducerConfig.PARTITIONER_CLASS_CONFIG, partitioning);
        owned.put(ProducerConfig.PARTITIONER_IGNORE_KEYS_CONFIG, partitioning);
        // Kafka Streams' names, spelled out: kafka-support does not depend on kafka-streams.
        owned.put("application.id", "the join's instances share one application id per namespace");
        owned.put("processing.guarantee", "the join runs exactly_once_v2");
        return Collections.unmodifiableMap(owned);
    }

    private static Map<String, ConfigDef.ConfigKey> clientKeys() {
        Map<String, ConfigDef.ConfigKey> keys = new TreeMap<>();
        for (ConfigDef def : List.of(ProducerConfig.configDef(), ConsumerConfig.configDef(),
                AdminClientConfig.configDef())) {
            keys.putAll(def.configKeys());
        }
        return Collections.unmodifiableMap(keys);
    }
}
