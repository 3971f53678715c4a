package io.streamrl.kafka;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Serves a Micrometer registry as Prometheus text on {@code GET /metrics}, with the JDK's own
 * HTTP server (one small endpoint does not justify a web framework).
 */
public final class MetricsServer implements AutoCloseable {

    /** Where {@code /metrics} listens unless told otherwise: this machine only. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gcMetrics;
    private final HttpServer server;

    private MetricsServer(PrometheusMeterRegistry registry, JvmGcMetrics gcMetrics, HttpServer server) {
        this.registry = registry;
        this.gcMetrics = gcMetrics;
        this.server = server;
    }

    /**
     * Validates a {@code --metrics-host} value.
     *
     * @throws IllegalArgumentException naming the option and two typical values when it is blank
     */
    public static String checkHost(String host) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("metrics-host must be a host name or address, e.g. " + DEFAULT_HOST
                    + " (this machine only) or 0.0.0.0 (every interface, as in a container), got '" + host + "'");
        }
        return host;
    }

    /** A registry with JVM and process metrics bound, for a service to register its own meters on. */
    public static PrometheusMeterRegistry newRegistry() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    /**
     * Starts serving {@code registry} on {@code host:port} (port 0 picks a free port).
     *
     * @throws IllegalStateException naming the option and the port when it cannot be bound, see
     *     {@link ListenFailure}
     */
    public static MetricsServer start(PrometheusMeterRegistry registry, String host, int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("metrics-port must be in [0, 65535], got " + port);
        }
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            gc.close();
            throw ListenFailure.of("--metrics-port", host, port, e);
        }
        server.createContext("/metrics", exchange -> {
            try (exchange) {
                if (!"GET".equals(exchange.getRequestMethod())) {
                    exchange.sendResponseHeaders(405, -1);
                    return;
                }
                byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
        return new MetricsServer(registry, gc, server);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        server.stop(0);
        gcMetrics.close();
    }
}
