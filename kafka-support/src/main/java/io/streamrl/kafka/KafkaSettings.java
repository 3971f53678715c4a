package io.streamrl.kafka;

import io.streamrl.schemas.Topics;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * How a streamrl service reaches Kafka: the cluster, the topic namespace, and how long to keep
 * retrying a broker that is not up yet. Builds the client properties every service uses, so
 * that durability settings are the same everywhere.
 *
 * @param bootstrapServers {@code host:port[,host:port...]}
 * @param topics the experiment's topics (namespace and partition counts)
 * @param connectTimeout how long start-up waits for an unreachable broker before giving up
 * @param clientConfig the properties of {@code --kafka-config} (security, tuning), merged into
 *     every client's properties; its {@code toString()} hides secret values, so this record's does
 */
public record KafkaSettings(String bootstrapServers, Topics topics, Duration connectTimeout,
                           KafkaClientConfig clientConfig) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(60);

    public KafkaSettings {
        checkBootstrapServers(bootstrapServers);
        Objects.requireNonNull(topics, "topics");
        if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connect-timeout must be positive, got " + connectTimeout);
        }
        Objects.requireNonNull(clientConfig, "clientConfig must not be null; use KafkaClientConfig.none()");
    }

    /** Without client properties: a PLAINTEXT cluster that needs no credentials. */
    public KafkaSettings(String bootstrapServers, Topics topics, Duration connectTimeout) {
        this(bootstrapServers, topics, connectTimeout, KafkaClientConfig.none());
    }

    /** These settings with {@code config}'s client properties instead. */
    public KafkaSettings withClientConfig(KafkaClientConfig config) {
        return new KafkaSettings(bootstrapServers, topics, connectTimeout, config);
    }

    /**
     * Checks a {@code --bootstrap-server} value here, because the Kafka client would otherwise
     * reject a bad one with a stack trace of its own (port 99999) or only after retrying it.
     *
     * @return {@code bootstrapServers}
     * @throws IllegalArgumentException naming the option and the allowed form
     */
    public static String checkBootstrapServers(String bootstrapServers) {
        String expected = "bootstrap-server must be host:port[,host:port...] with ports 1 to 65535, got '"
                + bootstrapServers + "'";
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException(expected);
        }
        for (String server : bootstrapServers.split(",", -1)) {
            int colon = server.lastIndexOf(':');
            String port = colon < 0 ? "" : server.substring(colon + 1).trim();
            // At most 5 digits before parsing, so that a long number cannot overflow into range.
            if (colon <= 0 || server.substring(0, colon).isBlank() || !port.matches("\\d{1,5}")
                    || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65_535) {
                throw new IllegalArgumentException(expected);
            }
        }
        return bootstrapServers;
    }

    public static KafkaSettings of(String bootstrapServers, String namespace) {
        return new KafkaSettings(bootstrapServers, Topics.of(namespace), DEFAULT_CONNECT_TIMEOUT);
    }

    /**
     * A durable producer of raw bytes: idempotent, {@code acks=all}, so every acknowledged
     * record is written once and in order per partition; a short linger batches the stream of
     * small transitions.
     */
    public Properties producer(String clientId) {
        return withClientConfig(producerDefaults(clientId));
    }

    private Properties producerDefaults(String clientId) {
        Properties p = common(clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        // The broker checks whole batches against max.message.bytes: keep this at most
        // Topics.TRANSITION_MAX_MESSAGE_BYTES, or full batches of transitions are refused and split.
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(128 * 1024));
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(Topics.POLICY_MAX_MESSAGE_BYTES));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    /**
     * The producer of policy snapshots: durable like {@link #producer}, but without linger. A
     * snapshot is one record that every actor is waiting for; batching would only delay it
     * (about 5 ms of the publish-to-swap median).
     */
    public Properties policyProducer(String clientId) {
        Properties p = producerDefaults(clientId);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        return withClientConfig(p);
    }

    /**
     * The learner's producer of policy {@code policyName}: {@link #policyProducer}, made
     * transactional with {@link #learnerTransactionalId}. One transactional id per namespace and
     * policy means one learner per policy: {@code initTransactions()} of a second learner fences
     * the first, whose next publish fails with {@code ProducerFencedException}.
     */
    public Properties learnerPolicyProducer(String clientId, String policyName) {
        Properties p = policyProducer(clientId);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, learnerTransactionalId(policyName));
        return p;
    }

    /** {@code <namespace>.learner.<policy-name>}: the transactional id of the learner of that policy. */
    public String learnerTransactionalId(String policyName) {
        return topics.namespace() + ".learner." + policyName;
    }

    /**
     * A consumer of raw bytes (values are decoded by the caller, so that undecodable records can
     * be dead-lettered with their bytes). Without a group the caller assigns partitions itself.
     */
    public Properties consumer(String clientId, String groupId) {
        Properties p = common(clientId);
        if (groupId != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(Topics.POLICY_MAX_MESSAGE_BYTES));
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return withClientConfig(p);
    }

    public Properties admin(String clientId) {
        return withClientConfig(common(clientId));
    }

    /**
     * Last, so that a key of {@code --kafka-config} replaces streamrl's default for it; the keys
     * streamrl must own cannot be in there ({@link KafkaClientConfig#OWNED}).
     */
    private Properties withClientConfig(Properties p) {
        clientConfig.applyTo(p);
        return p;
    }

    private Properties common(String clientId) {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        // Fail individual calls fast; start-up retries on its own schedule with a clear message.
        p.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        p.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, "2000");
        return p;
    }
}
