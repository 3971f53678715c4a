package io.streamrl.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.BindException;
import org.junit.jupiter.api.Test;

class ListenFailureTest {

    @Test
    void aTakenPortIsNamedWithItsOptionThroughTheServersWrapping() {
        BindException bind = new BindException("Address already in use");
        // As Jetty throws it from Server.start().
        IOException jetty = new IOException("Failed to bind to /127.0.0.1:8080", bind);
        IllegalStateException e = ListenFailure.of("--port", "127.0.0.1", 8080, jetty);
        assertThat(e).hasMessage("--port 8080 is already in use on 127.0.0.1; stop what uses it or choose another"
                + " port (0 picks a free one)").hasCause(jetty);
        assertThat(ListenFailure.bindException(e)).isSameAs(bind);
    }

    @Test
    void aPrivilegedPortSaysItIsNotPermitted() {
        IllegalStateException e = ListenFailure.of("--metrics-port", "0.0.0.0", 80,
                new BindException("Permission denied"));
        assertThat(e.getMessage()).startsWith("--metrics-port 80 is not permitted on 0.0.0.0 (ports below 1024")
                .doesNotContain("\n");
    }

    @Test
    void anotherBindFailureKeepsItsReason() {
        IllegalStateException e = ListenFailure.of("--port", "10.255.0.1", 8080,
                new BindException("Cannot assign requested address"));
        assertThat(e.getMessage()).isEqualTo("--port 8080: cannot listen on 10.255.0.1:8080 (Cannot assign requested"
                + " address); check the address and the port (0 picks a free one)");
        assertThat(ListenFailure.bindException(new IllegalStateException("no bind here"))).isNull();
    }
}
