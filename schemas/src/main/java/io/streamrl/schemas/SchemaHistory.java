package io.streamrl.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Every schema version of a record that was ever written, kept as classpath resources
 * {@code io/streamrl/schemas/history/<Record>-v<N>.avsc}, numbered from 1 without gaps.
 *
 * <p>The newest entry is a copy of the current {@code src/main/avro/<Record>.avsc}; {@link
 * RecordCodec} refuses to start when the two differ on the wire, because a record written
 * with an unrecorded schema would become unreadable after the next change. To change a
 * schema: edit the {@code .avsc}, copy it to the next {@code -v<N>.avsc}, and keep the
 * change resolvable from every older version (add fields with defaults, never rename or
 * retype one).
 *
 * <p>The files are named after the record's current simple name, also for versions written
 * under an earlier name: {@code PolicyEnvelope-v1.avsc} holds the record as it was written,
 * named {@code PolicySnapshot}. Renaming a record changes its fingerprint, so the renamed
 * schema is a new version, and it lists every earlier full name in {@code aliases}, which is
 * how Avro's resolution matches an old writer's record to it. Never edit an old version: its
 * fingerprint is the one in the header of every record it wrote.
 */
public final class SchemaHistory {

    static final String RESOURCE_DIRECTORY = "/io/streamrl/schemas/history/";

    private SchemaHistory() {}

    /** Versions of the record with this simple name, oldest first; never empty. */
    public static List<SchemaVersion> versions(String recordName) {
        List<SchemaVersion> versions = new ArrayList<>();
        for (int version = 1; ; version++) {
            String path = resourcePath(recordName, version);
            try (InputStream in = SchemaHistory.class.getResourceAsStream(path)) {
                if (in == null) {
                    break;
                }
                versions.add(new SchemaVersion(version, new Schema.Parser().parse(in)));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read schema history resource " + path, e);
            }
        }
        if (versions.isEmpty()) {
            throw new IllegalStateException("No schema history for " + recordName + ": add the resource "
                    + resourcePath(recordName, 1) + " (a copy of " + recordName + ".avsc)");
        }
        return List.copyOf(versions);
    }

    static String resourcePath(String recordName, int version) {
        return RESOURCE_DIRECTORY + recordName + "-v" + version + ".avsc";
    }
}
