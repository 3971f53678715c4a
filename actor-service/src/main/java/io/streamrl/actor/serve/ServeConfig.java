package io.streamrl.actor.serve;

import io.streamrl.core.config.Check;
import io.streamrl.core.env.ActionSpace;
import io.streamrl.core.env.EnvSpec;
import io.streamrl.core.env.Envs;
import io.streamrl.core.policy.PolicyName;
import io.streamrl.kafka.MetricsServer;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one {@code streamrl serve} instance needs, validated on construction; every
 * message names the command-line option.
 *
 * @param env environment whose states and actions are served (stored as its Gymnasium id)
 * @param policyName the policy (and control loop) to follow
 * @param instanceId this instance, recorded with every decision; 1 to 128 characters from [A-Za-z0-9._-]
 * @param host address to listen on (127.0.0.1 unless told otherwise)
 * @param port port to listen on; 0 picks a free one
 * @param fallbackAction the fixed action (environment units) that answers when the learned policy
 *     may not, or null for none
 * @param noiseSigma exploration scale (normalised units) of decisions that ask for exploration; 0 for none
 * @param seed seed of the exploration noise and of the random part of decision ids
 * @param threads HTTP worker threads
 * @param authToken the token that requests to the {@code /v1/} endpoints must carry
 *     ({@code --auth-token-file}), or empty for none; shown as hidden in {@code toString()}
 */
public record ServeConfig(String env, String policyName, String instanceId, String host, int port,
                          double[] fallbackAction, double noiseSigma, long seed, int threads,
                          Optional<BearerToken> authToken) {

    public static final int DEFAULT_PORT = 8080;
    public static final double DEFAULT_NOISE_SIGMA = 0.1;
    public static final int DEFAULT_THREADS = 32;

    public ServeConfig {
        EnvSpec spec = specOf(env);
        env = spec.id();
        PolicyName.check("policy", policyName);
        Check.identifier("instance-id", instanceId);
        MetricsServer.checkHost(host);
        Check.inClosed("port", port, 0, 65_535);
        Check.inClosed("noise-sigma", noiseSigma, 0.0, 10.0);
        Check.inClosed("threads", threads, 2, 1_024);
        Objects.requireNonNull(authToken, "authToken must not be null; use Optional.empty() for none");
        if (fallbackAction != null) {
            fallbackAction = fallbackAction.clone();
            ActionSpace.Box box = (ActionSpace.Box) spec.actionSpace();
            if (fallbackAction.length != box.dim()) {
                throw new IllegalArgumentException("fallback-action must have " + box.dim() + " value(s) for "
                        + spec.id() + ", got " + fallbackAction.length);
            }
            for (int i = 0; i < fallbackAction.length; i++) {
                if (!(fallbackAction[i] >= box.low()[i] && fallbackAction[i] <= box.high()[i])) {
                    throw new IllegalArgumentException("fallback-action entry " + i + " must be in [" + box.low()[i]
                            + ", " + box.high()[i] + "] for " + spec.id() + ", got " + fallbackAction[i]);
                }
            }
        }
    }

    /** Without a token: the {@code /v1/} endpoints answer every request. */
    public ServeConfig(String env, String policyName, String instanceId, String host, int port,
                       double[] fallbackAction, double noiseSigma, long seed, int threads) {
        this(env, policyName, instanceId, host, port, fallbackAction, noiseSigma, seed, threads, Optional.empty());
    }

    /** This config with the {@code /v1/} endpoints open only to requests that carry {@code token}. */
    public ServeConfig withAuthToken(BearerToken token) {
        return new ServeConfig(env, policyName, instanceId, host, port, fallbackAction, noiseSigma, seed, threads,
                Optional.of(token));
    }

    public EnvSpec envSpec() {
        return Envs.spec(env);
    }

    @Override
    public double[] fallbackAction() {
        return fallbackAction == null ? null : fallbackAction.clone();
    }

    public String toLogLine() {
        return "env=" + env + " policy=" + policyName + " instance-id=" + instanceId + " host=" + host + " port=" + port
                + " fallback-action=" + Arrays.toString(fallbackAction) + " noise-sigma=" + noiseSigma + " seed=" + seed
                + " threads=" + threads + " auth=" + (authToken.isPresent() ? "bearer-token" : "none");
    }

    private static EnvSpec specOf(String env) {
        EnvSpec spec;
        try {
            spec = Envs.spec(env);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("env: " + e.getMessage(), e);
        }
        if (!(spec.actionSpace() instanceof ActionSpace.Box)) {
            throw new IllegalArgumentException("env must have a continuous action space, got " + spec.id()
                    + "; serve answers with continuous actions (choose e.g. pricing or pendulum)");
        }
        return spec;
    }
}
