package io.streamrl.app;

import io.streamrl.kafka.KafkaClientConfig;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * {@code --kafka-config FILE}: the Kafka client properties of every command that reaches Kafka,
 * in one place (the services' {@link KafkaOptions}, and the demo and benchmarks, which take a
 * cluster only optionally).
 */
final class KafkaConfigOption {

    private static final Logger log = LoggerFactory.getLogger(KafkaConfigOption.class);

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "Kafka client properties for every client this command makes (security.protocol,"
                    + " sasl.*, ssl.*, timeouts), as for Kafka tools' --command-config. Secret values are never"
                    + " logged; keys streamrl sets itself (acks, serializers, bootstrap.servers, ...) are refused.")
    Path file;

    /**
     * The file's properties, or none without the option.
     *
     * @throws IllegalArgumentException naming the file (and the key) when it cannot be read or
     *     sets what streamrl owns
     */
    KafkaClientConfig load() {
        if (file == null) {
            return KafkaClientConfig.none();
        }
        KafkaClientConfig config = KafkaClientConfig.load(file);
        log.info("Kafka client settings from --kafka-config {}: {}", file, config.describe());
        return config;
    }
}
