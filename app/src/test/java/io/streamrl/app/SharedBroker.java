package io.streamrl.app;

import io.streamrl.broker.EmbeddedBrokerConfig;
import io.streamrl.broker.EmbeddedKafkaBroker;
import io.streamrl.kafka.KafkaSettings;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One in-process broker for the whole integration-test JVM (a broker costs seconds to start);
 * every test gets its own topic namespace so tests never see each other's records.
 */
final class SharedBroker {

    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    private static EmbeddedKafkaBroker broker;

    private SharedBroker() {
    }

    static synchronized String bootstrapServers() {
        if (broker == null) {
            broker = new EmbeddedKafkaBroker(EmbeddedBrokerConfig.defaults()).start();
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "shared-broker-shutdown"));
        }
        return broker.bootstrapServers();
    }

    /** Settings for a fresh namespace, e.g. {@code it-restart-3}. */
    static KafkaSettings freshNamespace(String prefix) {
        return KafkaSettings.of(bootstrapServers(), "it-" + prefix + "-" + NAMESPACES.incrementAndGet());
    }
}
