package io.streamrl.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrl.kafka.KafkaClientConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ActorsBenchmarkTest {

    @Test
    void eachProcessTakesItsStepsAndTheRatesAddUp() throws InterruptedException {
        ActorLauncher launcher = ActorLauncher.java(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                List.of("--add-modules", "jdk.incubator.vector"), System.getProperty("java.class.path"),
                ActorProcessMain.class.getName());
        List<ActorsBenchmark.Measurement> results = new ActorsBenchmark(Clock.systemUTC(), launcher)
                .run(new ActorsBenchmark.Settings(List.of(1, 2), 400, 16, Duration.ofMinutes(3), null,
                        KafkaClientConfig.none()));

        assertThat(results).hasSize(2);
        assertThat(results.get(0).actors()).hasSize(1);
        assertThat(results.get(1).actors()).extracting(ActorsBenchmark.ActorRun::actorId)
                .containsExactly("bench-actor-1", "bench-actor-2");
        for (ActorsBenchmark.Measurement m : results) {
            assertThat(m.totalSteps()).isEqualTo(400L * m.actors().size());
            for (ActorsBenchmark.ActorRun a : m.actors()) {
                assertThat(a.steps()).isEqualTo(400);
                assertThat(a.lastMillis()).isGreaterThanOrEqualTo(a.firstMillis());
            }
            // Every actor's span lies inside the measurement's span, and they overlap no longer than it.
            assertThat(m.allRunningSeconds()).isBetween(0.0, m.spanSeconds());
            assertThat(m.line()).containsEntry("actors", m.actors().size()).containsEntry("total_steps",
                    400L * m.actors().size());
        }
    }

    @Test
    void theLauncherWritesTheActorCommandLine() {
        var kafka = io.streamrl.kafka.KafkaSettings.of("127.0.0.1:9092", "ns");
        List<String> command = ActorLauncher.java("java", List.of("-Xmx1g"), "app.jar", "io.streamrl.app.Main")
                .command("a-1", 7, 1000, kafka);
        assertThat(command).containsExactly("java", "-Xmx1g", "-cp", "app.jar", "io.streamrl.app.Main", "actor",
                "--env", "pendulum", "--id", "a-1", "--seed", "7", "--max-steps", "1000", "--bootstrap-server",
                "127.0.0.1:9092", "--namespace", "ns");
    }

    @Test
    void theActorProcessesGetTheKafkaConfigFileNotItsSecrets(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n"
                + "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " username=\"u\" password=\"launcher-secret\";\n");
        var kafka = io.streamrl.kafka.KafkaSettings.of("127.0.0.1:9092", "ns")
                .withClientConfig(KafkaClientConfig.load(file));
        List<String> command = ActorLauncher.java("java", List.of(), "app.jar", "io.streamrl.app.Main")
                .command("a-1", 7, 1000, kafka);
        assertThat(command).endsWith("--kafka-config", file.toAbsolutePath().toString());
        assertThat(String.join(" ", command)).doesNotContain("launcher-secret");
    }
}
