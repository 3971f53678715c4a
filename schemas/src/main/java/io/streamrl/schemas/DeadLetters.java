package io.streamrl.schemas;

import io.streamrl.schemas.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;

/** Builds the dead letter of a rejected record: its bytes, where it came from, and why. */
public final class DeadLetters {

    /**
     * What a record costs beyond its key and value against a topic's {@code max.message.bytes}
     * (batch and record headers, timestamps, varints), with room to spare.
     */
    public static final int RECORD_OVERHEAD_BYTES = 128;

    /**
     * A letter encoded for its topic.
     *
     * @param bytes the encoded letter
     * @param keptValueBytes how many bytes of the original value it holds when truncated; -1 when whole
     */
    public record Encoded(byte[] bytes, int keptValueBytes) {

        public boolean truncated() {
            return keptValueBytes >= 0;
        }
    }

    private DeadLetters() {
    }

    /**
     * The whole record, with its value's size.
     *
     * @param key the original key bytes; may be null
     * @param value the original value bytes; may be null
     * @param reason why the record was rejected; its message becomes the letter's reason
     */
    public static DeadLetter of(String topic, int partition, long offset, byte[] key, byte[] value, Exception reason,
                                Instant failedAt) {
        return DeadLetter.newBuilder()
                .setOriginalTopic(topic)
                .setOriginalPartition(partition)
                .setOriginalOffset(offset)
                .setOriginalKey(key == null ? null : ByteBuffer.wrap(key))
                .setOriginalValue(value == null ? null : ByteBuffer.wrap(value))
                .setReason(String.valueOf(reason.getMessage()))
                .setErrorClass(reason.getClass().getName())
                .setFailedAt(failedAt)
                .setOriginalValueSize(value == null ? null : value.length)
                .setOriginalValueTruncated(false)
                .build();
    }

    /**
     * A copy of {@code letter} that keeps only the first {@code keep} bytes of the original value
     * and says so ({@code original_value_truncated}; {@code original_value_size} stays the size of
     * the whole). The first bytes are kept rather than none because they hold the schema
     * fingerprint and the leading fields, usually enough to see what the record was.
     *
     * @param keep bytes of the value to keep, 0 to the value's size
     * @throws IllegalArgumentException when {@code keep} is outside that range or the letter has no value
     */
    public static DeadLetter truncated(DeadLetter letter, int keep) {
        ByteBuffer value = letter.getOriginalValue();
        if (value == null) {
            throw new IllegalArgumentException("the dead letter of offset " + letter.getOriginalOffset()
                    + " has no value to truncate");
        }
        if (keep < 0 || keep > value.remaining()) {
            throw new IllegalArgumentException("keep is " + keep + "; allowed: 0 to " + value.remaining());
        }
        if (keep == value.remaining()) {
            return letter;
        }
        ByteBuffer head = value.duplicate();
        head.limit(head.position() + keep);
        return DeadLetter.newBuilder(letter)
                .setOriginalValue(head.slice())
                .setOriginalValueSize(value.remaining())
                .setOriginalValueTruncated(true)
                .build();
    }

    /**
     * Encodes {@code letter} for {@code topic}, its value truncated (and marked so) when the record
     * would not fit the topic's {@code max.message.bytes}: a letter that is written cut is better
     * than one the broker refuses.
     *
     * @param keyBytes the size of the key the letter will be sent with
     */
    public static Encoded encodeToFit(TopicSpec<byte[], DeadLetter> topic, DeadLetter letter, int keyBytes,
                                      int maxMessageBytes) {
        byte[] value = topic.valueSerde().codec().encode(topic.name(), letter);
        int excess = value.length + keyBytes + RECORD_OVERHEAD_BYTES - maxMessageBytes;
        ByteBuffer original = letter.getOriginalValue();
        if (excess <= 0 || original == null) {
            return new Encoded(value, -1);
        }
        // Cutting the value by the excess is enough: the rest of the letter only shrinks with it
        // (a shorter length prefix); the flag takes one byte either way.
        int keep = Math.max(0, original.remaining() - excess);
        return new Encoded(topic.valueSerde().codec().encode(topic.name(), truncated(letter, keep)), keep);
    }
}
