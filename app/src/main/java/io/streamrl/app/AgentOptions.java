package io.streamrl.app;

import io.streamrl.core.agent.DdpgConfig;
import io.streamrl.core.compute.ComputeBackends;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options shared by every command that trains: algorithm, hyperparameter overrides, backend. */
final class AgentOptions {

    @Option(names = "--algo", defaultValue = "ddpg", description = "Algorithm: ddpg or td3 (default: ${DEFAULT-VALUE}).")
    String algo;

    @Option(names = "--set", paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "Override a hyperparameter, e.g. --set actor-lr=3e-4 --set actor-hidden=256,256."
                    + " Unknown keys list the valid ones.")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--backend", description = "Compute backend: vector or nd4j (default: vector when the JDK"
            + " Vector API module is loaded, else nd4j).")
    String backend;

    DdpgConfig config() {
        return DdpgConfig.preset(algo).with(overrides);
    }

    String backendName() {
        return backend == null ? ComputeBackends.defaultName() : backend;
    }
}
