package io.streamrl.app;

import static org.assertj.core.api.Assertions.assertThat;
import static io.streamrl.app.CliRun.run;

import io.streamrl.broker.testing.EmbeddedKafkaExtension;
import io.streamrl.broker.testing.SharedKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code streamrl replay} and {@code streamrl export} as scripts use them: the documented interface and exit codes. */
@ExtendWith(EmbeddedKafkaExtension.class)
class ReplayExportCommandTest {

    private static final String HEADER = "obs_0,obs_1,obs_2,action_0,reward,next_obs_0,next_obs_1,next_obs_2,"
            + "terminated,truncated";

    @TempDir
    Path tmp;

    @Test
    void replayExportAndReplayAgainExitZeroAndCountEveryRow(SharedKafka kafka) throws IOException {
        Path csv = csv("log.csv", 200, -1);
        String ns = kafka.freshNamespace("cli-replay");
        CliRun replay = run("replay", "--bootstrap-server", kafka.bootstrapServers(), "--namespace", ns, "--env",
                "pendulum", "--file", csv.toString(), "--format", "csv");
        assertThat(replay.exitCode).as(replay.err).isZero();
        assertThat(replay.out).contains("200 rows read, 200 published, 0 already published, 0 rejected");

        Path jsonl = tmp.resolve("log.jsonl");
        CliRun export = run("export", "--bootstrap-server", kafka.bootstrapServers(), "--namespace", ns, "--topic",
                "transitions", "--to", jsonl.toString());
        assertThat(export.exitCode).as(export.err).isZero();
        assertThat(export.out).contains("exported 200 records of " + ns + ".transitions");
        assertThat(Files.readAllLines(jsonl)).hasSize(200);

        CliRun again = run("replay", "--bootstrap-server", kafka.bootstrapServers(), "--namespace",
                kafka.freshNamespace("cli-replay-again"), "--env", "pendulum", "--file", jsonl.toString());
        assertThat(again.exitCode).as(again.err).isZero();
        assertThat(again.out).contains("200 published");
    }

    @Test
    void strictNamesTheLineOfTheFirstBadRowAndExitsNonZero(SharedKafka kafka) throws IOException {
        Path csv = csv("bad.csv", 20, 7); // data row 7 is line 8
        CliRun r = run("replay", "--bootstrap-server", kafka.bootstrapServers(), "--namespace",
                kafka.freshNamespace("cli-strict"), "--env", "pendulum", "--file", csv.toString(), "--strict");
        assertThat(r.exitCode).isEqualTo(Main.EXIT_DATA);
        assertThat(r.err).contains(csv + " line 8: action_0 is 7.0; allowed: [-2.0, 2.0]");
        assertThat(r.out).contains("6 published");

        CliRun lenient = run("replay", "--bootstrap-server", kafka.bootstrapServers(), "--namespace",
                kafka.freshNamespace("cli-lenient"), "--env", "pendulum", "--file", csv.toString());
        assertThat(lenient.exitCode).isEqualTo(Main.EXIT_DATA);
        assertThat(lenient.out).contains("19 published", "1 rejected (out_of_bounds 1)", "1 dead-lettered");
    }

    @Test
    void badFilesAndOptionsAreOneLineBeforeKafkaIsTried() throws IOException {
        Path header = Files.writeString(tmp.resolve("header.csv"), "obs_0,obs_1,action_0,reward\n1,2,3,4\n");
        String[][] cases = {
            {"replay --env pendulum --file " + header, "header.csv line 1: the header lacks obs_2", "65"},
            {"replay --env pendulum --file " + tmp.resolve("missing.csv"), "missing.csv does not exist", "2"},
            {"replay --env pendulum --file " + header + " --format parquet", "format must be one of [csv, jsonl, avro]",
                "2"},
            {"replay --env pendulum --file " + header + " --rate -5", "rate must be >= 0", "2"},
            {"replay --env cartpole --file " + header, "whose actions are discrete", "2"},
            {"export --topic nope --to " + tmp.resolve("x.jsonl"), "topic must be one of [transitions,", "2"},
            {"export --topic decisions --to " + tmp.resolve("x.csv"), "csv is for the transitions topic only", "2"},
            {"export --topic transitions --to " + tmp.resolve("x.jsonl") + " --until yesterday",
                "until must be an ISO-8601 instant", "2"},
            {"export --topic transitions --to " + tmp.resolve("x.txt"), "cannot tell the format of", "2"},
        };
        for (String[] c : cases) {
            List<String> args = new ArrayList<>(List.of(c[0].split(" ")));
            args.addAll(List.of("--bootstrap-server", "127.0.0.1:1", "--connect-timeout", "1"));
            CliRun r = run(args.toArray(String[]::new));
            assertThat(r.exitCode).as(c[0] + ": " + r.err).isEqualTo(Integer.parseInt(c[1 + 1]));
            assertThat(r.err.strip().lines()).as(c[0] + ": " + r.err).hasSize(1);
            assertThat(r.err).as(c[0]).contains(c[1]).doesNotContain("Exception");
        }
    }

    /** {@code rows} valid Pendulum rows; data row {@code badRow} (1-based; -1 for none) has action 7. */
    private Path csv(String name, int rows, int badRow) throws IOException {
        List<String> lines = new ArrayList<>(List.of(HEADER));
        for (int i = 1; i <= rows; i++) {
            double a = i == badRow ? 7 : Math.sin(i) * 2;
            lines.add(String.join(",", Double.toString(Math.cos(i)), Double.toString(Math.sin(i)), "0.5",
                    Double.toString(a), Double.toString(-i % 16), "1", "0", "0.25", "false", Boolean.toString(i % 50 == 0)));
        }
        return Files.write(tmp.resolve(name), lines);
    }


}
