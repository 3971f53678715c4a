package io.streamrl.core.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrl.core.compute.ComputeBackend;
import io.streamrl.core.compute.ComputeBackends;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A checkpoint written to bytes and resumed by a new agent (a restarted learner) continues bit for bit. */
class DdpgCheckpointTest {

    private static final int OBS = 3;
    private static final int ACT = 1;

    private final ComputeBackend backend = ComputeBackends.create(ComputeBackends.VECTOR);

    @AfterEach
    void tearDown() {
        backend.close();
    }

    @Test
    void aResumedTd3AgentTakesTheSameUpdatesAsTheOneThatWroteTheCheckpoint() throws IOException {
        // TD3: twin critics, target noise (random draws in every update) and a policy delay of 2,
        // so that the update count, the generator and every optimizer must all come back.
        DdpgConfig config = DdpgConfig.td3().with(Map.of("batch-size", "16", "actor-hidden", "8,8",
                "critic-hidden", "8,8"));
        Ddpg original = new Ddpg(config, OBS, ACT, backend, new SplittableRandom(1));
        for (int i = 0; i < 7; i++) { // odd: the next update is one without an actor step
            original.update(DdpgTest.randomBatch(16, i));
        }
        original.reseed(new SplittableRandom(99));
        byte[] stored = write(original.checkpoint(null));

        Ddpg restarted = new Ddpg(config, OBS, ACT, backend, new SplittableRandom(12345));
        Ddpg.Checkpoint read = restarted.checkpoint(null);
        read.readFrom(new DataInputStream(new ByteArrayInputStream(stored)));
        restarted.resume(read, original.updates());
        restarted.reseed(new SplittableRandom(99));

        assertThat(restarted.updates()).isEqualTo(7);
        assertThat(restarted.layout()).isEqualTo(original.layout()).isEqualTo("actor [3, 8, 8, 1], 2 critics [4, 8, 8, 1]");
        for (int i = 0; i < 6; i++) {
            UpdateStats a = original.update(DdpgTest.randomBatch(16, 100 + i));
            UpdateStats b = restarted.update(DdpgTest.randomBatch(16, 100 + i));
            assertThat(b).as("update %d", i).isEqualTo(a);
        }
        assertThat(restarted.actor().parametersToArray()).isEqualTo(original.actor().parametersToArray());
        assertThat(write(restarted.checkpoint(null))).isEqualTo(write(original.checkpoint(null)));
    }

    @Test
    void withoutTheSameSeedTheContinuationDiffers() throws IOException {
        // The check above can fail: a resumed agent that keeps its own generator draws other noise.
        DdpgConfig config = DdpgConfig.td3().with(Map.of("batch-size", "16"));
        Ddpg original = new Ddpg(config, OBS, ACT, backend, new SplittableRandom(1));
        original.update(DdpgTest.randomBatch(16, 0));
        byte[] stored = write(original.checkpoint(null));
        Ddpg restarted = new Ddpg(config, OBS, ACT, backend, new SplittableRandom(2));
        Ddpg.Checkpoint read = restarted.checkpoint(null);
        read.readFrom(new DataInputStream(new ByteArrayInputStream(stored)));
        restarted.resume(read, original.updates());

        assertThat(restarted.update(DdpgTest.randomBatch(16, 1))).isNotEqualTo(original.update(DdpgTest.randomBatch(16, 1)));
    }

    @Test
    void stateOfOtherNetworksOrCutShortIsRefused() throws IOException {
        Ddpg small = new Ddpg(DdpgConfig.ddpg().with(Map.of("actor-hidden", "8,8")), OBS, ACT, backend,
                new SplittableRandom(1));
        Ddpg large = new Ddpg(DdpgConfig.ddpg().with(Map.of("actor-hidden", "16,16")), OBS, ACT, backend,
                new SplittableRandom(1));
        byte[] stored = write(small.checkpoint(null));

        assertThatThrownBy(() -> large.checkpoint(null).readFrom(new DataInputStream(new ByteArrayInputStream(stored))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("length of state array 0: the stored state has 24, this agent 48");
        byte[] cut = Arrays.copyOf(stored, stored.length - 3);
        assertThatThrownBy(() -> small.checkpoint(null).readFrom(new DataInputStream(new ByteArrayInputStream(cut))))
                .isInstanceOf(EOFException.class);
    }

    private static byte[] write(Ddpg.Checkpoint checkpoint) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        checkpoint.writeTo(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }
}
