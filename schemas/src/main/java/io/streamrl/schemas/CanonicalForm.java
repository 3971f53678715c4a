package io.streamrl.schemas;

import java.util.HashSet;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * The ways a writer may have turned a schema into the text whose CRC-64-AVRO is the fingerprint
 * in a single-object header. A reader accepts a record whose fingerprint is that of any of them
 * for one of its schema versions; writers here always use {@link #STANDARD}.
 *
 * <p>Why more than one: Debian's python3-avro 1.11.1 ({@code avro.schema.Schema.canonical_form})
 * keeps a primitive type that carries any attribute as an object, {@code {"type":"long"}}, where
 * the Avro specification and Java reduce it to the name, {@code "long"}. Every record here has a
 * {@code timestamp-millis} long, so every record a plain Python producer writes, fingerprinted
 * from that form, would be refused as an unknown fingerprint. The body is the same Avro binary
 * either way: only the text that was hashed differs, so the other form's fingerprint is an alias
 * of the same version and is read with the same schema.
 */
public enum CanonicalForm {

    /** The Avro specification's Parsing Canonical Form, as Java's {@link SchemaNormalization} builds it. */
    STANDARD("standard") {
        @Override
        public String of(Schema schema) {
            return SchemaNormalization.toParsingForm(schema);
        }
    },

    /**
     * {@code Schema.canonical_form} of python3-avro 1.11.1 (Debian's {@code python3-avro}
     * package, {@code /usr/lib/python3/dist-packages/avro/schema.py}). It differs from the
     * standard form in two places, both replicated here:
     *
     * <ul>
     *   <li>a primitive type with any attribute besides {@code type} (a {@code logicalType},
     *       or any other property) is the object {@code {"type":"long"}}, not {@code "long"}:
     *       {@code PrimitiveSchema.to_canonical_json} returns the name only when {@code type}
     *       is its one property, otherwise its canonical properties, of which a primitive has
     *       only {@code type};
     *   <li>a {@code fixed} type is written out whole wherever it occurs: {@code
     *       FixedSchema.to_canonical_json} never records the name as seen, so a second
     *       reference is not reduced to the name as records and enums are.
     * </ul>
     *
     * Everything else matches: attribute order name, type, fields, symbols, items, values,
     * size; full names; no whitespace. python3-avro escapes non-ASCII characters in JSON strings
     * where Java writes them as they are, but it refuses names and enum symbols that are not
     * ASCII, so no schema a Python producer can use has one. One case Java's parsed schema
     * cannot show: python3-avro counts {@code aliases} on a primitive (meaningless there) as an
     * attribute, while Java's parser drops it.
     */
    PYTHON_AVRO("python-avro") {
        @Override
        public String of(Schema schema) {
            StringBuilder out = new StringBuilder(512);
            writePythonAvro(schema, new HashSet<>(), out);
            return out.toString();
        }
    };

    private final String label;

    CanonicalForm(String label) {
        this.label = label;
    }

    /** Short name, as {@code streamrl schemas} prints it: {@code standard} or {@code python-avro}. */
    public String label() {
        return label;
    }

    /** The canonical form of {@code schema} in this variant: the text whose CRC-64-AVRO is the fingerprint. */
    public abstract String of(Schema schema);

    private static void writePythonAvro(Schema schema, Set<String> seen, StringBuilder out) {
        switch (schema.getType()) {
            case UNION -> {
                out.append('[');
                boolean first = true;
                for (Schema branch : schema.getTypes()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    writePythonAvro(branch, seen, out);
                }
                out.append(']');
            }
            case ARRAY -> {
                out.append("{\"type\":\"array\",\"items\":");
                writePythonAvro(schema.getElementType(), seen, out);
                out.append('}');
            }
            case MAP -> {
                out.append("{\"type\":\"map\",\"values\":");
                writePythonAvro(schema.getValueType(), seen, out);
                out.append('}');
            }
            case FIXED -> out.append("{\"name\":").append(quoted(schema.getFullName()))
                    .append(",\"type\":\"fixed\",\"size\":").append(schema.getFixedSize()).append('}');
            case ENUM -> {
                if (!seen.add(schema.getFullName())) {
                    out.append(quoted(schema.getFullName()));
                    return;
                }
                out.append("{\"name\":").append(quoted(schema.getFullName())).append(",\"type\":\"enum\",\"symbols\":[");
                boolean first = true;
                for (String symbol : schema.getEnumSymbols()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    out.append(quoted(symbol));
                }
                out.append("]}");
            }
            case RECORD -> {
                if (!seen.add(schema.getFullName())) {
                    out.append(quoted(schema.getFullName()));
                    return;
                }
                out.append("{\"name\":").append(quoted(schema.getFullName())).append(",\"type\":\"record\",\"fields\":[");
                boolean first = true;
                for (Schema.Field field : schema.getFields()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    out.append("{\"name\":").append(quoted(field.name())).append(",\"type\":");
                    writePythonAvro(field.schema(), seen, out);
                    out.append('}');
                }
                out.append("]}");
            }
            default -> { // null, boolean, int, long, float, double, bytes, string
                String name = quoted(schema.getType().getName());
                // Java's parser keeps every non-reserved attribute of a primitive, logicalType
                // included, as an object property: exactly what python3-avro counts.
                if (schema.getObjectProps().isEmpty() && schema.getLogicalType() == null) {
                    out.append(name);
                } else {
                    out.append("{\"type\":").append(name).append('}');
                }
            }
        }
    }

    /**
     * Names and symbols pass Avro's name validation (letters, digits, {@code _} and, in full
     * names, {@code .}): no quote, backslash or control character needs escaping.
     */
    private static String quoted(String text) {
        return '"' + text + '"';
    }
}
