package io.streamrl.bench;

import io.streamrl.broker.EmbeddedBrokerConfig;
import io.streamrl.broker.EmbeddedKafkaBroker;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.schemas.Topics;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka a benchmark runs against: an in-process broker that lives as long as this object,
 * or an existing cluster. Every measurement gets topics of its own (a fresh namespace), so a
 * benchmark never reads records another run left behind.
 */
final class BenchKafka implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BenchKafka.class);

    private final EmbeddedKafkaBroker broker;
    private final String bootstrapServers;
    private final String runId;
    private final AtomicInteger namespaces = new AtomicInteger();

    private BenchKafka(EmbeddedKafkaBroker broker, String bootstrapServers, Clock clock) {
        this.broker = broker;
        this.bootstrapServers = bootstrapServers;
        this.runId = Long.toString(clock.millis(), 36);
    }

    /**
     * @param bootstrapServers an existing cluster, or null to start a broker in this process
     */
    static BenchKafka open(String bootstrapServers, Clock clock) {
        if (bootstrapServers != null) {
            return new BenchKafka(null, bootstrapServers, clock);
        }
        log.info("starting an in-process Kafka broker");
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(EmbeddedBrokerConfig.defaults()).start();
        return new BenchKafka(broker, broker.bootstrapServers(), clock);
    }

    /** Settings with a namespace no earlier measurement used, the transitions topic with {@code partitions}. */
    KafkaSettings fresh(String purpose, int transitionPartitions) {
        String namespace = "bench-" + purpose + "-" + runId + "-" + namespaces.incrementAndGet();
        Topics topics = new Topics(namespace, transitionPartitions, Topics.DEFAULT_POLICY_PARTITIONS,
                Topics.DEFAULT_EPISODE_PARTITIONS, Topics.DEFAULT_DEAD_LETTER_PARTITIONS);
        return new KafkaSettings(bootstrapServers, topics, KafkaSettings.DEFAULT_CONNECT_TIMEOUT);
    }

    KafkaSettings fresh(String purpose) {
        return fresh(purpose, Topics.DEFAULT_TRANSITION_PARTITIONS);
    }

    /** {@code in-process} or the cluster's bootstrap servers, for the result lines. */
    String description() {
        return broker != null ? "in-process" : bootstrapServers;
    }

    @Override
    public void close() {
        if (broker != null) {
            broker.close();
        }
    }
}
