package io.streamrl.actor.serve;

import io.streamrl.kafka.SecretFiles;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The shared secret of the decision API ({@code --auth-token-file}): serve accepts a request to
 * {@code /v1/...} only with {@code Authorization: Bearer <token>}, and {@code loadgen} sends it.
 * The token never appears in {@link #toString()}, a log line or a message.
 *
 * <p>A presented token is compared by its SHA-256 digest with {@link MessageDigest#isEqual}, which
 * takes the same time wherever the digests differ; comparing digests, not the tokens, also keeps
 * the token's length out of the timing.
 */
public final class BearerToken {

    /** Shorter tokens are refused: a guessable token protects nothing. */
    public static final int MIN_LENGTH = 16;
    /** A token file holds one token; a larger file is a wrong file. */
    static final int MAX_FILE_BYTES = 4096;
    /** The scheme of the {@code Authorization} header (RFC 6750), compared without case. */
    public static final String SCHEME = "Bearer";

    /** RFC 6750's b64token: what may follow {@code Bearer } in the header. */
    private static final Pattern TOKEN_CHARS = Pattern.compile("[A-Za-z0-9._~+/-]+=*");

    private final String token;
    private final byte[] digest;

    private BearerToken(String token) {
        this.token = token;
        this.digest = sha256(token);
    }

    /** Why a request's {@code Authorization} headers were not accepted. */
    public enum Refusal {
        /** No {@code Authorization} header. */
        MISSING("the Authorization header is missing; send Authorization: Bearer <token>"),
        /** Another scheme (Basic, ...), no token after {@code Bearer}, or several headers. */
        NOT_BEARER("the Authorization header must be one header of the form Authorization: Bearer <token>"),
        /** A bearer token, but not this one. */
        WRONG_TOKEN("the bearer token in the Authorization header is not the one this server accepts");

        private final String message;

        Refusal(String message) {
            this.message = message;
        }

        /** What the 401 answer says; never the token. */
        public String message() {
            return message;
        }
    }

    /**
     * Reads a token file: one token (surrounding whitespace and a final newline are dropped).
     *
     * @throws IllegalArgumentException naming the option and the file (never the token) when the
     *     file cannot be read or holds no acceptable token
     */
    public static BearerToken fromFile(Path file) {
        Objects.requireNonNull(file, "file");
        String where = "auth-token-file " + file;
        String content;
        try {
            if (Files.isDirectory(file)) {
                throw new IllegalArgumentException(where + ": a directory, not a file");
            }
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new IllegalArgumentException(where + ": larger than " + MAX_FILE_BYTES
                        + " bytes; the file should hold only the token");
            }
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(where + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException(where + ": not readable (permission denied)", e);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(where + ": not UTF-8 text", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(where + ": cannot be read (" + e.getClass().getSimpleName() + ")", e);
        }
        BearerToken token = of(where, content.strip());
        SecretFiles.warnIfOthersCanRead("--auth-token-file", file);
        return token;
    }

    /**
     * @param where what to name in a refusal, e.g. {@code auth-token-file /run/secrets/token}
     * @throws IllegalArgumentException naming {@code where} (never the token) when the token is
     *     empty, too short or not made of RFC 6750 token characters
     */
    public static BearerToken of(String where, String token) {
        if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException(where + " is empty; put the token in it (e.g. the output of"
                    + " 'openssl rand -hex 32')");
        }
        if (!TOKEN_CHARS.matcher(token).matches()) {
            throw new IllegalArgumentException(where + ": the token must be one line of the characters A-Z a-z 0-9"
                    + " - . _ ~ + / (then any '=' padding), as an Authorization header carries it");
        }
        if (token.length() < MIN_LENGTH) {
            throw new IllegalArgumentException(where + ": the token has " + token.length() + " characters; use at"
                    + " least " + MIN_LENGTH + " (e.g. the output of 'openssl rand -hex 32')");
        }
        return new BearerToken(token);
    }

    /** The value of the {@code Authorization} header that carries this token, for clients. */
    public String authorizationHeader() {
        return SCHEME + " " + token;
    }

    /**
     * Checks a request's {@code Authorization} header values.
     *
     * @return null when they carry this token, otherwise why not
     */
    public Refusal check(List<String> authorizationHeaders) {
        if (authorizationHeaders == null || authorizationHeaders.isEmpty()) {
            return Refusal.MISSING;
        }
        if (authorizationHeaders.size() > 1) {
            return Refusal.NOT_BEARER;
        }
        String value = authorizationHeaders.get(0).strip();
        int space = value.indexOf(' ');
        if (space < 0 || !value.substring(0, space).equalsIgnoreCase(SCHEME)) {
            return Refusal.NOT_BEARER;
        }
        String presented = value.substring(space + 1).strip();
        if (presented.isEmpty()) {
            return Refusal.NOT_BEARER;
        }
        return MessageDigest.isEqual(digest, sha256(presented)) ? null : Refusal.WRONG_TOKEN;
    }

    /** Never the token. */
    @Override
    public String toString() {
        return "BearerToken[hidden]";
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
