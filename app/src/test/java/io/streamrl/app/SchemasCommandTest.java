package io.streamrl.app;

import static org.assertj.core.api.Assertions.assertThat;
import static io.streamrl.app.CliRun.run;

import io.streamrl.schemas.CanonicalForm;
import io.streamrl.schemas.RecordCodec;
import io.streamrl.schemas.SchemaFingerprint;
import io.streamrl.schemas.SchemaVersion;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code streamrl schemas}: the lines a script reads, column by column. */
class SchemasCommandTest {

    @Test
    void everyVersionOfEveryRecordHasItsStandardFingerprintAndItsAlias() {
        CliRun r = run("schemas");

        assertThat(r.exitCode).isZero();
        List<String> lines = r.out.lines().toList();
        assertThat(lines.get(0)).isEqualTo("record\tversion\tcurrent\tform\tfingerprint\theader");
        List<String> expected = new ArrayList<>();
        for (RecordCodec<?> codec : RecordCodec.all()) {
            String record = codec.recordType().substring(codec.recordType().lastIndexOf('.') + 1);
            for (SchemaVersion v : codec.versions()) {
                boolean current = v.version() == codec.versions().size();
                expected.add(record + "\t" + v.version() + "\t" + current + "\tstandard\t"
                        + String.format("0x%016X", v.fingerprint()) + "\t" + header(v.fingerprint()));
                long alias = v.fingerprints().get(1).value();
                expected.add(record + "\t" + v.version() + "\t" + current + "\tpython-avro\t"
                        + String.format("0x%016X", alias) + "\t" + header(alias));
            }
        }
        assertThat(lines.subList(1, lines.size())).containsExactlyElementsOf(expected);
        // Transition v3, the version actors write today, as the README shows it.
        assertThat(lines).contains("Transition\t3\ttrue\tstandard\t0x2A30719D98CA19C0\tc301c019ca989d71302a",
                "Transition\t3\ttrue\tpython-avro\t0x9F98D727C4FB6749\tc3014967fbc427d7989f");
    }

    @Test
    void canonicalAddsTheFormThatWasFingerprintedAndRecordFilters() {
        CliRun r = run("schemas", "--record", "reward", "--canonical");

        assertThat(r.exitCode).isZero();
        List<String[]> rows = r.out.lines().map(l -> l.split("\t", -1)).toList();
        assertThat(rows.get(0)).containsExactly("record", "version", "current", "form", "fingerprint", "header",
                "canonical_form");
        assertThat(rows.subList(1, rows.size())).hasSize(4).allSatisfy(row -> {
            assertThat(row).hasSize(7);
            assertThat(row[0]).isEqualTo("Reward");
            SchemaVersion v = RecordCodec.reward().versions().get(Integer.parseInt(row[1]) - 1);
            CanonicalForm form = row[3].equals("standard") ? CanonicalForm.STANDARD : CanonicalForm.PYTHON_AVRO;
            assertThat(row[6]).isEqualTo(form.of(v.schema()));
            assertThat(row[4]).isEqualTo(SchemaFingerprint.of(form, v.schema()).hex());
        });
        assertThat(rows.get(4)[6]).contains("{\"name\":\"event_time\",\"type\":{\"type\":\"long\"}}");
        assertThat(rows.get(3)[6]).contains("{\"name\":\"event_time\",\"type\":\"long\"}");
    }

    @Test
    void anUnknownRecordIsOneLineListingTheValidOnes() {
        CliRun r = run("schemas", "--record", "Transitions");

        assertThat(r.exitCode).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err.strip().lines()).hasSize(1);
        assertThat(r.err).contains("unknown record 'Transitions'; valid: Transition, PolicyEnvelope, EpisodeSummary,"
                + " DeadLetter, Decision, Reward, Control");
        assertThat(r.out).isEmpty();
    }

    /** The single-object header: C3 01, then the fingerprint's 8 bytes, least significant first. */
    private static String header(long fingerprint) {
        byte[] bytes = new byte[10];
        bytes[0] = (byte) 0xC3;
        bytes[1] = 0x01;
        for (int i = 0; i < 8; i++) {
            bytes[2 + i] = (byte) (fingerprint >>> (8 * i));
        }
        return HexFormat.of().formatHex(bytes);
    }


}
