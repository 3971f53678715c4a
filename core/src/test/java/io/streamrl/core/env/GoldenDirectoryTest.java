package io.streamrl.core.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where {@link GoldenEnvTest} reads its vectors, and that a wrong vector makes it fail. */
class GoldenDirectoryTest {

    private static final String PENDULUM = "pendulum-v1.json";

    @Test
    void withoutThePropertyTheRepositoryCopyIsRead() throws Exception {
        Path dir = withGoldenDir(null, GoldenDirectory::resolve);

        assertThat(dir).isEqualTo(GoldenDirectory.bundled());
        assertThat(dir.getFileName()).hasToString("golden");
        assertThat(dir.resolve("cartpole-v1.json")).isRegularFile();
        assertThat(dir.resolve("mountaincar-continuous-v0.json")).isRegularFile();
        assertThat(dir.resolve(PENDULUM)).isRegularFile();
    }

    @Test
    void thePropertyRedirectsTheChecksToAnotherDirectory(@TempDir Path other) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = (ObjectNode) mapper.readTree(GoldenDirectory.bundled().resolve(PENDULUM).toFile());
        ObjectNode firstCase = (ObjectNode) root.get("cases").get(0);
        ObjectNode firstStep = (ObjectNode) firstCase.get("steps").get(0);
        firstStep.put("reward", firstStep.get("reward").asDouble() + 1e-3);
        mapper.writeValue(other.resolve(PENDULUM).toFile(), root);

        Path dir = withGoldenDir(other.toString(), GoldenDirectory::resolve);
        Map<String, Throwable> outcomes = run(GoldenEnvTest.checks(dir));

        assertThat(dir).isEqualTo(other.toAbsolutePath().normalize());
        // The header test and one test per case ran, all on the modified file; only the changed case fails.
        assertThat(outcomes).hasSize(1 + root.get("cases").size());
        String changed = firstCase.get("name").asText();
        assertThat(outcomes.entrySet().stream().filter(e -> e.getValue() != null).map(Map.Entry::getKey))
                .singleElement().asString().startsWith(PENDULUM + "/" + changed + " (");
        assertThat(outcomes.values().stream().filter(t -> t != null).findFirst().orElseThrow())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("rollout step 1 reward");
    }

    @Test
    void aMissingDirectoryFailsNamingThePropertyAndThePath(@TempDir Path parent) {
        Path missing = parent.resolve("no-such-golden");

        assertThatThrownBy(() -> withGoldenDir(missing.toString(), GoldenDirectory::resolve))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(GoldenDirectory.DIR_PROPERTY)
                .hasMessageContaining(missing.toAbsolutePath().normalize().toString())
                .hasMessageContaining("does not exist");
    }

    @Test
    void anEmptyDirectoryFailsRatherThanCheckingNothing(@TempDir Path empty) throws IOException {
        Files.writeString(empty.resolve("notes.txt"), "not a golden file");

        assertThatThrownBy(() -> GoldenEnvTest.checks(empty).count())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("golden *.json files in " + empty);
    }

    /** Runs {@code action} with the property set to {@code value} (cleared for null), then restores it. */
    private static <T> T withGoldenDir(String value, Callable<T> action) throws Exception {
        String before = System.getProperty(GoldenDirectory.DIR_PROPERTY);
        try {
            if (value == null) {
                System.clearProperty(GoldenDirectory.DIR_PROPERTY);
            } else {
                System.setProperty(GoldenDirectory.DIR_PROPERTY, value);
            }
            return action.call();
        } finally {
            if (before == null) {
                System.clearProperty(GoldenDirectory.DIR_PROPERTY);
            } else {
                System.setProperty(GoldenDirectory.DIR_PROPERTY, before);
            }
        }
    }

    /** Executes every dynamic test; the outcome is null for a pass, else what it threw. */
    private static Map<String, Throwable> run(Stream<DynamicNode> nodes) {
        Map<String, Throwable> outcomes = new LinkedHashMap<>();
        nodes.forEach(node -> run("", node, outcomes));
        return outcomes;
    }

    private static void run(String prefix, DynamicNode node, Map<String, Throwable> outcomes) {
        String name = prefix + node.getDisplayName();
        if (node instanceof DynamicContainer container) {
            container.getChildren().forEach(child -> run(name + "/", child, outcomes));
        } else {
            Throwable failure = null;
            try {
                ((DynamicTest) node).getExecutable().execute();
            } catch (Throwable t) {
                failure = t;
            }
            outcomes.put(name, failure);
        }
    }
}
