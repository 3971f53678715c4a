package io.streamrl.schemas;

import java.util.List;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A record that decoded but whose content is invalid. Shares Kafka's {@link
 * SerializationException} with {@link RecordDecodingException} so a consumer can dead-letter
 * both with one catch.
 */
public final class RecordValidationException extends SerializationException {

    private static final long serialVersionUID = 1L;

    private final String recordType;
    private final List<String> problems;

    public RecordValidationException(String recordType, List<String> problems) {
        super("Invalid " + recordType + ": " + String.join("; ", problems));
        this.recordType = recordType;
        this.problems = List.copyOf(problems);
    }

    public String recordType() {
        return recordType;
    }

    public List<String> problems() {
        return problems;
    }
}
