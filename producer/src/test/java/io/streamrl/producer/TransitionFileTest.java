package io.streamrl.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrl.core.env.Envs;
import io.streamrl.producer.BadRowException.Reason;
import io.streamrl.schemas.RecordCodec;
import io.streamrl.schemas.TransitionFields;
import io.streamrl.schemas.avro.Transition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.file.DataFileWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading transitions files: good rows, every kind of bad row with its line, and broken files. */
class TransitionFileTest {

    static final TransitionShape PENDULUM = TransitionShape.of(Envs.spec("pendulum"));
    static final String HEADER = "obs_0,obs_1,obs_2,action_0,reward,next_obs_0,next_obs_1,next_obs_2,terminated,truncated";
    private static final TransitionFile.Defaults DEFAULTS = new TransitionFile.Defaults("replay-test", 1_000L);

    @TempDir
    Path dir;

    @Test
    void readsCsvRowsWithTheirLinesAndOptionalColumns() throws IOException {
        Path csv = write("good.csv", HEADER + ",episode,step,timestamp,log_density,comment",
                "0.5,-0.5,1.25,1.5,-3.75,0.25,0.75,-2,false,false,3,7,1700000000000,-1.25,ignored",
                "",
                "1,0,0,-2,-0.5,1,0,0,TRUE,false,,,2026-12-07T10:15:30Z,,x");
        List<TransitionFile.Row> rows = readAll(csv, FileFormat.CSV);

        assertThat(rows).hasSize(2).allMatch(TransitionFile.Row::ok);
        TransitionFields first = rows.get(0).transition();
        assertThat(rows.get(0).line()).isEqualTo(2);
        assertThat(first.observation()).containsExactly(0.5f, -0.5f, 1.25f);
        assertThat(first.action()).containsExactly(1.5f);
        assertThat(first.reward()).isEqualTo(-3.75);
        assertThat(first.nextObservation()).containsExactly(0.25f, 0.75f, -2f);
        assertThat(first.episode()).isEqualTo(3);
        assertThat(first.step()).isEqualTo(7);
        assertThat(first.eventTimeMillis()).isEqualTo(1_700_000_000_000L);
        assertThat(first.logDensity()).isEqualTo(-1.25);
        assertThat(first.actorId()).isEqualTo("replay-test");
        assertThat(first.envId()).isEqualTo("Pendulum-v1");
        assertThat(first.policyVersion()).isEqualTo(-1);
        // The empty line 3 is skipped; line numbers stay those of the file.
        TransitionFile.Row second = rows.get(1);
        assertThat(second.line()).isEqualTo(4);
        assertThat(second.transition().terminated()).isTrue();
        assertThat(second.transition().episode()).isZero(); // empty optional: its default
        assertThat(second.transition().step()).isEqualTo(2); // the data row's number
        assertThat(second.transition().eventTimeMillis())
                .isEqualTo(java.time.Instant.parse("2026-12-07T10:15:30Z").toEpochMilli());
        assertThat(second.transition().logDensity()).isNaN(); // none
        try (CsvTransitionFile file = new CsvTransitionFile(csv, PENDULUM, DEFAULTS)) {
            assertThat(file.ignoredColumns()).containsExactly("comment");
        }
    }

