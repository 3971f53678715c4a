package io.streamrl.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static io.streamrl.app.CliRun.run;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.read.ListAppender;
import io.streamrl.broker.EmbeddedBrokerConfig;
import io.streamrl.broker.EmbeddedKafkaBroker;
import io.streamrl.core.agent.DdpgConfig;
import io.streamrl.core.train.TrainListener;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.learner.LearnerConfig;
import io.streamrl.learner.LearnerResult;
import io.streamrl.learner.LearnerService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * A learner and an actor that reach Kafka only through SASL: the broker's one client listener
 * requires SASL/PLAIN, and both take their credentials from a {@code --kafka-config} file. The
 * actor runs as the command line runs it ({@code streamrl actor ...} in this JVM); the learner is
 * the service with the settings its command line builds from the same options. Policies are
 * published and reach the actor, the actor's transitions reach the learner; wrong credentials
 * end an actor at once with exit 2 and one line naming the file; and no log line (streamrl's,
 * the Kafka clients' or the broker's, all captured at INFO) nor any output holds the password.
 */
class SaslClusterIT {

    private static final String USER = "streamrl";
    private static final String PASSWORD = "it-sasl-pw-5e1d0c7a";
    private static final String WRONG_PASSWORD = "it-wrong-pw-93b4f2";
    private static final long ACTOR_STEPS = 1_500;

    @TempDir
    Path dir;

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Map<String, Level> savedLevels = new LinkedHashMap<>();
    private EmbeddedKafkaBroker broker;

    @BeforeEach
    void startBrokerAndCaptureEveryLog() {
        // Kafka's clients dump their configuration at INFO (logback-test.xml keeps Kafka at WARN),
        // and the SASL code logs at DEBUG: both are where a password would leak.
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Map<String, Level> levels = Map.of("kafka", Level.INFO, "org.apache.kafka", Level.INFO,
                "state.change.logger", Level.INFO, "org.apache.kafka.common.security", Level.DEBUG,
                "io.streamrl", Level.DEBUG);
        levels.forEach((name, level) -> {
            Logger logger = context.getLogger(name);
            savedLevels.put(name, logger.getLevel());
            logger.setLevel(level);
        });
        log.setContext(context);
        log.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(log);
        broker = new EmbeddedKafkaBroker(EmbeddedBrokerConfig.defaults()
                .withSaslPlainUsers(Map.of(USER, PASSWORD))).start();
    }

    @AfterEach
    void stopBrokerAndRestoreLogging() {
        if (broker != null) {
            broker.close();
        }
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(log);
        savedLevels.forEach((name, level) -> context.getLogger(name).setLevel(level));
    }

    @Test
    void aLearnerAndAnActorWorkThroughSaslAndNoPasswordIsEverLogged() throws Exception {
        Path config = kafkaConfig("client.properties", PASSWORD);
        String ns = "sasl-it";
        String[] kafkaArgs = {"--bootstrap-server", broker.bootstrapServers(), "--kafka-config", config.toString(),
            "--namespace", ns, "--connect-timeout", "20"};

        KafkaSettings settings = learnerSettingsFromTheCommandLine(kafkaArgs);
        assertThat(settings.clientConfig().properties()).containsKey("sasl.jaas.config");
        DdpgConfig agent = DdpgConfig.ddpg().with(Map.of("learning-starts", "200", "batch-size", "32",
                "actor-hidden", "16,16", "critic-hidden", "16,16"));
        LearnerConfig learnerConfig = LearnerConfig.builder("pendulum").algorithm(agent).seed(3).publishEvery(50)
                .build();
        CliRun actor;
        LearnerResult learned;
        try (LearnerService learner = new LearnerService(settings, learnerConfig, Clock.systemUTC(),
                TrainListener.NONE)) {
            CompletableFuture<LearnerResult> learning = CompletableFuture.supplyAsync(learner::run);

            actor = run(concat(new String[] {"actor", "--env", "pendulum", "--id", "sasl-actor", "--seed", "5",
                "--max-steps", Long.toString(ACTOR_STEPS), "--warmup-steps", "300", "--max-policy-lag", "200",
                "--policy-wait-ms", "3000"}, kafkaArgs));

            assertThat(actor.exitCode).as(actor.toString()).isZero();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> learner.stats().transitionsReceived() >= ACTOR_STEPS);
            learner.close();
            learned = learning.get(30, TimeUnit.SECONDS);
        }

