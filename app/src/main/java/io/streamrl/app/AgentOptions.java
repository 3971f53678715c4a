package io.streamrl.app;

import io.streamrl.core.agent.DdpgConfig;
import io.streamrl.core.compute.ComputeBackends;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options shared by every command that trains: algorithm, hyperparameter overrides, backend. */
final class AgentOptions {

    @Option(names = "--algo", description = "Algorithm: ddpg, td3 or td3+bc (TD3 with a behaviour-cloning term, for"
            + " learning from a log; default: ddpg, and td3+bc for learner --offline).")
    String algo;

    @Option(names = "--set", paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "Override a hyperparameter, e.g. --set actor-lr=3e-4 --set actor-hidden=256,256."
                    + " Unknown keys list the valid ones.")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--backend", description = "Compute backend: vector or nd4j (default: vector when the JDK"
            + " Vector API module is loaded, else nd4j).")
    String backend;

    DdpgConfig config() {
        return config("ddpg");
    }

    /** The configuration of {@code --algo}, or of {@code defaultAlgorithm} when none was given. */
    DdpgConfig config(String defaultAlgorithm) {
        return DdpgConfig.preset(algo == null ? defaultAlgorithm : algo).with(overrides);
    }

    String backendName() {
        return backend == null ? ComputeBackends.defaultName() : backend;
    }
}
