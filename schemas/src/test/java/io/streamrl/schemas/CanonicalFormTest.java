package io.streamrl.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

/**
 * {@link CanonicalForm#PYTHON_AVRO} reproduces python3-avro 1.11.1's {@code canonical_form}.
 * The expected texts below were printed by that library (Debian's python3-avro 1.11.1+dfsg-2);
 * {@code PythonAvroTest} in the app module compares against the library itself where it is
 * installed. These copies guard the replica where it is not.
 */
class CanonicalFormTest {

    /** {@code avro.schema.parse(open("Transition-v3.avsc").read()).canonical_form}. */
    private static final String TRANSITION_V3_PYTHON_AVRO = "{\"name\":\"io.streamrl.schemas.avro.Transition\","
            + "\"type\":\"record\",\"fields\":[{\"name\":\"actor_id\",\"type\":\"string\"},{\"name\":\"env_id\","
            + "\"type\":\"string\"},{\"name\":\"episode\",\"type\":\"long\"},{\"name\":\"step\",\"type\":\"int\"},"
            + "{\"name\":\"observation\",\"type\":{\"type\":\"array\",\"items\":\"float\"}},{\"name\":\"action\","
            + "\"type\":{\"type\":\"array\",\"items\":\"float\"}},{\"name\":\"reward\",\"type\":\"double\"},"
            + "{\"name\":\"next_observation\",\"type\":{\"type\":\"array\",\"items\":\"float\"}},{\"name\":"
            + "\"terminated\",\"type\":\"boolean\"},{\"name\":\"truncated\",\"type\":\"boolean\"},{\"name\":"
            + "\"policy_version\",\"type\":\"long\"},{\"name\":\"exploration_noise\",\"type\":{\"type\":\"array\","
            + "\"items\":\"float\"}},{\"name\":\"event_time\",\"type\":{\"type\":\"long\"}},{\"name\":"
            + "\"decision_id\",\"type\":[\"null\",\"string\"]},{\"name\":\"log_density\",\"type\":[\"null\","
            + "\"double\"]},{\"name\":\"join\",\"type\":[\"null\",{\"name\":\"io.streamrl.schemas.avro.JoinOutcome\","
            + "\"type\":\"record\",\"fields\":[{\"name\":\"result\",\"type\":{\"name\":"
            + "\"io.streamrl.schemas.avro.JoinResult\",\"type\":\"enum\",\"symbols\":[\"JOINED\",\"DEFAULTED\"]}},"
            + "{\"name\":\"reward_count\",\"type\":\"int\"},{\"name\":\"wait_ms\",\"type\":\"long\"}]}]}]}";

    /** Every case where the two forms could part: repeated named types, attributes on primitives. */
    private static final String SYNTHETIC = """
            {"type": "record", "name": "Outer", "namespace": "ex", "fields": [
              {"name": "a", "type": {"type": "fixed", "name": "Hash", "size": 4}},
              {"name": "b", "type": "Hash"},
              {"name": "c", "type": {"type": "enum", "name": "Colour", "symbols": ["RED", "GREEN"]}},
              {"name": "d", "type": ["null", "Colour"]},
              {"name": "e", "type": {"type": "record", "name": "Inner",
                                     "fields": [{"name": "x", "type": {"type": "int", "doc": "ignored"}}]}},
              {"name": "f", "type": {"type": "array", "items": "Inner"}},
              {"name": "g", "type": {"type": "map", "values": {"type": "string", "avro.java.string": "String"}}},
              {"name": "h", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2}},
              {"name": "i", "type": {"type": "int", "logicalType": "date"}},
              {"name": "j", "type": {"type": "long"}},
              {"name": "k", "type": {"type": "string", "logicalType": "uuid"}},
              {"name": "l", "type": {"type": "long", "logicalType": "no-such-type"}}
            ]}""";

    /** python3-avro 1.11.1's canonical_form of {@link #SYNTHETIC}. */
    private static final String SYNTHETIC_PYTHON_AVRO = "{\"name\":\"ex.Outer\",\"type\":\"record\",\"fields\":["
            + "{\"name\":\"a\",\"type\":{\"name\":\"ex.Hash\",\"type\":\"fixed\",\"size\":4}},"
            + "{\"name\":\"b\",\"type\":{\"name\":\"ex.Hash\",\"type\":\"fixed\",\"size\":4}},"
            + "{\"name\":\"c\",\"type\":{\"name\":\"ex.Colour\",\"type\":\"enum\",\"symbols\":[\"RED\",\"GREEN\"]}},"
            + "{\"name\":\"d\",\"type\":[\"null\",\"ex.Colour\"]},"
            + "{\"name\":\"e\",\"type\":{\"name\":\"ex.Inner\",\"type\":\"record\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}},"
            + "{\"name\":\"f\",\"type\":{\"type\":\"array\",\"items\":\"ex.Inner\"}},"
            + "{\"name\":\"g\",\"type\":{\"type\":\"map\",\"values\":{\"type\":\"string\"}}},"
            + "{\"name\":\"h\",\"type\":{\"type\":\"bytes\"}},"
            + "{\"name\":\"i\",\"type\":{\"type\":\"int\"}},"
            + "{\"name\":\"j\",\"type\":\"long\"},"
            + "{\"name\":\"k\",\"type\":{\"type\":\"string\"}},"
            + "{\"name\":\"l\",\"type\":{\"type\":\"long\"}}]}";

