package io.streamrl.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line as a script sees it: exit codes, messages, files and JSON lines. */
class CommandLineTest {

    @TempDir
    Path tmp;

    @Test
    void anUnknownEnvironmentListsTheValidOnes() {
        Run r = run("train", "--env", "acrobot", "--out", tmp.toString());
        assertThat(r.exitCode).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err).contains("unknown environment 'acrobot'").contains("pendulum").contains("Pricing-v0");
        assertThat(r.err).doesNotContain("Exception");
    }

    @Test
    void anUnknownAlgorithmOrSettingListsTheValidOnes() {
        Run algo = run("train", "--env", "pendulum", "--algo", "sac", "--out", tmp.toString());
        assertThat(algo.exitCode).isEqualTo(Main.EXIT_USAGE);
        assertThat(algo.err).contains("unknown algorithm 'sac', valid: ddpg, td3");
        Run key = run("train", "--env", "pendulum", "--set", "learning-rate=1", "--out", tmp.toString());
        assertThat(key.err).contains("unknown setting 'learning-rate'").contains("actor-lr");
        Run range = run("train", "--env", "pendulum", "--set", "gamma=2", "--out", tmp.toString());
        assertThat(range.err).contains("gamma must be in [0.0, 1.0], got 2.0");
    }

    @Test
    void badJoinSettingsNameTheirOptionBeforeKafkaIsTried() {
        String[][] cases = {
            {"--reward-wait", "PT1S", "reward-wait is PT1S; allowed: PT5S to PT48H"},
            {"--reward-wait", "ten minutes", "reward-wait is 'ten minutes'; allowed: an ISO-8601 duration"},
            {"--combine", "max", "combine is 'max'; allowed: first, sum or last"},
            {"--default-reward", "NaN", "default-reward is NaN; allowed: a finite number, or none"},
            {"--default-reward", "zero", "default-reward is 'zero'; allowed: a finite number, or none"},
            {"--episode-gap", "P31D", "episode-gap is PT744H; allowed: PT1S to PT720H"},
        };
        for (String[] c : cases) {
            // An unreachable broker: a bad value must be reported before any attempt to reach it.
            Run join = run("join", "--bootstrap-server", "127.0.0.1:1", "--connect-timeout", "1", c[0], c[1]);
            assertThat(join.exitCode).as(c[0] + " " + c[1]).isEqualTo(Main.EXIT_USAGE);
            assertThat(join.err).contains(c[2]).doesNotContain("Exception");
            Run serve = run("serve", "--env", "pricing", "--bootstrap-server", "127.0.0.1:1", "--connect-timeout", "1",
                    "--join", c[0], c[1]);
            assertThat(serve.exitCode).as("serve " + c[0] + " " + c[1]).isEqualTo(Main.EXIT_USAGE);
            assertThat(serve.err).contains(c[2]);
        }
    }

    @Test
    void aBootstrapServerPortOutside1To65535IsOneLineForEveryCommandThatTakesIt() {
        String bad = "127.0.0.1:99999";
        String[][] commands = {
            {"actor", "--env", "pendulum"},
            {"learner", "--env", "pendulum"},
            {"join"},
            {"serve", "--env", "pricing"},
            {"control", "show", "--policy", "Pricing-v0"},
            {"demo", "--env", "pendulum", "--out", tmp.resolve("demo").toString()},
            {"demo", "--env", "pricing", "--out", tmp.resolve("demo").toString()},
            {"bench", "ingest"},
            {"bench", "join"},
            {"bench", "propagation"},
            {"bench", "actors"},
            {"bench", "solve"},
        };
        for (String[] command : commands) {
            String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(command),
                    java.util.stream.Stream.of("--bootstrap-server", bad)).toArray(String[]::new);
            Run r = run(args);
            String what = String.join(" ", command);
            assertThat(r.exitCode).as(what + ": " + r.err).isEqualTo(Main.EXIT_USAGE);
            assertOneLine(r.err, what);
            assertThat(r.err).as(what).contains("bootstrap-server must be host:port[,host:port...] with ports 1 to"
                    + " 65535, got '" + bad + "'");
        }
        assertThat(tmp.resolve("demo")).as("the demo checked it before writing anything").doesNotExist();
    }

    @Test
    void badPricingDemoSettingsNameTheirOptionBeforeAnythingStarts() {
        String[][] cases = {
            {"--lost-reward-share", "1.5", "lost-reward-share"},
            {"--shops", "0", "shops"},
            {"--holdout", "1", "holdout is 1.0; allowed: [0, 1)"},
            {"--fallback-price", "30", "fallback-price is 30.0; allowed: [1.0, 20.0]"},
            {"--max-reward-lag-millis", "9000", "max-reward-lag (9000 ms) is longer than reward-wait (PT5S)"},
        };
        for (String[] c : cases) {
            Run r = run("demo", "--env", "pricing", "--out", tmp.resolve("pricing").toString(), c[0], c[1]);
            assertThat(r.exitCode).as(c[0] + " " + c[1]).isEqualTo(Main.EXIT_USAGE);
            assertThat(r.err).contains(c[2]).doesNotContain("Exception");
            assertThat(tmp.resolve("pricing")).as("nothing started, nothing written").doesNotExist();
        }
    }

    @Test
    void trainWritesTheCurveAndTheSummary() throws Exception {
        Path out = tmp.resolve("run");
        Run r = run("train", "--env", "pendulum", "--seed", "3", "--steps", "1200", "--eval-every", "600",
                "--eval-episodes", "2", "--set", "learning-starts=500", "--set", "batch-size=32", "--out",
                out.toString());
        assertThat(r.exitCode).as(r.err).isZero();
        List<String> curve = Files.readAllLines(out.resolve("curve.csv"));
        assertThat(curve.get(0)).isEqualTo("env_steps,wall_s,updates,eval_mean_return,eval_std_return");
        assertThat(curve).hasSize(3);
        assertThat(curve.get(2)).startsWith("1200,");
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertThat(summary.get("env").asText()).isEqualTo("Pendulum-v1");
        assertThat(summary.get("algo").asText()).isEqualTo("ddpg");
        assertThat(summary.get("seed").asLong()).isEqualTo(3);
        assertThat(summary.get("solved").isBoolean()).isTrue();
        assertThat(summary.has("env_steps_to_solve")).isTrue();
        assertThat(summary.get("wall_s").isNumber()).isTrue();
        assertThat(summary.get("final_eval_mean_return").asDouble())
                .isEqualTo(Double.parseDouble(curve.get(2).split(",")[3]));
        assertThat(summary.get("hyperparameters").get("batch-size").asInt()).isEqualTo(32);
        assertThat(Files.size(out.resolve("curve.png"))).isPositive();
        assertThat(r.out).contains("steps 1,200/1,200");
    }

    @Test
    void benchUpdatesPrintsOneJsonObjectPerConfiguration() throws Exception {
        Run r = run("bench", "updates", "--hidden", "8,16", "--batch", "4", "--backend", "vector", "--seconds", "0.05",
                "--repeats", "1", "--warmup", "1", "--breakdown");
        assertThat(r.exitCode).as(r.err).isZero();
        String[] lines = r.out.strip().split("\n");
        assertThat(lines).hasSize(2);
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < 2; i++) {
            JsonNode node = json.readTree(lines[i]);
            assertThat(node.get("backend").asText()).isEqualTo("vector");
            assertThat(node.get("hidden").asInt()).isEqualTo(i == 0 ? 8 : 16);
            assertThat(node.get("batch").asInt()).isEqualTo(4);
            assertThat(node.get("threads").asInt()).isEqualTo(1);
            assertThat(node.get("updates_per_s").asDouble()).isPositive();
            // The count itself is checked against the layer sizes in UpdateBenchmarkTest.
            assertThat(node.get("flops_per_update").asLong()).isPositive();
            double shares = 0;
            for (JsonNode share : node.get("share_of_time")) {
                shares += share.asDouble();
            }
            assertThat(shares).as("share_of_time adds up to the whole update").isCloseTo(1.0, within(0.01));
            assertThat(node.get("matmul_gflops").asDouble()).isPositive();
        }
    }

    @Test
    void benchPeakPrintsTheFmaRate() throws Exception {
        Run r = run("bench", "peak", "--seconds", "0.1");
        assertThat(r.exitCode).as(r.err).isZero();
        JsonNode node = new ObjectMapper().readTree(r.out.strip());
        assertThat(node.get("gflops").asDouble()).isPositive();
        assertThat(node.get("lanes").asInt()).isPositive();
    }

    /** One line on stderr and no stack trace: what a user who can fix the input should see. */
    private static void assertOneLine(String err, String what) {
        assertThat(err.strip().lines()).as(what + ": " + err).hasSize(1);
        assertThat(err).as(what).doesNotContain("Exception").doesNotContain("\tat ");
    }

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
