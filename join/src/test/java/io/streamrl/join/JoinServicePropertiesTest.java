package io.streamrl.join;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrl.kafka.KafkaClientConfig;
import io.streamrl.kafka.KafkaSettings;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** The Kafka Streams application gets --kafka-config like every other client, and keeps what it owns. */
class JoinServicePropertiesTest {

    @Test
    void theClientPropertiesReachTheStreamsApplicationAndItsClients() {
        String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\""
                + " password=\"join-pw\";";
        KafkaClientConfig config = new KafkaClientConfig(Optional.empty(), Map.of("security.protocol",
                "SASL_SSL", "sasl.mechanism", "PLAIN", "sasl.jaas.config", jaas, "linger.ms", "50"));
        KafkaSettings settings = KafkaSettings.of("127.0.0.1:9092", "ns").withClientConfig(config);

        Properties p = JoinService.properties(settings, Path.of("state"), 1);

        // Unprefixed, Kafka Streams passes them to its producers, consumers and admin client.
        assertThat(p).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("sasl.jaas.config", jaas)
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
                .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "ns.join");
        // The join's own producer tuning still wins over the file's, by Kafka Streams' prefix rule.
        assertThat(p).containsEntry(StreamsConfig.producerPrefix("linger.ms"), "5");
        assertThat(new StreamsConfig(p).getProducerConfigs("c")).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("linger.ms", "5");
        assertThat(new StreamsConfig(p).getMainConsumerConfigs("g", "c", 0))
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("isolation.level", "read_committed");
    }
}
