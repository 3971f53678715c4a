package io.streamrl.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static io.streamrl.app.CliRun.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrl.broker.testing.EmbeddedKafkaExtension;
import io.streamrl.broker.testing.SharedKafka;
import io.streamrl.core.policy.PolicySnapshot;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command line as a script sees it: exit codes, messages, files and JSON lines. */
@ExtendWith(EmbeddedKafkaExtension.class)
class CommandLineTest {

    @TempDir
    Path tmp;

    @Test
    void anUnknownEnvironmentListsTheValidOnes() {
        CliRun r = run("train", "--env", "acrobot", "--out", tmp.toString());
        assertThat(r.exitCode).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err).contains("unknown environment 'acrobot'").contains("pendulum").contains("Pricing-v0");
        assertThat(r.err).doesNotContain("Exception");
    }

    @Test
    void anUnknownAlgorithmOrSettingListsTheValidOnes() {
        CliRun algo = run("train", "--env", "pendulum", "--algo", "sac", "--out", tmp.toString());
        assertThat(algo.exitCode).isEqualTo(Main.EXIT_USAGE);
        assertThat(algo.err).contains("unknown algorithm 'sac', valid: ddpg, td3, td3+bc");
        CliRun key = run("train", "--env", "pendulum", "--set", "learning-rate=1", "--out", tmp.toString());
        assertThat(key.err).contains("unknown setting 'learning-rate'").contains("actor-lr");
        CliRun range = run("train", "--env", "pendulum", "--set", "gamma=2", "--out", tmp.toString());
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
            CliRun join = run("join", "--bootstrap-server", "127.0.0.1:1", "--connect-timeout", "1", c[0], c[1]);
            assertThat(join.exitCode).as(c[0] + " " + c[1]).isEqualTo(Main.EXIT_USAGE);
            assertThat(join.err).contains(c[2]).doesNotContain("Exception");
            CliRun serve = run("serve", "--env", "pricing", "--bootstrap-server", "127.0.0.1:1", "--connect-timeout", "1",
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
            String[] args = Stream.concat(Stream.of(command), Stream.of("--bootstrap-server", bad))
                    .toArray(String[]::new);
            CliRun r = run(args);
            String what = String.join(" ", command);
            assertThat(r.exitCode).as(what + ": " + r.err).isEqualTo(Main.EXIT_USAGE);
            assertOneLine(r.err, what);
            assertThat(r.err).as(what).contains("bootstrap-server must be host:port[,host:port...] with ports 1 to"
                    + " 65535, got '" + bad + "'");
        }
        assertThat(tmp.resolve("demo")).as("the demo checked it before writing anything").doesNotExist();
    }

    @Test
    void aKafkaConfigProblemIsOneLineNamingTheFileForEveryCommandThatReachesKafka() throws IOException {
        Path missing = tmp.resolve("missing.properties");
        Path owned = tmp.resolve("owned.properties");
        Files.writeString(owned, "security.protocol=SASL_SSL\nacks=1\n");
        String[][] commands = {
            {"actor", "--env", "pendulum"},
            {"learner", "--env", "pendulum"},
            {"join"},
            {"serve", "--env", "pricing"},
            {"control", "show", "--policy", "Pricing-v0"},
            {"control", "set", "--policy", "Pricing-v0", "--kill", "true"},
            {"demo", "--env", "pendulum", "--out", tmp.resolve("demo").toString()},
            {"demo", "--env", "pricing", "--out", tmp.resolve("demo").toString()},
            {"bench", "ingest"},
            {"bench", "join"},
            {"bench", "propagation"},
            {"bench", "actors"},
            {"bench", "solve"},
        };
        // Port 9 (discard) is never a broker: a command that tried Kafka before the file would hang.
        for (String[] command : commands) {
            String what = String.join(" ", command);
            CliRun noFile = run(with(command, "--bootstrap-server", "127.0.0.1:9", "--kafka-config", missing.toString()));
            assertThat(noFile.exitCode).as(what + ": " + noFile.err).isEqualTo(Main.EXIT_USAGE);
            assertOneLine(noFile.err, what);
            assertThat(noFile.err).as(what).contains("kafka-config " + missing + ": no such file");

            CliRun ownedKey = run(with(command, "--bootstrap-server", "127.0.0.1:9", "--kafka-config", owned.toString()));
            assertThat(ownedKey.exitCode).as(what + ": " + ownedKey.err).isEqualTo(Main.EXIT_USAGE);
            assertOneLine(ownedKey.err, what);
            assertThat(ownedKey.err).as(what).contains("kafka-config " + owned + " sets acks, which streamrl sets"
                    + " itself (");
        }
        assertThat(tmp.resolve("demo")).as("the demo checked it before writing anything").doesNotExist();
    }

    @Test
    void aKafkaConfigWithoutAClusterIsRefusedWhereTheBrokerWouldBeInProcess() throws IOException {
        Path config = tmp.resolve("client.properties");
        Files.writeString(config, "security.protocol=SASL_PLAINTEXT\n");
        for (String[] command : new String[][] {{"bench", "ingest"}, {"bench", "propagation"},
            {"demo", "--env", "pendulum", "--out", tmp.resolve("demo").toString()}}) {
            String what = String.join(" ", command);
            CliRun r = run(with(command, "--kafka-config", config.toString()));
            assertThat(r.exitCode).as(what + ": " + r.err).isEqualTo(Main.EXIT_USAGE);
            assertOneLine(r.err, what);
            assertThat(r.err).as(what).contains("--kafka-config is for a cluster given with --bootstrap-server");
        }
        assertThat(tmp.resolve("demo")).doesNotExist();
    }

    @Test
    void aBadAuthTokenFileIsOneLineNamingTheFileForServeAndLoadgen() throws IOException {
        Path empty = Files.writeString(tmp.resolve("empty-token"), "\n");
        Path missing = tmp.resolve("missing-token");
        String[][] commands = {
            {"serve", "--env", "pricing", "--bootstrap-server", "127.0.0.1:9"},
            {"loadgen", "--url", "http://127.0.0.1:9", "--rate", "10", "--duration", "1s"},
        };
        for (String[] command : commands) {
            String what = String.join(" ", command);
            CliRun r = run(with(command, "--auth-token-file", empty.toString()));
            assertThat(r.exitCode).as(what + ": " + r.err).isEqualTo(Main.EXIT_USAGE);
            assertOneLine(r.err, what);
            assertThat(r.err).as(what).contains("auth-token-file " + empty + " is empty");
            CliRun m = run(with(command, "--auth-token-file", missing.toString()));
            assertThat(m.exitCode).as(what + ": " + m.err).isEqualTo(Main.EXIT_USAGE);
            assertThat(m.err).as(what).contains("auth-token-file " + missing + ": no such file");
        }
    }

    @Test
    void aBrokerSaslUsersFileThatCannotBeUsedIsOneLine() throws IOException {
        Path missing = tmp.resolve("users.properties");
        CliRun r = run("broker", "--port", "0", "--sasl-users", missing.toString());
        assertThat(r.exitCode).as(r.err).isEqualTo(Main.EXIT_USAGE);
        assertOneLine(r.err, "broker");
        assertThat(r.err).contains("sasl-users " + missing + ": no such file");
        Path badPassword = Files.writeString(tmp.resolve("bad-users.properties"), "alice=has\\\"quote\n");
        CliRun bad = run("broker", "--port", "0", "--sasl-users", badPassword.toString());
        assertThat(bad.exitCode).as(bad.err).isEqualTo(Main.EXIT_USAGE);
        assertThat(bad.err).contains("password of SASL user alice").doesNotContain("has\"quote");
    }

    private static String[] with(String[] command, String... more) {
        return Stream.concat(Stream.of(command), Stream.of(more)).toArray(String[]::new);
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
            CliRun r = run("demo", "--env", "pricing", "--out", tmp.resolve("pricing").toString(), c[0], c[1]);
            assertThat(r.exitCode).as(c[0] + " " + c[1]).isEqualTo(Main.EXIT_USAGE);
            assertThat(r.err).contains(c[2]).doesNotContain("Exception");
            assertThat(tmp.resolve("pricing")).as("nothing started, nothing written").doesNotExist();
        }
    }

    @Test
    void aBusyMetricsPortIsOneLineNamingTheOptionAndThePort() throws Exception {
        try (ServerSocket taken = bound(0)) {
            int port = taken.getLocalPort();
            for (String[] command : new String[][] {{"join"}, {"learner", "--env", "pendulum"}}) {
                // Metrics start before Kafka is tried, so the unreachable broker is never reached.
                String[] args = Stream.concat(Stream.of(command), Stream.of("--bootstrap-server", "127.0.0.1:1",
                        "--connect-timeout", "1", "--metrics-port", Integer.toString(port))).toArray(String[]::new);
                CliRun r = run(args);
                assertThat(r.exitCode).as(r.err).isEqualTo(Main.EXIT_USAGE);
                assertOneLine(r.err, command[0]);
                assertThat(r.err).contains("streamrl " + command[0] + ": --metrics-port " + port
                        + " is already in use on 127.0.0.1");
            }
        }
    }

    @Test
    void anUnusableCheckpointDirOrCountIsOneLineBeforeKafkaIsTried() throws Exception {
        Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
        CliRun r = run("learner", "--env", "pendulum", "--bootstrap-server", "127.0.0.1:1", "--connect-timeout", "1",
                "--checkpoint-dir", file.toString());
        assertThat(r.exitCode).as(r.err).isEqualTo(Main.EXIT_USAGE);
        assertOneLine(r.err, "learner");
        assertThat(r.err).contains("checkpoint-dir " + file.toAbsolutePath() + " exists and is not a directory");

        for (String[] c : new String[][] {{"--checkpoint-every", "-1", "checkpoint-every must be >= 0"},
                {"--checkpoint-keep", "0", "checkpoint-keep must be in [1, 1000], got 0"}}) {
            CliRun bad = run("learner", "--env", "pendulum", "--bootstrap-server", "127.0.0.1:1", "--connect-timeout",
                    "1", c[0], c[1]);
            assertThat(bad.exitCode).as(bad.err).isEqualTo(Main.EXIT_USAGE);
            assertOneLine(bad.err, c[0]);
            assertThat(bad.err).contains(c[2]);
        }
    }

    @Test
    void offlineOptionsAreOneLineBeforeKafkaIsTried() {
        String[][] cases = {
            {"--offline", "--offline needs --updates N"},
            {"--updates", "100", "--updates applies to --offline runs only"},
            {"--offline", "--updates", "0", "updates must be in [1, 1000000000000], got 0"},
            {"--offline", "--updates", "10", "--from", "latest", "start-position must be earliest offline"},
            {"--offline", "--updates", "10", "--algo", "sac", "unknown algorithm 'sac', valid: ddpg, td3, td3+bc"},
            {"--normalize-observations", "true", "--normalize-observations applies to --offline runs only"},
        };
        for (String[] c : cases) {
            List<String> args = new ArrayList<>(List.of("learner", "--env", "pendulum", "--bootstrap-server",
                    "127.0.0.1:1", "--connect-timeout", "1"));
            args.addAll(Arrays.asList(c).subList(0, c.length - 1));
            CliRun r = run(args.toArray(String[]::new));
            assertThat(r.exitCode).as("%s: %s", args, r.err).isEqualTo(Main.EXIT_USAGE);
            assertOneLine(r.err, "learner");
            assertThat(r.err).contains(c[c.length - 1]);
        }
        CliRun help = run("learner", "--help");
        assertThat(help.out).contains("--offline", "--updates", "td3+bc", "--normalize-observations");
    }

    @Test
    void aPrivilegedMetricsPortSaysItIsNotPermitted() throws Exception {
        // Only where binding below 1024 is refused: not as root, nor where unprivileged_port_start is lowered.
        try (ServerSocket probe = bound(1)) {
            Assumptions.abort("port 1 can be bound here (root or CAP_NET_BIND_SERVICE); nothing to refuse");
        } catch (BindException expected) {
            Assumptions.assumeTrue(String.valueOf(expected.getMessage()).contains("Permission denied"), "port 1 is "
                    + expected.getMessage());
        }
        CliRun r = run("join", "--bootstrap-server", "127.0.0.1:1", "--connect-timeout", "1", "--metrics-port", "1");
        assertThat(r.exitCode).as(r.err).isEqualTo(Main.EXIT_USAGE);
        assertOneLine(r.err, "join");
        assertThat(r.err).contains("--metrics-port 1 is not permitted on 127.0.0.1");
    }

    @Test
    void aBusyBrokerPortIsOneLine() throws Exception {
        try (ServerSocket taken = bound(0)) {
            int port = taken.getLocalPort();
            CliRun r = run("broker", "--port", Integer.toString(port));
            assertThat(r.exitCode).as(r.err).isEqualTo(Main.EXIT_USAGE);
            assertOneLine(r.err, "broker");
            assertThat(r.err).contains("port " + port + " on 127.0.0.1 is already in use");
        }
    }

    @Test
    void aBusyServePortIsOneLineAfterKafkaWasReached(SharedKafka kafka) throws Exception {
        try (ServerSocket taken = bound(0)) {
            int port = taken.getLocalPort();
            CliRun r = run("serve", "--env", "pricing", "--bootstrap-server", kafka.bootstrapServers(), "--namespace",
                    kafka.freshNamespace("busy-port"), "--port", Integer.toString(port));
            assertThat(r.exitCode).as(r.err).isEqualTo(Main.EXIT_USAGE);
            assertOneLine(r.err, "serve");
            assertThat(r.err).contains("streamrl serve: --port " + port + " is already in use on 127.0.0.1");
        }
    }

    @Test
    void anOutputFolderThatCannotBeCreatedIsOneLineWithItsOwnExitCode() throws Exception {
        Path blocker = Files.writeString(tmp.resolve("blocker"), "a file where a folder should be");
        Path out = blocker.resolve("run");
        CliRun r = train(out);
        assertThat(r.exitCode).as(r.err).isEqualTo(Main.EXIT_CANT_CREATE);
        assertOneLine(r.err, "train");
        assertThat(r.err).contains("streamrl train: cannot write " + out + ": Not a directory");
    }

    @Test
    void aReadOnlyOutputFolderIsOneLineAndLeavesNoFiles() throws Exception {
        Path out = Files.createDirectory(tmp.resolve("read-only"));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            Assumptions.assumeFalse(Files.isWritable(out), "permissions are not enforced for this user (root)");
            CliRun r = train(out);
            assertThat(r.exitCode).as(r.err).isEqualTo(Main.EXIT_CANT_CREATE);
            assertOneLine(r.err, "train");
            assertThat(r.err).contains("cannot write " + out.resolve("curve.csv") + ": permission denied");
            try (Stream<Path> files = Files.list(out)) {
                assertThat(files).isEmpty();
            }
        } finally {
            Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void aSummaryThatCannotBeWrittenAtTheEndIsOneLineAndLeavesNoPartialFiles() throws Exception {
        Path out = tmp.resolve("run");
        // A non-empty folder where summary.json goes: the final rename fails, as on a full disk.
        Files.createDirectories(out.resolve(RunOutput.SUMMARY).resolve("in-the-way"));
        CliRun r = train(out);
        assertThat(r.exitCode).as(r.err).isEqualTo(Main.EXIT_CANT_CREATE);
        assertOneLine(r.err, "train");
        assertThat(r.err).contains("streamrl train: cannot write " + out.resolve(RunOutput.SUMMARY) + ": ");
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .as("the curve so far, no temporary file, no plot").containsExactlyInAnyOrder("curve.csv",
                            RunOutput.SUMMARY);
        }
        assertThat(Files.readAllLines(out.resolve(RunOutput.CURVE))).hasSize(3);
    }

    @Test
    void aBugStillPrintsItsStackTrace() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine().addSubcommand(new Failing());
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute("failing");
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).startsWith("java.io.UncheckedIOException: java.io.IOException: not an output file")
                .contains("\tat io.streamrl.app.CommandLineTest$Failing.call");
    }

    /** A command with a bug: an UncheckedIOException that is not about the run's output. */
    @Command(name = "failing")
    static final class Failing implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new UncheckedIOException(new IOException("not an output file"));
        }
    }

    private CliRun train(Path out) {
        return run("train", "--env", "pendulum", "--steps", "400", "--eval-every", "200", "--eval-episodes", "1",
                "--set", "learning-starts=100", "--set", "batch-size=8", "--out", out.toString());
    }

    private static ServerSocket bound(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        try {
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    @Test
    void trainWritesTheCurveAndTheSummary() throws Exception {
        Path out = tmp.resolve("run");
        CliRun r = run("train", "--env", "pendulum", "--seed", "3", "--steps", "1200", "--eval-every", "600",
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
        PolicySnapshot policy = PolicySnapshot.fromBytes(Files.readAllBytes(out.resolve(RunOutput.POLICY)));
        assertThat(policy.name()).isEqualTo("Pendulum-v1");
        assertThat(policy.version()).isEqualTo(summary.get("updates").asLong());
        assertThat(r.out).contains("steps 1,200/1,200");
    }

    @Test
    void trainA2cWritesTheSameFilesWithTheSameKeysAsDdpg() throws Exception {
        Path a2c = tmp.resolve("a2c");
        CliRun r = run("train", "--env", "cartpole", "--algo", "a2c", "--seed", "2", "--steps", "800", "--eval-every",
                "400", "--eval-episodes", "2", "--set", "n-steps=10", "--out", a2c.toString());
        assertThat(r.exitCode).as(r.err).isZero();
        Path ddpg = tmp.resolve("ddpg");
        assertThat(train(ddpg).exitCode).isZero();
        List<String> curve = Files.readAllLines(a2c.resolve("curve.csv"));
        assertThat(curve.get(0)).isEqualTo(Files.readAllLines(ddpg.resolve("curve.csv")).get(0));
        assertThat(curve).hasSize(3);
        assertThat(curve.get(1)).startsWith("400,");
        ObjectMapper json = new ObjectMapper();
        JsonNode summary = json.readTree(a2c.resolve("summary.json").toFile());
        List<String> keys = new java.util.ArrayList<>();
        summary.fieldNames().forEachRemaining(keys::add);
        List<String> ddpgKeys = new java.util.ArrayList<>();
        json.readTree(ddpg.resolve("summary.json").toFile()).fieldNames().forEachRemaining(ddpgKeys::add);
        assertThat(keys).isEqualTo(ddpgKeys);
        assertThat(summary.get("env").asText()).isEqualTo("CartPole-v1");
        assertThat(summary.get("algo").asText()).isEqualTo("a2c");
        assertThat(summary.get("backend").asText()).isEqualTo("scalar");
        assertThat(summary.get("updates").asLong()).isEqualTo(10);
        assertThat(summary.get("hyperparameters").get("n-steps").asInt()).isEqualTo(10);
        assertThat(summary.get("hyperparameters").get("num-envs").asInt()).isEqualTo(8);
        assertThat(Files.size(a2c.resolve("curve.png"))).isPositive();

        CliRun bad = run("train", "--env", "cartpole", "--algo", "a2c", "--set", "n-steps=0", "--out", tmp.toString());
        assertThat(bad.exitCode).isEqualTo(Main.EXIT_USAGE);
        assertThat(bad.err).contains("n-steps must be in [1, 100000], got 0");
        CliRun unknown = run("train", "--env", "cartpole", "--algo", "ppo", "--out", tmp.toString());
        assertThat(unknown.err).contains("unknown algorithm 'ppo', valid: ddpg, td3, td3+bc, a2c");
    }

    /** The replay-buffer learner's and the noisy actor's options are refused by name with --algo a2c, before Kafka. */
    @Test
    void a2cLearnerAndActorRefuseOptionsThatAreNotTheirs() {
        CliRun checkpoints = run("learner", "--env", "cartpole", "--algo", "a2c", "--checkpoint-every", "100");
        assertThat(checkpoints.exitCode).isEqualTo(Main.EXIT_USAGE);
        assertThat(checkpoints.err).contains("--checkpoint-every does not apply to --algo a2c")
                .contains("no checkpoints");
        CliRun noise = run("actor", "--env", "cartpole", "--algo", "a2c", "--noise-sigma", "0.2");
        assertThat(noise.exitCode).isEqualTo(Main.EXIT_USAGE);
        assertThat(noise.err).contains("--noise-sigma does not apply to --algo a2c");
        CliRun staleness = run("learner", "--env", "cartpole", "--algo", "a2c", "--staleness", "ignore");
        assertThat(staleness.exitCode).isEqualTo(Main.EXIT_USAGE);
        assertThat(staleness.err).contains("staleness must be one of discard, vtrace, got 'ignore'");
        CliRun algo = run("actor", "--env", "pendulum", "--algo", "ppo");
        assertThat(algo.exitCode).isEqualTo(Main.EXIT_USAGE);
        assertThat(algo.err).contains("unknown algorithm 'ppo', valid: ddpg, td3, td3+bc, a2c");
    }

    @Test
    void benchUpdatesPrintsOneJsonObjectPerConfiguration() throws Exception {
        CliRun r = run("bench", "updates", "--hidden", "8,16", "--batch", "4", "--backend", "vector", "--seconds", "0.05",
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
        CliRun r = run("bench", "peak", "--seconds", "0.1");
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


}
