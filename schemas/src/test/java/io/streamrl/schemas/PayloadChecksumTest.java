package io.streamrl.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PayloadChecksumTest {

    // FIPS 180-2, appendix B.1: SHA-256("abc").
    private static final String SHA256_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void matchesTheStandardTestVector() {
        assertThat(PayloadChecksum.sha256Hex("abc".getBytes(StandardCharsets.US_ASCII))).isEqualTo(SHA256_ABC);
    }

    @Test
    void digestsOnlyTheRemainingBytesOfABuffer() {
        ByteBuffer buffer = ByteBuffer.wrap("xxabc".getBytes(StandardCharsets.US_ASCII));
        buffer.position(2);

        assertThat(PayloadChecksum.sha256Hex(buffer)).isEqualTo(SHA256_ABC);
        assertThat(buffer.position()).isEqualTo(2);
    }
}
