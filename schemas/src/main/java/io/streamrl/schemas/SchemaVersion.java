package io.streamrl.schemas;

import java.util.ArrayList;
import java.util.List;
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

    /** The standard fingerprint: the one this project's writers put in every header. */
    public long fingerprint() {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    /**
     * Every fingerprint a reader accepts for this version, the standard one first, then each
     * other {@link CanonicalForm}'s where it differs (see there why). All of them name the same
     * wire layout: a record carrying any of them is read with this version's schema.
     */
    public List<SchemaFingerprint> fingerprints() {
        List<SchemaFingerprint> out = new ArrayList<>();
        for (CanonicalForm form : CanonicalForm.values()) {
            SchemaFingerprint fingerprint = SchemaFingerprint.of(form, schema);
            if (out.stream().noneMatch(f -> f.value() == fingerprint.value())) {
                out.add(fingerprint);
            }
        }
        return List.copyOf(out);
    }

    /** Same layout on the wire, i.e. same fingerprint. */
    public boolean sameWireLayoutAs(Schema other) {
        return SchemaNormalization.toParsingForm(schema).equals(SchemaNormalization.toParsingForm(other));
    }
}
