package io.streamrl.broker.testing;

import io.streamrl.broker.EmbeddedBrokerConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Ports for tests that stop a broker and start it again where its clients already point. */
public final class RestartablePorts {

    private RestartablePorts() {
    }

    /**
     * A free port below Linux's default ephemeral range (32768 up). A port the system picked
     * (port 0) is an ephemeral one, which any outgoing connection on the machine may take while
     * the broker is down, and the restart could then not bind it. The start differs per process
     * so that test runs side by side try different ports.
     */
    public static int belowTheEphemeralRange() {
        int first = 20_000 + (int) (ProcessHandle.current().pid() % 10_000);
        for (int port = first; port < first + 2_000; port++) {
            try (ServerSocket probe = new ServerSocket()) {
                probe.bind(new InetSocketAddress(EmbeddedBrokerConfig.DEFAULT_HOST, port));
                return port;
            } catch (IOException taken) {
                // try the next one
            }
        }
        throw new IllegalStateException("no free port from " + first + " to " + (first + 1_999));
    }
}
