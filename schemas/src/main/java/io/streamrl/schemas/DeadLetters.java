package io.streamrl.schemas;

import io.streamrl.schemas.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;

/** Builds the dead letter of a rejected record: its bytes, where it came from, and why. */
public final class DeadLetters {

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
}
