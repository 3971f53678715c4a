package io.streamrl.schemas;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificFixed;
import org.apache.avro.specific.SpecificRecord;

/**
 * The Avro data model for one generated record class.
 *
 * <p>Avro 1.12.2 refuses to load a class named by a schema unless a JVM-wide allowlist trusts
 * it (system property {@code org.apache.avro.SERIALIZABLE_PACKAGES} or {@code
 * ClassSecurityValidator.setGlobal}); even a generated class's own {@code getDecoder()} fails
 * without it. Handing Avro the classes generated with this record (the record class and the
 * enums, fixed types and records its compiled schema declares, e.g. {@code DecisionMode})
 * needs no global switch in every JVM that uses this module and trusts nothing else: the names
 * come from the schema compiled into the record class, never from the bytes being read.
 */
final class GeneratedRecordData extends SpecificData {

    private final Map<String, Class<?>> generatedClasses;

    GeneratedRecordData(Class<? extends SpecificRecord> recordClass, Schema schema) {
        super(recordClass.getClassLoader());
        Objects.requireNonNull(recordClass, "recordClass");
        Map<String, Class<?>> classes = new HashMap<>();
        classes.put(schema.getFullName(), recordClass);
        collectNamedTypes(schema, recordClass.getClassLoader(), classes);
        this.generatedClasses = Map.copyOf(classes);
        // The generated class registers its logical-type conversions (timestamp-millis ->
        // Instant) on its own model; decoded records must use the same ones.
        SpecificData.getForClass(recordClass).getConversions().forEach(this::addLogicalTypeConversion);
    }

    @Override
    public Class<?> getClass(Schema schema) {
        switch (schema.getType()) {
            case RECORD, ENUM, FIXED -> {
                Class<?> generated = generatedClasses.get(schema.getFullName());
                if (generated != null) {
                    return generated;
                }
            }
            default -> {
            }
        }
        return super.getClass(schema);
    }

    /** Finds the generated class of every named type nested in {@code schema}. */
    private static void collectNamedTypes(Schema schema, ClassLoader loader, Map<String, Class<?>> classes) {
        switch (schema.getType()) {
            case RECORD -> schema.getFields().forEach(field -> collectNested(field.schema(), loader, classes));
            case UNION -> schema.getTypes().forEach(branch -> collectNested(branch, loader, classes));
            case ARRAY -> collectNested(schema.getElementType(), loader, classes);
            case MAP -> collectNested(schema.getValueType(), loader, classes);
            default -> {
            }
        }
    }

    private static void collectNested(Schema type, ClassLoader loader, Map<String, Class<?>> classes) {
        if (isNamed(type)) {
            if (classes.containsKey(type.getFullName())) {
                return; // used by an earlier field, or a record that contains itself
            }
            classes.put(type.getFullName(), generatedClass(type, loader));
        }
        collectNamedTypes(type, loader, classes);
    }

    private static boolean isNamed(Schema type) {
        return type.getType() == Schema.Type.RECORD || type.getType() == Schema.Type.ENUM
                || type.getType() == Schema.Type.FIXED;
    }

    /** The class the Avro compiler generated for a named type; only Avro-generated kinds are accepted. */
    private static Class<?> generatedClass(Schema type, ClassLoader loader) {
        String name = SpecificData.getClassName(type);
        Class<?> found;
        try {
            found = Class.forName(name, false, loader);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("no generated class " + name + " for the schema type "
                    + type.getFullName() + "; regenerate the Avro sources", e);
        }
        boolean generated = switch (type.getType()) {
            case ENUM -> found.isEnum() && GenericEnumSymbol.class.isAssignableFrom(found);
            case FIXED -> SpecificFixed.class.isAssignableFrom(found);
            default -> SpecificRecord.class.isAssignableFrom(found);
        };
        if (!generated) {
            throw new IllegalStateException(name + " is not the class Avro generates for the "
                    + type.getType().getName() + " " + type.getFullName());
        }
        return found;
    }
}
