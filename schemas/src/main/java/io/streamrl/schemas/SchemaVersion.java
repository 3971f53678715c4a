package io.streamrl.schemas;

import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * One published version of a record schema. The fingerprint is the one single-object encoding
 * writes into every record header (CRC-64-AVRO of the parsing canonical form), so docs and
 * defaults can change without a new version but any change to the wire layout cannot.
 */
public record SchemaVersion(int version, Schema schema) {

    public SchemaVersion {
        if (version < 1) {
            throw new IllegalArgumentException("version is " + version + "; allowed: >= 1");
        }
        Objects.requireNonNull(schema, "schema");
    }

    public long fingerprint() {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    /** Same layout on the wire, i.e. same fingerprint. */
    public boolean sameWireLayoutAs(Schema other) {
        return SchemaNormalization.toParsingForm(schema).equals(SchemaNormalization.toParsingForm(other));
    }
}
