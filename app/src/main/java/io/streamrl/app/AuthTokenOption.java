package io.streamrl.app;

import io.streamrl.actor.serve.BearerToken;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --auth-token-file FILE}: the bearer token of the decision API, which {@code serve}
 * requires on its {@code /v1/} endpoints and {@code loadgen} sends. Only from a file, not from the
 * command line or the environment, where other local users ({@code ps}, {@code /proc}) or
 * container tooling ({@code docker inspect}) can read it.
 */
final class AuthTokenOption {

    @Option(names = "--auth-token-file", paramLabel = "FILE",
            description = "File holding the decision API's bearer token, one line of at least "
                    + BearerToken.MIN_LENGTH + " characters (e.g. from 'openssl rand -hex 32'): serve then answers"
                    + " /v1/ requests only with 'Authorization: Bearer <token>' (/health and /metrics stay open);"
                    + " loadgen sends it. Never logged.")
    Path file;

    /**
     * @throws IllegalArgumentException naming the file (never the token) when it cannot be read or
     *     holds no acceptable token
     */
    Optional<BearerToken> load() {
        return file == null ? Optional.empty() : Optional.of(BearerToken.fromFile(file));
    }
}
