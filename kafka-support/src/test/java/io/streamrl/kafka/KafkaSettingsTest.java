package io.streamrl.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class KafkaSettingsTest {

    @Test
    void acceptsOneOrSeveralHostPorts() {
        assertThat(KafkaSettings.of("127.0.0.1:9092", "ns").bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(KafkaSettings.of("a:1,b:65535,[::1]:9092", "ns").bootstrapServers())
                .isEqualTo("a:1,b:65535,[::1]:9092");
    }

    @Test
    void rejectsPortsOutsideOneTo65535AndMissingParts() {
        for (String bad : new String[] {"127.0.0.1:99999", "127.0.0.1:65536", "127.0.0.1:0", "127.0.0.1:",
                "127.0.0.1", ":9092", "a:1,", "a:1,b:x", "a:0000000000009092", " "}) {
            assertThatThrownBy(() -> KafkaSettings.of(bad, "ns")).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("bootstrap-server must be host:port[,host:port...] with ports 1 to 65535, got '"
                            + bad + "'");
        }
    }

    @Test
    void theLearnersPolicyProducerIsTransactionalWithOneIdPerNamespaceAndPolicy() {
        KafkaSettings kafka = KafkaSettings.of("127.0.0.1:9092", "exp1");
        assertThat(kafka.learnerTransactionalId("swing-up")).isEqualTo("exp1.learner.swing-up");
        assertThat(kafka.learnerPolicyProducer("c", "swing-up"))
                .containsEntry(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "exp1.learner.swing-up")
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, "0");
        assertThat(kafka.policyProducer("c")).doesNotContainKey(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    }
}
