package io.streamrl.app;

import io.streamrl.kafka.MetricsServer;
import picocli.CommandLine.Option;

/** Where a service serves its Prometheus {@code /metrics}. */
final class MetricsOptions {

    @Option(names = "--metrics-host", defaultValue = MetricsServer.DEFAULT_HOST,
            description = "Address the metrics endpoint binds to; 0.0.0.0 in a container (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--metrics-port", defaultValue = "-1",
            description = "Serve Prometheus metrics on /metrics at this port; 0 = any free port, -1 = off (default).")
    int port;
}
