package io.streamrl.producer;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;

/**
 * Writes an Avro record as plain JSON, the way people read it rather than Avro's own JSON
 * encoding: a union is its value (not {@code {"string": ...}}), an enum its symbol, a
 * timestamp its epoch milliseconds, bytes base64. Field names are the schema's, so a
 * transition written here reads back through {@link JsonLinesTransitionFile}. Hand-written
 * because Avro's JSON encoder writes the tagged form and the libraries that do this add far
 * more than these few lines.
 */
final class AvroJson {

    private AvroJson() {
    }

    static void write(IndexedRecord record, JsonGenerator out) throws IOException {
        write(record.getSchema(), record, out);
    }

    private static void write(Schema schema, Object value, JsonGenerator out) throws IOException {
        switch (schema.getType()) {
            case RECORD -> {
                IndexedRecord r = (IndexedRecord) value;
                out.writeStartObject();
                for (Schema.Field f : schema.getFields()) {
                    out.writeFieldName(f.name());
                    write(f.schema(), r.get(f.pos()), out);
                }
                out.writeEndObject();
            }
            case UNION -> {
                int branch = GenericData.get().resolveUnion(schema, value);
                write(schema.getTypes().get(branch), value, out);
            }
            case ARRAY -> {
                out.writeStartArray();
                for (Object e : (Collection<?>) value) {
                    write(schema.getElementType(), e, out);
                }
                out.writeEndArray();
            }
            case MAP -> {
                out.writeStartObject();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                    out.writeFieldName(e.getKey().toString());
                    write(schema.getValueType(), e.getValue(), out);
                }
                out.writeEndObject();
            }
            case NULL -> out.writeNull();
            case BOOLEAN -> out.writeBoolean((Boolean) value);
            case INT -> out.writeNumber((Integer) value);
            case LONG -> out.writeNumber(value instanceof Instant i ? i.toEpochMilli() : (Long) value);
            case FLOAT -> out.writeNumber((Float) value);
            case DOUBLE -> out.writeNumber((Double) value);
            case STRING, ENUM -> out.writeString(value.toString());
            case BYTES -> {
                ByteBuffer b = ((ByteBuffer) value).duplicate();
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                out.writeString(Base64.getEncoder().encodeToString(bytes));
            }
            case FIXED -> out.writeString(Base64.getEncoder().encodeToString(((GenericData.Fixed) value).bytes()));
        }
    }
}
