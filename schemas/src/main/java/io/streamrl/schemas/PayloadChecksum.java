package io.streamrl.schemas;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The {@code PolicyEnvelope.checksum} format: SHA-256 of the payload as 64 lowercase hex digits. */
public final class PayloadChecksum {

    private PayloadChecksum() {}

    public static String sha256Hex(byte[] payload) {
        return sha256Hex(ByteBuffer.wrap(payload));
    }

    /** Digests the buffer's remaining bytes without moving its position. */
    public static String sha256Hex(ByteBuffer payload) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide SHA-256 (MessageDigest javadoc).
            throw new IllegalStateException("This JVM lacks SHA-256", e);
        }
        digest.update(payload.duplicate());
        return HexFormat.of().formatHex(digest.digest());
    }
}