        assertThat(learned.outcome()).as(learned.reason()).isEqualTo(LearnerResult.Outcome.STOPPED);
        assertThat(learned.stats().transitionsReceived()).isEqualTo(ACTOR_STEPS);
        assertThat(learned.stats().transitionsRejected()).isZero();
        assertThat(learned.stats().policiesPublished()).isPositive();
        Matcher version = Pattern.compile("last policy version (\\d+)").matcher(actor.out);
        assertThat(version.find()).as(actor.out).isTrue();
        assertThat(Long.parseLong(version.group(1))).as("the actor acted with a policy the learner published")
                .isPositive();

        // Wrong credentials: one line naming the file, exit 2, at once rather than after retrying.
        Path wrong = kafkaConfig("wrong.properties", WRONG_PASSWORD);
        long start = System.nanoTime();
        CliRun refused = run(concat(new String[] {"actor", "--env", "pendulum", "--max-steps", "10"},
                new String[] {"--bootstrap-server", broker.bootstrapServers(), "--kafka-config", wrong.toString(),
                    "--namespace", ns, "--connect-timeout", "60"}));
        assertThat(refused.exitCode).as(refused.toString()).isEqualTo(Main.EXIT_USAGE);
        assertThat(refused.err.strip().lines()).as(refused.err).hasSize(1);
        assertThat(refused.err).contains("refused to authenticate this client")
                .contains("--kafka-config " + wrong).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));

        List<String> lines = logLines();
        for (String secret : List.of(PASSWORD, WRONG_PASSWORD)) {
            assertThat(lines).as("log lines holding " + secret).noneMatch(l -> l.contains(secret));
            assertThat(actor.out + actor.err + refused.out + refused.err).doesNotContain(secret);
        }
        assertThat(lines).as("no JAAS line in the log, the broker's own included")
                .noneMatch(l -> l.contains("password=\""));
        assertThat(lines).as("streamrl says which settings it uses, secrets hidden")
                .anyMatch(l -> l.contains("Kafka client settings from --kafka-config " + config)
                        && l.contains("security.protocol=SASL_PLAINTEXT") && l.contains("sasl.jaas.config=[hidden]"));
        assertThat(lines).as("the Kafka clients' configuration dumps were captured, so the check covers them")
                .anyMatch(l -> l.contains("sasl.jaas.config = [hidden]"));
        assertThat(lines).as("the refused authentication was logged by the Kafka client")
                .anyMatch(l -> l.contains("Authentication failed"));
    }

    /** The learner's Kafka settings as {@code streamrl learner} builds them from these options. */
    private static KafkaSettings learnerSettingsFromTheCommandLine(String[] kafkaArgs) {
        CommandLine.ParseResult parsed = Main.commandLine()
                .parseArgs(concat(new String[] {"learner", "--env", "pendulum"}, kafkaArgs));
        LearnerCommand learner = (LearnerCommand) parsed.subcommand().commandSpec().userObject();
        return learner.kafka.settings();
    }

    /** Every captured event as text: the message, and each exception's class, message and frames. */
    private List<String> logLines() {
        List<String> lines = new ArrayList<>();
        for (ILoggingEvent event : List.copyOf(log.list)) {
            lines.add(event.getLoggerName() + " " + event.getFormattedMessage());
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                lines.add(t.getClassName() + ": " + t.getMessage());
                for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
                    lines.add(frame.getSTEAsString());
                }
            }
            if (event.getMDCPropertyMap() != null) {
                lines.add(event.getMDCPropertyMap().toString());
            }
        }
        return lines;
    }

    private Path kafkaConfig(String name, String password) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, "# written by SaslClusterIT\n"
                + EmbeddedKafkaBroker.saslPlainClientProperties(USER, password).entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n"))
                + "\nrequest.timeout.ms=20000\n");
        return file;
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }


}
