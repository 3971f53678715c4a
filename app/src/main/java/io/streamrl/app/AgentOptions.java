package io.streamrl.app;

import io.streamrl.core.agent.A2cConfig;
import io.streamrl.core.agent.DdpgConfig;
import io.streamrl.core.compute.ComputeBackends;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options shared by every command that trains: algorithm, hyperparameter overrides, backend. */
final class AgentOptions {

    @Option(names = "--algo", description = "Algorithm: ddpg, td3 or td3+bc (TD3 with a behaviour-cloning term, for"
            + " learning from a log); train, demo and learner also take a2c (default: ddpg, and td3+bc for learner"
            + " --offline).")
    String algo;

    @Option(names = "--set", paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "Override a hyperparameter, e.g. --set actor-lr=3e-4 --set actor-hidden=256,256."
                    + " Unknown keys list the valid ones.")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--backend", description = "Compute backend: vector, nd4j or scalar (default: vector when the"
            + " JDK Vector API module is loaded, else nd4j; for a2c: scalar, see README).")
    String backend;

    DdpgConfig config() {
        return config("ddpg");
    }

    /** The configuration of {@code --algo}, or of {@code defaultAlgorithm} when none was given. */
    DdpgConfig config(String defaultAlgorithm) {
        return DdpgConfig.preset(algo == null ? defaultAlgorithm : algo).with(overrides);
    }

    /** Whether {@code --algo} names A2C, which has a configuration of its own. */
    boolean isA2c() {
        return algo != null && algo.trim().toLowerCase(Locale.ROOT).equals(A2cConfig.ALGORITHM);
    }

    A2cConfig a2cConfig() {
        return A2cConfig.preset(algo).with(overrides);
    }

    /**
     * The backend to create: {@code --backend}, else {@code scalar} for A2C (its 64-64 networks
     * and second-long local runs do not repay the Vector API's JIT warm-up, see README) and the
     * JVM's default for the others.
     */
    String backendName() {
        if (backend != null) {
            return backend;
        }
        return isA2c() ? ComputeBackends.SCALAR : ComputeBackends.defaultName();
    }
}
