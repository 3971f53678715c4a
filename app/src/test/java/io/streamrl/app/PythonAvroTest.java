package io.streamrl.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrl.schemas.CanonicalForm;
import io.streamrl.schemas.RecordCodec;
import io.streamrl.schemas.SchemaFingerprint;
import io.streamrl.schemas.SchemaVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fingerprint a Python producer computes, with python3-avro's own canonical form and the
 * example's CRC-64-AVRO, is one the Java readers accept, for every version of every record
 * (read from the same history files the readers use). Skipped without python3-avro and
 * confluent_kafka (see {@link PythonWithAvro}).
 */
class PythonAvroTest {

    private static final String SCRIPT = """
            import sys, avro, avro.schema, produce_transitions
            print(avro.__version__)
            for path in sys.argv[1:]:
                with open(path, encoding="utf-8") as f:
                    schema = avro.schema.parse(f.read())
                form = schema.canonical_form
                print("%s\\t0x%016X\\t%s" % (path, produce_transitions.fingerprint(form), form))
            """;

    @TempDir
    Path tmp;

    @Test
    void pythonFingerprintsEveryHistoryVersionAsAVersionTheReadersAccept() throws IOException {
        PythonWithAvro python = pythonOrSkip();
        Map<String, SchemaVersion> byFile = new HashMap<>();
        List<String> args = new ArrayList<>(List.of("-c", SCRIPT));
        for (RecordCodec<?> codec : RecordCodec.all()) {
            String record = codec.recordType().substring(codec.recordType().lastIndexOf('.') + 1);
            for (SchemaVersion v : codec.versions()) {
                Path file = tmp.resolve(record + "-v" + v.version() + ".avsc");
                String resource = "/io/streamrl/schemas/history/" + file.getFileName();
                try (InputStream in = RecordCodec.class.getResourceAsStream(resource)) {
                    assertThat(in).as(resource).isNotNull();
                    Files.write(file, in.readAllBytes());
                }
                byFile.put(file.toString(), v);
                args.add(file.toString());
            }
        }

        PythonWithAvro.Result result = python.run(args, 120);

        assertThat(result.exitCode()).as(result.err()).isZero();
        List<String> lines = result.out().lines().toList();
        String avroVersion = lines.get(0);
        assertThat(lines.subList(1, lines.size())).hasSize(byFile.size()).allSatisfy(line -> {
            String[] cols = line.split("\t", 3);
            SchemaVersion v = byFile.get(cols[0]);
            Optional<SchemaFingerprint> accepted = v.fingerprints().stream()
                    .filter(f -> f.hex().equals(cols[1])).findFirst();
            assertThat(accepted).as("%s: python fingerprint %s among %s", cols[0], cols[1], v.fingerprints())
                    .isPresent();
            assertThat(cols[2]).isEqualTo(accepted.get().canonicalForm());
            if (avroVersion.startsWith("1.11.")) {
                // The form CanonicalForm.PYTHON_AVRO replicates; a later python3-avro may write the standard one.
                assertThat(accepted.get().form()).as(cols[0]).isEqualTo(CanonicalForm.PYTHON_AVRO);
            }
        });
    }

    private static PythonWithAvro pythonOrSkip() {
        List<String> whyNot = new ArrayList<>();
        Optional<PythonWithAvro> python = PythonWithAvro.find(whyNot);
        Assumptions.assumeTrue(python.isPresent(), () -> "no Python with python3-avro and confluent_kafka: " + whyNot);
        return python.get();
    }
}