    @Test
    void everyKindOfBadCsvRowNamesItsLineAndReason() throws IOException {
        Path csv = write("bad.csv", HEADER,
                "0,0,0,0,-1,0,0,0,false,false",           // 2 good
                "0,0,0,0,-1,0,0,0,false",                 // 3 one field short
                "0,0,0,0,-1,0,0,0,false,false,extra",     // 4 one field too many
                "0,zero,0,0,-1,0,0,0,false,false",        // 5 not a number
                "0,0,0,0,nan,0,0,0,false,false",          // 6 NaN reward (Python's spelling)
                "0,0,NaN,0,-1,0,0,0,false,false",         // 7 NaN observation
                "0,0,0,2.5,-1,0,0,0,false,false",         // 8 action above Pendulum's 2
                "0,0,0,,-1,0,0,0,false,false",            // 9 missing action
                "0,0,0,0,-1,0,0,0,yes,false",             // 10 not a boolean
                "0,0,0,0,-1,0,0,0,false,false");          // 11 good
        List<TransitionFile.Row> rows = readAll(csv, FileFormat.CSV);

        assertThat(rows).extracting(TransitionFile.Row::line).containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L,
                11L);
        assertProblem(rows.get(1), 3, Reason.COLUMN_COUNT, "the row has 9 fields; the header has 10");
        assertProblem(rows.get(2), 4, Reason.COLUMN_COUNT, "the row has 11 fields");
        assertProblem(rows.get(3), 5, Reason.NOT_A_NUMBER, "obs_1 is 'zero'; allowed: a number");
        assertProblem(rows.get(4), 6, Reason.NOT_FINITE, "reward is NaN");
        assertProblem(rows.get(5), 7, Reason.NOT_FINITE, "observation[2] is NaN");
        assertProblem(rows.get(6), 8, Reason.OUT_OF_BOUNDS, "action_0 is 2.5; allowed: [-2.0, 2.0] for Pendulum-v1");
        assertProblem(rows.get(7), 9, Reason.MISSING_VALUE, "action_0 is empty");
        assertProblem(rows.get(8), 10, Reason.NOT_A_NUMBER, "terminated is 'yes'; allowed: true or false");
        assertThat(checked(rows.get(0))).isNull();
        assertThat(checked(rows.get(9))).isNull();
        assertThat(rows.get(3).problem().getMessage()).startsWith(csv + " line 5: obs_1 is 'zero'");
    }

    @Test
    void aHeaderWithoutARequiredColumnIsRefusedNamingIt() throws IOException {
        Path csv = write("header.csv", "obs_0,obs_1,action_0,reward,next_obs_0,next_obs_1,terminated,truncated",
                "0,0,0,0,0,0,false,false");
        assertThatThrownBy(() -> TransitionFile.open(csv, FileFormat.CSV, PENDULUM, DEFAULTS))
                .isInstanceOf(BadFileException.class)
                .hasMessageStartingWith(csv + " line 1: the header lacks obs_2, next_obs_2; Pendulum-v1 needs the"
                        + " columns " + HEADER);
        Path empty = write("empty.csv");
        assertThatThrownBy(() -> TransitionFile.open(empty, FileFormat.CSV, PENDULUM, DEFAULTS))
                .isInstanceOf(BadFileException.class).hasMessageContaining("is empty; line 1 must be the header");
    }

    @Test
    void aTruncatedCsvFileEndsWithABadLastRowOrSaysWhereItBroke() throws IOException {
        Path cut = write("cut.csv", HEADER, "0,0,0,0,-1,0,0,0,false,false", "0,0,0,0,-1,0,0");
        List<TransitionFile.Row> rows = readAll(cut, FileFormat.CSV);
        assertProblem(rows.get(1), 3, Reason.COLUMN_COUNT, "the row has 7 fields; the header has 10");

        Path quote = write("quote.csv", HEADER, "0,0,0,0,-1,0,0,0,false,false", "\"0,0,0,0,-1");
        assertThatThrownBy(() -> readAll(quote, FileFormat.CSV))
                .isInstanceOf(BadFileException.class)
                .hasMessageStartingWith(quote + " breaks off after line 2");
    }

    @Test
    void numbersReadAsTheJdkParsersReadThem() throws IOException {
        // Each row holds one spelling in obs_0; the JDK parsers decide what it must read as.
        List<String> spellings = List.of("+1.5", "-0", ".5", "5.", "1e3", "1E-3", "1e+5", "0x1p-2", "0X1.8P1", "1.5f",
                "2d", "00012", " 0.25 ", "1.00000017881393432617187499", "7.006492321624086e-46", "1e-50", "1e400",
                "NaN", "-Infinity", "Infinity", "nan", "+inf", "-infinity", "1..2", "0x1", "1_0", "e1", "1e5L",
                "NaNf", "\u00a01", "--1", "+");
        List<String> lines = new ArrayList<>(List.of(HEADER + ",log_density"));
        for (String v : spellings) {
            lines.add(v + ",0,0,0," + v + ",0,0,0,false,false," + v);
        }
        List<TransitionFile.Row> rows = readAll(write("numbers.csv", lines.toArray(String[]::new)), FileFormat.CSV);

        assertThat(rows).hasSize(spellings.size());
        for (int i = 0; i < spellings.size(); i++) {
            String v = spellings.get(i).strip();
            TransitionFile.Row row = rows.get(i);
            Float asFloat = jdk(() -> Float.parseFloat(v));
            Double asDouble = jdk(() -> Double.parseDouble(v));
            Double special = switch (v.toLowerCase(java.util.Locale.ROOT)) {
                case "nan" -> Double.NaN;
                case "+inf" -> Double.POSITIVE_INFINITY;
                case "-infinity" -> Double.NEGATIVE_INFINITY;
                default -> null;
            };
            if (asFloat == null && special == null) {
                assertProblem(row, i + 2, Reason.NOT_A_NUMBER, "obs_0 is '" + v + "'; allowed: a number");
                continue;
            }
            assertThat(row.ok()).as("'%s': %s", v, row.problem()).isTrue();
            float wantFloat = asFloat != null ? asFloat : special.floatValue();
            double wantDouble = asDouble != null ? asDouble : special;
            TransitionFields t = row.transition();
            assertThat(Float.floatToRawIntBits(t.observation()[0])).as("obs_0 '%s'", v)
                    .isEqualTo(Float.floatToRawIntBits(wantFloat));
            assertThat(Double.doubleToRawLongBits(t.reward())).as("reward '%s'", v)
                    .isEqualTo(Double.doubleToRawLongBits(wantDouble));
            assertThat(Double.doubleToRawLongBits(t.logDensity())).as("log_density '%s'", v)
                    .isEqualTo(Double.doubleToRawLongBits(wantDouble));
        }
        // The cases that matter most, stated outright: a float rounded once, not through a double.
        assertThat(rows.get(13).transition().observation()[0]).isEqualTo(1.0000001f);
        assertThat(rows.get(14).transition().observation()[0]).isEqualTo(Float.MIN_VALUE);
        assertThat(rows.get(7).transition().observation()[0]).isEqualTo(0.25f);
    }

    @Test
    void quotedFieldsCrlfAndBrokenQuotingKeepTheirLines() throws IOException {
        Path csv = dir.resolve("quoted.csv");
        Files.writeString(csv, HEADER + ",actor_id\r\n"
                + "\"0.5\",0,0,0,-1,0,0,0,false,false,\"a,\"\"b\"\"\r\nc\"\r\n"   // lines 2-3: one record
                + "\r\n"                                                            // line 4: empty
                + "0,0,0,0,-1,0,0,0,false,false,x\r\n"                               // line 5
                + "0,0,0,0,-1,0,0,0,false\r\n");                                     // line 6: short
        List<TransitionFile.Row> rows = readAll(csv, FileFormat.CSV);
        assertThat(rows).extracting(TransitionFile.Row::line).containsExactly(2L, 5L, 6L);
        assertThat(rows.get(0).transition().actorId()).isEqualTo("a,\"b\"\r\nc");
        assertThat(rows.get(0).transition().observation()[0]).isEqualTo(0.5f);
        assertThat(rows.get(1).transition().actorId()).isEqualTo("x");
        assertProblem(rows.get(2), 6, Reason.COLUMN_COUNT, "the row has 9 fields; the header has 11");

        Path after = write("after.csv", HEADER, "0,0,0,0,-1,0,0,0,false,false", "\"0\"x,0,0,0,-1,0,0,0,false,false");
        List<TransitionFile.Row> before = new ArrayList<>();
        assertThatThrownBy(() -> {
            try (TransitionFile f = TransitionFile.open(after, FileFormat.CSV, PENDULUM, DEFAULTS)) {
                for (TransitionFile.Row r = f.next(); r != null; r = f.next()) {
                    before.add(r);
                }
            }
        }).isInstanceOf(BadFileException.class).hasMessageStartingWith(after + " line 3: ")
                .hasMessageContaining("after closing quote");
        assertThat(before).extracting(TransitionFile.Row::line).containsExactly(2L); // the good row before still counts

        // Spaces after a closing quote are not the field's end either (commons-csv skipped them).
        Path spaced = write("spaced.csv", HEADER, "\"0\" ,0,0,0,-1,0,0,0,false,false");
        assertThatThrownBy(() -> readAll(spaced, FileFormat.CSV)).isInstanceOf(BadFileException.class)
                .hasMessageStartingWith(spaced + " line 2: ");

        // A quote closed by the last character of the file, and one left open after an escaped quote.
        Path closed = write("closed.csv", HEADER + ",actor_id", "0,0,0,0,-1,0,0,0,false,false,\"a\"\"\"");
        assertThat(readAll(closed, FileFormat.CSV).get(0).transition().actorId()).isEqualTo("a\"");
        Path open = write("open.csv", HEADER + ",actor_id", "0,0,0,0,-1,0,0,0,false,false,\"a\"\"");
        assertThatThrownBy(() -> readAll(open, FileFormat.CSV)).isInstanceOf(BadFileException.class)
                .hasMessage(open + " breaks off after line 1: the quoted field opened in the record of line 2 is not"
                        + " closed at the end of the file");
        // A quote inside an unquoted value is kept as it is and breaks nothing.
        Path inner = write("inner.csv", HEADER + ",actor_id", "0,0,0,0,-1,0,0,0,false,false,a\"b");
        assertThat(readAll(inner, FileFormat.CSV).get(0).transition().actorId()).isEqualTo("a\"b");
    }

    private static <T> T jdk(java.util.concurrent.Callable<T> parse) {
        try {
            return parse.call();
        } catch (Exception e) {
            return null;
        }
    }

    @Test
    void readsJsonLinesAndNamesTheLineOfEveryBadOne() throws IOException {
        Path jsonl = write("t.jsonl",
                "{\"observation\":[0.5,0,1],\"action\":[1],\"reward\":-2.5,\"next_observation\":[0,0,0],"
                        + "\"terminated\":false,\"truncated\":true,\"episode\":4,\"step\":9,\"event_time\":1234,"
                        + "\"actor_id\":\"a\",\"log_density\":-0.5,\"join\":{\"result\":\"JOINED\",\"reward_count\":1,"
                        + "\"wait_ms\":20}}",
                "{\"observation\":[0,0,0],\"action\":[1],\"reward\":NaN,\"next_observation\":[0,0,0],"
                        + "\"terminated\":false,\"truncated\":false}",
                "{\"observation\":[0,0],\"action\":[1],\"reward\":1,\"next_observation\":[0,0,0],"
                        + "\"terminated\":false,\"truncated\":false}",
                "{\"observation\":[0,0,0],\"action\":[1],\"reward\":1,\"next_observation\":[0,0,0],"
                        + "\"terminated\":false}",
                "{\"observation\":[0,0,0],\"action\":[\"1\"],",
                "[1,2]");
        List<TransitionFile.Row> rows = readAll(jsonl, FileFormat.JSONL);

        TransitionFields first = rows.get(0).transition();
        assertThat(checked(rows.get(0))).isNull();
        assertThat(first.actorId()).isEqualTo("a");
        assertThat(first.truncated()).isTrue();
        assertThat(first.joinWaitMillis()).isEqualTo(20);
        assertProblem(rows.get(1), 2, Reason.NOT_FINITE, "reward is NaN");
        assertProblem(rows.get(2), 3, Reason.WRONG_LENGTH, "observation has 2 values; allowed: 3");
        assertProblem(rows.get(3), 4, Reason.MISSING_VALUE, "truncated is missing");
        assertProblem(rows.get(4), 5, Reason.MALFORMED, "not JSON");
        assertProblem(rows.get(5), 6, Reason.MALFORMED, "not a JSON object");
    }

    @Test
    void readsAvroContainersAndSaysWhereATruncatedOneBroke() throws IOException {
        Path avro = dir.resolve("t.avro");
        List<Transition> written = new ArrayList<>();
        try (DataFileWriter<Transition> out = new DataFileWriter<>(RecordCodec.transition().containerWriter())) {
            out.setSyncInterval(1024); // several blocks, so that a cut lands after some whole ones
            out.create(Transition.getClassSchema(), avro.toFile());
            for (int i = 0; i < 300; i++) {
                Transition t = SampleTransitions.pendulum("a", i);
                written.add(t);
                out.append(t);
            }
        }
        assertThat(readAll(avro, FileFormat.AVRO)).extracting(TransitionFile.Row::transition)
                .usingRecursiveComparison().withEqualsForType((x, y) -> Double.compare(x, y) == 0, Double.class)
                .isEqualTo(written.stream().map(TransitionFields::of).toList());

        byte[] bytes = Files.readAllBytes(avro);
        Path cut = Files.write(dir.resolve("cut.avro"), Arrays.copyOf(bytes, bytes.length * 2 / 3));
        List<TransitionFile.Row> before = new ArrayList<>();
        assertThatThrownBy(() -> {
            try (TransitionFile file = TransitionFile.open(cut, FileFormat.AVRO, PENDULUM, DEFAULTS)) {
                for (TransitionFile.Row r = file.next(); r != null; r = file.next()) {
                    before.add(r);
                }
            }
        }).isInstanceOf(BadFileException.class).hasMessageStartingWith(cut + " is corrupt or truncated after record "
                + before.size());
        assertThat(before.size()).isBetween(1, 299);

        Path notAvro = write("not.avro", "hello");
        assertThatThrownBy(() -> TransitionFile.open(notAvro, FileFormat.AVRO, PENDULUM, DEFAULTS))
                .isInstanceOf(BadFileException.class).hasMessageContaining("is not an Avro container file");
    }

    @Test
    void formatsAreNamedOrTakenFromTheFileName() {
        assertThat(FileFormat.of(Path.of("x.CSV"))).isEqualTo(FileFormat.CSV);
        assertThat(FileFormat.of(Path.of("x.json"))).isEqualTo(FileFormat.JSONL);
        assertThat(FileFormat.named(" avro ")).isEqualTo(FileFormat.AVRO);
        assertThatThrownBy(() -> FileFormat.of(Path.of("x.txt"))).hasMessageContaining("give --format");
        assertThatThrownBy(() -> FileFormat.named("parquet"))
                .hasMessage("format must be one of [csv, jsonl, avro], got 'parquet'");
    }

    private static BadRowException checked(TransitionFile.Row row) {
        if (!row.ok()) {
            return row.problem();
        }
        try {
            PENDULUM.check(row.transition(), Path.of("f"), row.line());
            return null;
        } catch (BadRowException e) {
            return e;
        }
    }

    private static void assertProblem(TransitionFile.Row row, long line, Reason reason, String detail) {
        BadRowException problem = checked(row);
        assertThat(problem).as("line %d", line).isNotNull();
        assertThat(problem.line()).isEqualTo(line);
        assertThat(problem.reason()).as(problem.getMessage()).isEqualTo(reason);
        assertThat(problem.detail()).contains(detail);
        assertThat(problem.getMessage()).contains(" line " + line + ": ");
    }

    private List<TransitionFile.Row> readAll(Path file, FileFormat format) throws IOException {
        List<TransitionFile.Row> rows = new ArrayList<>();
        try (TransitionFile f = TransitionFile.open(file, format, PENDULUM, DEFAULTS)) {
            for (TransitionFile.Row r = f.next(); r != null; r = f.next()) {
                rows.add(r);
            }
        }
        return rows;
    }

    private Path write(String name, String... lines) throws IOException {
        return Files.writeString(dir.resolve(name), lines.length == 0 ? "" : String.join("\n", lines) + "\n");
    }
}
