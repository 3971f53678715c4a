package io.streamrl.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrl.schemas.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

    private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
    private static final byte[] VALUE = {9, 8, 7, 6, 5};

    @Test
    void aWholeLetterCarriesTheValueAndItsSize() {
        DeadLetter letter = letter(VALUE);

        assertThat(bytes(letter.getOriginalValue())).containsExactly(VALUE);
        assertThat(letter.getOriginalValueSize()).isEqualTo(5);
        assertThat(letter.getOriginalValueTruncated()).isFalse();
        assertThat(letter(null).getOriginalValueSize()).isNull();
    }

    @Test
    void aTruncatedLetterKeepsTheFirstBytesTheWholeSizeAndTheMark() {
        DeadLetter cut = DeadLetters.truncated(letter(VALUE), 2);

        assertThat(bytes(cut.getOriginalValue())).containsExactly(9, 8);
        assertThat(cut.getOriginalValueSize()).isEqualTo(5);
        assertThat(cut.getOriginalValueTruncated()).isTrue();
        DeadLetter back = RecordCodec.deadLetter().decode("ns.dead-letter",
                RecordCodec.deadLetter().encode("ns.dead-letter", cut));
        assertThat(back).isEqualTo(cut);
    }

    @Test
    void keepingEverythingIsNotATruncationAndKeepingTooMuchIsRefused() {
        assertThat(DeadLetters.truncated(letter(VALUE), 5).getOriginalValueTruncated()).isFalse();
        assertThatThrownBy(() -> DeadLetters.truncated(letter(VALUE), 6))
                .hasMessageContaining("keep is 6; allowed: 0 to 5");
        assertThatThrownBy(() -> DeadLetters.truncated(letter(null), 0)).hasMessageContaining("no value");
    }

    private static DeadLetter letter(byte[] value) {
        return DeadLetters.of("ns.transitions", 1, 42, new byte[] {'k'}, value,
                new RecordDecodingException("ns.transitions", "Transition", RecordDecodingException.Kind.TRUNCATED, "cut short", null), NOW);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