    @Test
    void transitionV3InPythonAvroFormKeepsEventTimeAsAnObject() {
        SchemaVersion v3 = SchemaHistory.versions("Transition").get(2);

        assertThat(CanonicalForm.PYTHON_AVRO.of(v3.schema())).isEqualTo(TRANSITION_V3_PYTHON_AVRO);
        assertThat(CanonicalForm.STANDARD.of(v3.schema()))
                .isEqualTo(TRANSITION_V3_PYTHON_AVRO.replace("\"event_time\",\"type\":{\"type\":\"long\"}",
                        "\"event_time\",\"type\":\"long\""));
    }

    @Test
    void theReplicaMatchesPythonAvroWhereTheFormsPart() {
        Schema schema = new Schema.Parser().parse(SYNTHETIC);

        assertThat(CanonicalForm.PYTHON_AVRO.of(schema)).isEqualTo(SYNTHETIC_PYTHON_AVRO);
        // The standard form refers to the fixed by name the second time and reduces every primitive to its name.
        assertThat(CanonicalForm.STANDARD.of(schema)).contains("{\"name\":\"b\",\"type\":\"ex.Hash\"}")
                .contains("{\"name\":\"h\",\"type\":\"bytes\"}").doesNotContain("{\"type\":\"long\"}");
    }

    @Test
    void thePythonAvroFormOfEveryVersionDescribesTheSameWireLayout() {
        for (RecordCodec<?> codec : RecordCodec.all()) {
            for (SchemaVersion version : codec.versions()) {
                String python = CanonicalForm.PYTHON_AVRO.of(version.schema());
                // Parsed back (it is a valid schema) it normalises to the version's own standard form.
                assertThat(SchemaNormalization.toParsingForm(new Schema.Parser().parse(python)))
                        .as("%s v%d", codec.recordType(), version.version())
                        .isEqualTo(CanonicalForm.STANDARD.of(version.schema()));
            }
        }
    }

    @Test
    void everyVersionHasItsStandardFingerprintFirstAndAPythonAvroAlias() {
        for (RecordCodec<?> codec : RecordCodec.all()) {
            for (SchemaVersion version : codec.versions()) {
                List<SchemaFingerprint> fingerprints = version.fingerprints();
                // Every record type here has a timestamp-millis long, so every version has an alias.
                assertThat(fingerprints).as("%s v%d", codec.recordType(), version.version())
                        .extracting(SchemaFingerprint::form)
                        .containsExactly(CanonicalForm.STANDARD, CanonicalForm.PYTHON_AVRO);
                assertThat(fingerprints.get(0).value()).isEqualTo(version.fingerprint());
                assertThat(fingerprints.get(1).value()).isNotEqualTo(version.fingerprint());
            }
        }
    }

    @Test
    void aSchemaWithoutAttributesOnPrimitivesHasOnlyItsStandardFingerprint() {
        Schema plain = new Schema.Parser().parse("{\"type\": \"record\", \"name\": \"P\", \"fields\": ["
                + "{\"name\": \"t\", \"type\": {\"type\": \"long\"}}, {\"name\": \"s\", \"type\": \"string\"}]}");

        assertThat(new SchemaVersion(1, plain).fingerprints()).extracting(SchemaFingerprint::form)
                .containsExactly(CanonicalForm.STANDARD);
    }

    @Test
    void theHeaderIsTheMarkerThenTheFingerprintLittleEndian() {
        SchemaFingerprint f = new SchemaFingerprint(CanonicalForm.STANDARD, "\"long\"", 0x0102030405060708L);

        assertThat(f.header()).containsExactly(0xC3, 0x01, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01);
        assertThat(f.headerHex()).isEqualTo("c3010807060504030201");
        assertThat(f.hex()).isEqualTo("0x0102030405060708");
    }

    @Test
    void allHasACodecForEverySchemaFile() throws IOException {
        List<String> files;
        // Surefire runs in the module's directory; each top-level record has one .avsc there.
        try (Stream<Path> avsc = Files.list(Path.of("src/main/avro"))) {
            files = avsc.map(p -> p.getFileName().toString().replace(".avsc", "")).toList();
        }

        assertThat(RecordCodec.all()).extracting(c -> c.recordType().replace("io.streamrl.schemas.avro.", ""))
                .containsExactlyInAnyOrderElementsOf(files)
                .startsWith("Transition", "PolicyEnvelope");
    }
}
