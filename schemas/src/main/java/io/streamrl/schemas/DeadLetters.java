package io.streamrl.schemas;

import io.streamrl.schemas.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;

/** Builds the dead letter of a rejected record: its bytes, where it came from, and why. */
public final class DeadLetters {

    private DeadLetters() {
    }

    /**
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
                .build();
    }
}
