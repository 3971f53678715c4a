package io.streamrl.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class MetricsServerTest {

    @Test
    void servesTheRegistryAsPrometheusText() throws Exception {
        PrometheusMeterRegistry registry = MetricsServer.newRegistry();
        registry.counter("learner.transitions.received").increment(42);
        try (MetricsServer server = MetricsServer.start(registry, "127.0.0.1", 0)) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("text/plain"));
            assertThat(response.body()).contains("learner_transitions_received_total 42.0")
                    .contains("jvm_memory_used_bytes");
        }
    }

    @Test
    void aTakenPortIsReportedWithWhatToDo() {
        try (MetricsServer first = MetricsServer.start(MetricsServer.newRegistry(), "127.0.0.1", 0)) {
            assertThatThrownBy(() -> MetricsServer.start(MetricsServer.newRegistry(), "127.0.0.1", first.port()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("--metrics-port " + first.port() + " is already in use on 127.0.0.1;")
                    .hasRootCauseInstanceOf(java.net.BindException.class);
        }
    }
}
