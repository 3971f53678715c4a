package io.streamrl.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamrl.core.agent.Ddpg;
import io.streamrl.core.agent.DdpgConfig;
import io.streamrl.core.compute.ComputeBackend;
import io.streamrl.core.compute.ComputeBackends;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {

    private static final DdpgConfig CONFIG = DdpgConfig.ddpg().with(Map.of("actor-hidden", "8,8", "critic-hidden",
            "8,8"));

    @TempDir
    Path dir;

    private final ComputeBackend backend = ComputeBackends.create(ComputeBackends.VECTOR);
    private final LearnerMetrics metrics = new LearnerMetrics(new SimpleMeterRegistry(), "p", 100);

    @AfterEach
    void tearDown() {
        backend.close();
    }

    @Test
    void storesAndLoadsTheNewestWithItsMetadataAndKeepsTheLastK() throws IOException {
        CheckpointStore store = store(2);
        Ddpg agent = agent(1);
        for (long updates : new long[] {100, 200, 300}) {
            store.write(metadata(agent, updates), agent.checkpoint(null));
        }
        assertThat(names()).containsExactly("checkpoint-000000000200.bin", "checkpoint-000000000300.bin");

        Ddpg other = agent(2);
        Ddpg.Checkpoint into = other.checkpoint(null);
        CheckpointMetadata loaded = store.loadNewest(identity(agent), into).orElseThrow();

        assertThat(loaded).isEqualTo(metadata(agent, 300));
        other.resume(into, loaded.updates());
        assertThat(other.actor().parametersToArray()).isEqualTo(agent.actor().parametersToArray());
        assertThat(other.critic().parametersToArray()).isEqualTo(agent.critic().parametersToArray());
    }

    @Test
    void aCorruptNewestIsSkippedRenamedAsideAndCountedAndTheNextOlderLoads() throws IOException {
        CheckpointStore store = store(3);
        Ddpg agent = agent(1);
        store.write(metadata(agent, 100), agent.checkpoint(null));
        store.write(metadata(agent, 200), agent.checkpoint(null));
        Path newest = store.write(metadata(agent, 300), agent.checkpoint(null));
        byte[] bytes = Files.readAllBytes(newest);
        bytes[bytes.length / 2] ^= 0x10; // one flipped bit in the weights
        Files.write(newest, bytes);
        Path second = dir.resolve("checkpoint-000000000200.bin");
        Files.write(second, Arrays.copyOf(Files.readAllBytes(second), 40)); // cut short

        CheckpointMetadata loaded = store.loadNewest(identity(agent), agent(3).checkpoint(null)).orElseThrow();

        assertThat(loaded.updates()).isEqualTo(100);
        assertThat(metrics.snapshot().checkpointsSkipped()).isEqualTo(2);
        assertThat(names()).containsExactly("checkpoint-000000000100.bin", "checkpoint-000000000200.bin.corrupt",
                "checkpoint-000000000300.bin.corrupt");
    }

    @Test
    void nothingButGarbageMeansAFreshStart() throws IOException {
        Files.writeString(dir.resolve("checkpoint-000000000005.bin"), "not a checkpoint");
        Files.write(dir.resolve("checkpoint-000000000006.bin"), new byte[0]);
        CheckpointStore store = store(3);

        assertThat(store.loadNewest(identity(agent(1)), agent(1).checkpoint(null))).isEmpty();
        assertThat(metrics.snapshot().checkpointsSkipped()).isEqualTo(2);
    }

    @Test
    void aCheckpointOfAnotherLearnerIsRefusedWithBothDescriptions() throws IOException {
        CheckpointStore store = store(3);
        Ddpg agent = agent(1);
        store.write(metadata(agent, 100), agent.checkpoint(null));
        Ddpg wider = new Ddpg(DdpgConfig.ddpg().with(Map.of("actor-hidden", "16,16", "critic-hidden", "8,8")), 3, 1,
                backend, new SplittableRandom(1));

        assertThatThrownBy(() -> store.loadNewest(identity(wider), wider.checkpoint(null)))
                .isInstanceOf(CheckpointStore.IncompatibleCheckpointException.class)
                .hasMessageContaining("checkpoint-000000000100.bin was written by a learner of Pendulum-v1 (ddpg,"
                        + " actor [3, 8, 8, 1], 1 critic [4, 8, 8, 1]) for policy p in namespace ns, not Pendulum-v1"
                        + " (ddpg, actor [3, 16, 16, 1]")
                .hasMessageContaining("--checkpoint-dir");
        assertThat(names()).containsExactly("checkpoint-000000000100.bin"); // refused, not renamed as corrupt
    }

    @Test
    void openCreatesTheDirectoryRemovesUnfinishedWritesAndRefusesAFile() throws IOException {
        Path nested = dir.resolve("a/b");
        new CheckpointStore(new CheckpointConfig(nested, 10, 3), metrics).open();
        assertThat(nested).isDirectory();

        Files.writeString(nested.resolve(".checkpoint-500.tmp"), "half");
        new CheckpointStore(new CheckpointConfig(nested, 10, 3), metrics).open();
        assertThat(nested).isEmptyDirectory();

        Path file = Files.writeString(dir.resolve("file"), "x");
        assertThatThrownBy(() -> new CheckpointStore(new CheckpointConfig(file, 10, 3), metrics).open())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("checkpoint-dir " + file.toAbsolutePath() + " exists and is not a directory");
    }

    @Test
    void aFailedWriteLeavesNothingBehindAndTheOlderCheckpointsIntact() throws IOException {
        CheckpointStore store = store(3);
        Ddpg agent = agent(1);
        store.write(metadata(agent, 100), agent.checkpoint(null));
        // The final name is taken by a non-empty directory: the rename fails like a full disk would.
        Files.createDirectories(dir.resolve("checkpoint-000000000200.bin/blocker"));

        assertThatThrownBy(() -> store.write(metadata(agent, 200), agent.checkpoint(null)))
                .isInstanceOf(IOException.class);
        assertThat(names()).containsExactly("checkpoint-000000000100.bin", "checkpoint-000000000200.bin");
        assertThat(store.loadNewest(identity(agent), agent(2).checkpoint(null)).orElseThrow().updates())
                .isEqualTo(100);
    }

    private CheckpointStore store(int keep) {
        CheckpointStore store = new CheckpointStore(new CheckpointConfig(dir, 100, keep), metrics);
        store.open();
        return store;
    }

    private Ddpg agent(long seed) {
        return new Ddpg(CONFIG, 3, 1, backend, new SplittableRandom(seed));
    }

    private static CheckpointStore.Identity identity(Ddpg agent) {
        return new CheckpointStore.Identity("Pendulum-v1", "ddpg", agent.layout(), "ns", "p");
    }

    private static CheckpointMetadata metadata(Ddpg agent, long updates) {
        return new CheckpointMetadata("Pendulum-v1", "ddpg", agent.layout(), "ns", "p", updates, updates + 5, 3,
                updates * 2, -150.5, false, updates / 100, 42 + updates, Map.of(0, updates * 10, 3, 7L),
                1_700_000_000_000L + updates);
    }

    private List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
