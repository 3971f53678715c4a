package io.streamrl.bench;

import io.streamrl.kafka.KafkaSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line that starts one simulation actor process. */
@FunctionalInterface
public interface ActorLauncher {

    /**
     * @param actorId the actor's id (and the key of its transitions)
     * @param seed seed of its environment and noise
     * @param steps environment steps it takes before it exits
     * @param kafka where it publishes (bootstrap servers and namespace)
     */
    List<String> command(String actorId, long seed, long steps, KafkaSettings kafka);

    /**
     * {@code JAVA [jvmOptions] -cp CLASSPATH MAIN actor --env pendulum --id ID --seed S --max-steps N
     * --bootstrap-server B --namespace NS [--kafka-config FILE]}: the {@code streamrl actor} command
     * as users run it. The child reads the same file, so its secrets never go on a command line.
     */
    static ActorLauncher java(String java, List<String> jvmOptions, String classPath, String mainClass) {
        List<String> prefix = new ArrayList<>();
        prefix.add(java);
        prefix.addAll(jvmOptions);
        prefix.add("-cp");
        prefix.add(classPath);
        prefix.add(mainClass);
        List<String> fixed = List.copyOf(prefix);
        return (actorId, seed, steps, kafka) -> {
            List<String> command = new ArrayList<>(fixed);
            command.addAll(List.of("actor", "--env", PendulumRecords.ENV, "--id", actorId,
                    "--seed", Long.toString(seed), "--max-steps", Long.toString(steps),
                    "--bootstrap-server", kafka.bootstrapServers(), "--namespace", kafka.topics().namespace()));
            if (!kafka.clientConfig().isEmpty()) {
                Path file = kafka.clientConfig().source().orElseThrow(() -> new IllegalArgumentException(
                        "actor processes read client properties from a --kafka-config file; these have none"));
                command.addAll(List.of("--kafka-config", file.toAbsolutePath().toString()));
            }
            return command;
        };
    }
}
