package io.streamrl.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
