package io.streamrl.schemas;

import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * The Avro data model for one generated record class.
 *
 * <p>Avro 1.12.2 refuses to load a class named by a schema unless a JVM-wide allowlist trusts
 * it (system property {@code org.apache.avro.SERIALIZABLE_PACKAGES} or {@code
 * ClassSecurityValidator.setGlobal}); even a generated class's own {@code getDecoder()} fails
 * without it. Handing Avro the one class this codec decodes into needs no global switch in
 * every JVM that uses this module and trusts nothing else.
 */
final class GeneratedRecordData extends SpecificData {

    private final Class<? extends SpecificRecord> recordClass;
    private final String recordName;

    GeneratedRecordData(Class<? extends SpecificRecord> recordClass, Schema schema) {
        super(recordClass.getClassLoader());
        this.recordClass = Objects.requireNonNull(recordClass, "recordClass");
        this.recordName = schema.getFullName();
        // The generated class registers its logical-type conversions (timestamp-millis ->
        // Instant) on its own model; decoded records must use the same ones.
        SpecificData.getForClass(recordClass).getConversions().forEach(this::addLogicalTypeConversion);
    }

    @Override
    public Class<?> getClass(Schema schema) {
        if (schema.getType() == Schema.Type.RECORD && recordName.equals(schema.getFullName())) {
            return recordClass;
        }
        return super.getClass(schema);
    }
}
