package io.streamrl.app;

import io.streamrl.kafka.KafkaSettings;
import io.streamrl.schemas.Topics;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where a service finds Kafka, how it logs in there, and which experiment's topics it uses. */
final class KafkaOptions {

    @Option(names = "--bootstrap-server", defaultValue = "127.0.0.1:9092", paramLabel = "HOST:PORT",
            description = "Kafka cluster to use (default: ${DEFAULT-VALUE}, where 'streamrl broker' listens).")
    String bootstrapServer;

    @Option(names = "--namespace", defaultValue = Topics.DEFAULT_NAMESPACE,
            description = "Topic name prefix, so that experiments can share a cluster (default: ${DEFAULT-VALUE}).")
    String namespace;

    @Option(names = "--connect-timeout", defaultValue = "60", paramLabel = "SECONDS",
            description = "How long start-up retries an unreachable broker (default: ${DEFAULT-VALUE} s).")
    long connectTimeoutSeconds;

    @Mixin
    KafkaConfigOption kafkaConfig;

    /** Read once: a command asks more than once, and the file is logged and checked once. */
    private KafkaSettings settings;

    /**
     * @throws IllegalArgumentException naming the option (and the file or key) when a value is bad
     */
    KafkaSettings settings() {
        if (settings == null) {
            if (connectTimeoutSeconds < 1) {
                throw new IllegalArgumentException("connect-timeout must be >= 1 s, got " + connectTimeoutSeconds);
            }
            settings = new KafkaSettings(bootstrapServer, Topics.of(namespace),
                    Duration.ofSeconds(connectTimeoutSeconds), kafkaConfig.load());
        }
        return settings;
    }
}
