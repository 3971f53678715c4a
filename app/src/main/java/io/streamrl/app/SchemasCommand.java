package io.streamrl.app;

import io.streamrl.schemas.RecordCodec;
import io.streamrl.schemas.SchemaFingerprint;
import io.streamrl.schemas.SchemaVersion;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code streamrl schemas}: every fingerprint a streamrl reader accepts, per record type and
 * schema version, for producers written outside Java. Tab-separated, one line per fingerprint
 * after a header line; the columns are stable (new ones are only ever appended), so scripts can
 * cut them by position or name.
 */
@Command(name = "schemas", mixinStandardHelpOptions = true,
        description = {"Print every record schema version and the single-object fingerprints readers accept for it,"
                + " as tab-separated lines after a header line:",
            "record, version, current (true for the version writers use), form (standard: the Avro"
                + " specification's parsing canonical form, which streamrl writes; python-avro: the form python3-avro"
                + " 1.11 computes, accepted as an alias), fingerprint (CRC-64-AVRO, 0x and 16 hex digits), header (the"
                + " 10-byte single-object header as 20 hex digits: c301, then the fingerprint little-endian), and with"
                + " --canonical the canonical form itself (JSON)."})
final class SchemasCommand implements Callable<Integer> {

    static final String HEADER = "record\tversion\tcurrent\tform\tfingerprint\theader";

    @Spec
    CommandSpec spec;

    @Option(names = "--record", paramLabel = "NAME",
            description = "Only this record type (Transition, Reward, ...; any case).")
    String record;

    @Option(names = "--canonical", description = "Add a column with the canonical form that was fingerprinted.")
    boolean canonical;

    @Override
    public Integer call() {
        List<RecordCodec<?>> codecs = RecordCodec.all();
        if (record != null) {
            codecs = codecs.stream().filter(c -> simpleName(c).equalsIgnoreCase(record)).toList();
            if (codecs.isEmpty()) {
                throw new IllegalArgumentException("unknown record '" + record + "'; valid: " + RecordCodec.all()
                        .stream().map(SchemasCommand::simpleName).collect(Collectors.joining(", ")));
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(canonical ? HEADER + "\tcanonical_form" : HEADER);
        for (RecordCodec<?> codec : codecs) {
            List<SchemaVersion> versions = codec.versions();
            for (SchemaVersion version : versions) {
                boolean current = version == versions.get(versions.size() - 1);
                for (SchemaFingerprint f : version.fingerprints()) {
                    // Canonical forms are JSON without whitespace, so no tab or newline can break a line.
                    out.println(String.join("\t", simpleName(codec), Integer.toString(version.version()),
                            Boolean.toString(current), f.form().label(), f.hex(), f.headerHex())
                            + (canonical ? "\t" + f.canonicalForm() : ""));
                }
            }
        }
        out.flush();
        return 0;
    }

    private static String simpleName(RecordCodec<?> codec) {
        String full = codec.recordType();
        return full.substring(full.lastIndexOf('.') + 1);
    }
}
