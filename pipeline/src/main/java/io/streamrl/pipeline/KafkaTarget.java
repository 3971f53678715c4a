package io.streamrl.pipeline;

import io.streamrl.broker.EmbeddedBrokerConfig;
import io.streamrl.broker.EmbeddedKafkaBroker;
import io.streamrl.kafka.KafkaClientConfig;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.schemas.Topics;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka a pipeline runs against: an in-process single-node broker that lives as long as this
 * object, or an existing cluster. {@link #fresh} hands out topics no earlier run used, so a
 * benchmark or a demo on a shared cluster never reads records another run left behind.
 */
public final class KafkaTarget implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaTarget.class);

    private final EmbeddedKafkaBroker broker;
    private final String bootstrapServers;
    private final KafkaClientConfig clientConfig;
    private final String runId;
    private final AtomicInteger namespaces = new AtomicInteger();

    private KafkaTarget(EmbeddedKafkaBroker broker, String bootstrapServers, KafkaClientConfig clientConfig,
                        Clock clock) {
        this.broker = broker;
        this.bootstrapServers = bootstrapServers;
        this.clientConfig = clientConfig;
        this.runId = Long.toString(clock.millis(), 36);
    }

    /**
     * @param bootstrapServers an existing cluster, or null to start a broker in this process
     * @throws io.streamrl.broker.EmbeddedBrokerException when the in-process broker cannot start
     */
    public static KafkaTarget open(String bootstrapServers, Clock clock) {
        return open(bootstrapServers, KafkaClientConfig.none(), clock);
    }

    /**
     * @param bootstrapServers an existing cluster, or null to start a broker in this process
     * @param clientConfig the cluster's client properties ({@code --kafka-config}); must be empty
     *     for the in-process broker, which needs none
     * @throws IllegalArgumentException when there are client properties but no cluster
     * @throws io.streamrl.broker.EmbeddedBrokerException when the in-process broker cannot start
     */
    public static KafkaTarget open(String bootstrapServers, KafkaClientConfig clientConfig, Clock clock) {
        Objects.requireNonNull(clientConfig, "clientConfig must not be null; use KafkaClientConfig.none()");
        if (bootstrapServers != null) {
            return new KafkaTarget(null, bootstrapServers, clientConfig, clock);
        }
        if (!clientConfig.isEmpty()) {
            // A file meant for a cluster would otherwise be ignored without a word.
            throw new IllegalArgumentException("kafka-config is for a cluster given with --bootstrap-server; the"
                    + " in-process broker needs none (" + clientConfig.sourceDescription() + ")");
        }
        log.info("starting an in-process Kafka broker");
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(EmbeddedBrokerConfig.defaults()).start();
        return new KafkaTarget(broker, broker.bootstrapServers(), clientConfig, clock);
    }

    /** Settings for the given namespace, with the default partition counts. */
    public KafkaSettings settings(String namespace) {
        return KafkaSettings.of(bootstrapServers, namespace).withClientConfig(clientConfig);
    }

    /**
     * Settings with a namespace no earlier run used, {@code PURPOSE-RUN-N} (RUN from the start
     * time of this target), the transitions topic with {@code transitionPartitions}.
     */
    public KafkaSettings fresh(String purpose, int transitionPartitions) {
        String namespace = purpose + "-" + runId + "-" + namespaces.incrementAndGet();
        Topics topics = new Topics(namespace, transitionPartitions, Topics.DEFAULT_POLICY_PARTITIONS,
                Topics.DEFAULT_EPISODE_PARTITIONS, Topics.DEFAULT_DEAD_LETTER_PARTITIONS,
                Topics.DEFAULT_DECISION_PARTITIONS);
        return new KafkaSettings(bootstrapServers, topics, KafkaSettings.DEFAULT_CONNECT_TIMEOUT, clientConfig);
    }

    /** As {@link #fresh(String, int)} with the default number of transition partitions. */
    public KafkaSettings fresh(String purpose) {
        return fresh(purpose, Topics.DEFAULT_TRANSITION_PARTITIONS);
    }

    public boolean inProcess() {
        return broker != null;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** {@code in-process} or the cluster's bootstrap servers, for result lines and summaries. */
    public String description() {
        return inProcess() ? "in-process" : bootstrapServers;
    }

    @Override
    public void close() {
        if (broker != null) {
            broker.close();
        }
    }
}
