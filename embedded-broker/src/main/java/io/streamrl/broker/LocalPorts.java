package io.streamrl.broker;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Port probing for listeners whose numbers must be known before Kafka binds them. */
final class LocalPorts {

    private LocalPorts() {
    }

    /**
     * A port that was free on {@code host} a moment ago. Another process may take it before Kafka
     * binds it; that window is milliseconds long and the bind failure then names the port.
     */
    static int pickFree(String host) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(host, 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw cannotBind(host, e);
        }
    }

    /**
     * Why {@code host:port} cannot be bound right now (taken, or privileged), or null when it can;
     * the caller words the two cases differently.
     */
    static BindException bindFailure(String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(host, port));
            return null;
        } catch (BindException e) {
            return e;
        } catch (IOException e) {
            throw cannotBind(host, e);
        }
    }

    private static EmbeddedBrokerException cannotBind(String host, IOException e) {
        return new EmbeddedBrokerException("cannot open a listener on host " + host + ": " + e
                + "; pass an address or host name of this machine", e);
    }
}
