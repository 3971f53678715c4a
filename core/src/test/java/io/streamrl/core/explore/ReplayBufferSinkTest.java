package io.streamrl.core.explore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamrl.core.env.ActionSpace;
import io.streamrl.core.env.Env;
import io.streamrl.core.env.Envs;
import io.streamrl.core.noise.ExplorationConfig;
import io.streamrl.core.policy.ObservationNormalizer;
import io.streamrl.core.replay.Batch;
import io.streamrl.core.replay.ReplayBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link ReplayBufferSink}: what the buffer holds for each step. A buffer of capacity 1 holds
 * exactly the latest step, which a sample of one row reads back.
 */
class ReplayBufferSinkTest {

    private static float[] normalised(float[] observation, float[] shift, float[] scale) {
        float[] out = new float[observation.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (observation[i] - shift[i]) * scale[i];
        }
        return out;
    }

    /** Steps an explorer writing into a one-row buffer; after each step checks the row against the step. */
    private static int[] runAndCheck(String envName, DeterministicPolicy policy, int warmUp, int steps,
                                     float[] shift, float[] scale) {
        Env env = Envs.make(envName, new SplittableRandom(60));
        int obsDim = env.spec().observationDim();
        ReplayBuffer buffer = new ReplayBuffer(1, obsDim, 1);
        ReplayBufferSink sink = new ReplayBufferSink(buffer, new ObservationNormalizer(shift, scale));
        BehaviourPolicy behaviour = BehaviourPolicy.of(ExplorationConfig.gaussian(0.3), new SplittableRandom(61),
                new SplittableRandom(62), (ActionSpace.Box) env.spec().actionSpace());
        Experience[] last = new Experience[1];
        Explorer explorer = new Explorer(env, behaviour, e -> {
            last[0] = e;
            sink.accept(e);
        });
        double bound = ((ActionSpace.Box) env.spec().actionSpace()).high(0);
        Batch row = new Batch(1, obsDim, 1);
        SplittableRandom sampling = new SplittableRandom(63);
        int terminalRows = 0;
        int truncatedRows = 0;
        for (int t = 0; t < steps; t++) {
            explorer.step(t < warmUp ? null : policy, 4);
            Experience e = last[0];
            assertThat(buffer.totalAdded()).isEqualTo(t + 1);
            buffer.sample(row, sampling);
            assertThat(row.observations()).as("normalised observation of step %d", t)
                    .containsExactly(normalised(e.observation(), shift, scale));
            assertThat(row.nextObservations()).as("normalised next observation of step %d", t)
                    .containsExactly(normalised(e.nextObservation(), shift, scale));
            // the normalised action: the environment's action over the (symmetric) bound
            assertThat(row.actions()[0]).as("action of step %d", t)
                    .isEqualTo(e.action().normalized()[0])
                    .isCloseTo((float) (e.action().environment()[0] / bound), within(1e-6f));
            assertThat(row.rewards()[0]).isEqualTo((float) e.reward());
            // only a terminal state is stored as terminal: a time-limit truncation bootstraps
            assertThat(row.terminated()[0]).as("terminal flag of step %d", t).isEqualTo(e.terminated() ? 1f : 0f);
            terminalRows += e.terminated() ? 1 : 0;
            truncatedRows += e.truncated() ? 1 : 0;
        }
        return new int[] {terminalRows, truncatedRows};
    }

    @Test
    void storesNormalisedObservationsAndTheNormalisedActionOfEveryStep() {
        DeterministicPolicy policy = o -> new float[] {(float) Math.tanh(-0.5 * o[2])};
        int[] ends = runAndCheck("pendulum", policy, 100, 450, new float[] {0.5f, -0.25f, 1f},
                new float[] {2f, 4f, 0.125f});
        assertThat(ends[1]).as("two truncations, stored as non-terminal").isEqualTo(2);
        assertThat(ends[0]).isZero();
    }

    @Test
    void aTerminalStepIsStoredAsTerminal() {
        // MountainCarContinuous (torque bound 1) reaches the flag when pushed along its velocity
        DeterministicPolicy pump = o -> new float[] {o[1] >= 0 ? 1f : -1f};
        int[] ends = runAndCheck("mountaincar", pump, 0, 600, new float[] {-0.3f, 0f},
                new float[] {1.5f, 10f});
        assertThat(ends[0]).as("at least one episode ended at the flag").isPositive();
    }
}
