package io.streamrl.schemas;

import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * Checks the meaning of a decoded record, which Avro cannot: finite numbers, matching vector
 * lengths, ranges. Callers decide what to do with an invalid record (the learner dead-letters
 * it, an actor refuses to publish it).
 */
public interface RecordValidator<T extends SpecificRecord> {

    /** Every problem found, each naming its field and the allowed values; empty when valid. */
    List<String> validate(T record);

    /**
     * Returns the record when valid.
     *
     * @throws RecordValidationException listing every problem otherwise
     */
    default T requireValid(T record) {
        List<String> problems = validate(record);
        if (!problems.isEmpty()) {
            throw new RecordValidationException(record.getSchema().getFullName(), problems);
        }
        return record;
    }
}
