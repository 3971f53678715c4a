package io.streamrl.core.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrl.core.policy.ObservationNormalizer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReplayBufferTest {

    private static final int OBS = 3;
    private static final int ACT = 2;

    @Test
    void sizeAndFillGrowUntilTheCapacityThenTheOldestIsOverwritten() {
        ReplayBuffer buffer = new ReplayBuffer(4, OBS, ACT);
        for (int i = 0; i < 6; i++) {
            buffer.add(row(i, OBS), row(i, ACT), i, row(i + 100, OBS), i % 2 == 0);
            assertThat(buffer.size()).isEqualTo(Math.min(i + 1, 4));
        }
        assertThat(buffer.fill()).isEqualTo(1.0);
        assertThat(buffer.totalAdded()).isEqualTo(6);
        // Transitions 0 and 1 are gone; every sample is one of 2..5, whole and consistent.
        Batch batch = new Batch(200, OBS, ACT);
        buffer.sample(batch, new SplittableRandom(1));
        boolean[] seen = new boolean[6];
        for (int b = 0; b < batch.size(); b++) {
            int i = (int) batch.rewards()[b];
            seen[i] = true;
            assertThat(slice(batch.observations(), b, OBS)).containsExactly(row(i, OBS));
            assertThat(slice(batch.actions(), b, ACT)).containsExactly(row(i, ACT));
            assertThat(slice(batch.nextObservations(), b, OBS)).containsExactly(row(i + 100, OBS));
            assertThat(batch.terminated()[b]).isEqualTo(i % 2 == 0 ? 1f : 0f);
        }
        assertThat(seen).containsExactly(false, false, true, true, true, true);
    }

    @Test
    void samplingIsUniformAndReproducibleFromTheSeed() {
        ReplayBuffer buffer = new ReplayBuffer(10, OBS, ACT);
        for (int i = 0; i < 10; i++) {
            buffer.add(row(i, OBS), row(i, ACT), i, row(i, OBS), false);
        }
        Batch first = new Batch(20_000, OBS, ACT);
        Batch second = new Batch(20_000, OBS, ACT);
        buffer.sample(first, new SplittableRandom(42));
        buffer.sample(second, new SplittableRandom(42));
        assertThat(second.rewards()).containsExactly(first.rewards());
        int[] counts = new int[10];
        for (float r : first.rewards()) {
            counts[(int) r]++;
        }
        // Binomial(20,000, 0.1): mean 2,000, standard deviation 42.4; allow five of them.
        for (int slot = 0; slot < counts.length; slot++) {
            assertThat(counts[slot]).as("draws of slot %d", slot).isBetween(1_788, 2_212);
        }
    }

    @Test
    void addAllStoresExactlyWhatAddingOneByOneStoresAcrossTheWrap() {
        SplittableRandom data = new SplittableRandom(3);
        for (int count : new int[] {0, 1, 5, 7, 16, 23}) {
            ReplayBuffer oneByOne = new ReplayBuffer(7, OBS, ACT);
            ReplayBuffer whole = new ReplayBuffer(7, OBS, ACT);
            // Start part-way round the ring so that the chunk wraps.
            for (int i = 0; i < 5; i++) {
                float[] o = random(data, OBS);
                oneByOne.add(o, row(i, ACT), i, o, false);
                whole.add(o, row(i, ACT), i, o, false);
            }
            Batch chunk = new Batch(Math.max(count, 1) + 2, OBS, ACT); // rows past `count` must be ignored
            for (int r = 0; r < chunk.size(); r++) {
                float[] o = random(data, OBS);
                float[] a = random(data, ACT);
                float[] n = random(data, OBS);
                float reward = (float) data.nextDouble(-5, 5);
                boolean terminal = data.nextBoolean();
                System.arraycopy(o, 0, chunk.observations(), r * OBS, OBS);
                System.arraycopy(a, 0, chunk.actions(), r * ACT, ACT);
                System.arraycopy(n, 0, chunk.nextObservations(), r * OBS, OBS);
                chunk.rewards()[r] = reward;
                chunk.terminated()[r] = terminal ? 1f : 0f;
                if (r < count) {
                    oneByOne.add(o, a, reward, n, terminal);
                }
            }
            whole.addAll(chunk, count);
            assertThat(whole.size()).as("count %d", count).isEqualTo(oneByOne.size());
            assertThat(whole.totalAdded()).isEqualTo(oneByOne.totalAdded());
            assertSameContents(whole, oneByOne, count);
            // The write position must agree too: the next add lands in the same slot.
            float[] marker = {9f, 9f, 9f};
            whole.add(marker, row(9, ACT), 9, marker, true);
            oneByOne.add(marker, row(9, ACT), 9, marker, true);
            assertSameContents(whole, oneByOne, count);
        }
    }

    @Test
    void addAllRefusesANonFiniteValueNamingRowAndFieldAndLeavesTheBufferUnchanged() {
        ReplayBuffer buffer = new ReplayBuffer(8, OBS, ACT);
        buffer.add(row(1, OBS), row(1, ACT), 1, row(1, OBS), false);
        Batch chunk = new Batch(4, OBS, ACT);
        chunk.nextObservations()[2 * OBS + 1] = Float.NaN;
        assertThatThrownBy(() -> buffer.addAll(chunk, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("next observation of row 2 must be finite, got NaN");
        chunk.nextObservations()[2 * OBS + 1] = 0f;
        chunk.terminated()[3] = 0.5f;
        assertThatThrownBy(() -> buffer.addAll(chunk, 4))
                .hasMessageContaining("terminated of row 3 must be 0 or 1, got 0.5");
        assertThatThrownBy(() -> buffer.addAll(chunk, 5)).hasMessageContaining("count must be in [0, 4], got 5");
        assertThatThrownBy(() -> buffer.addAll(new Batch(2, OBS + 1, ACT), 1))
                .hasMessageContaining("do not match the buffer's 3/2");
        assertThat(buffer.size()).isEqualTo(1);
        assertThat(buffer.totalAdded()).isEqualTo(1);
    }

    @Test
    void addRefusesWrongLengthsAndNonFiniteValues() {
        ReplayBuffer buffer = new ReplayBuffer(2, OBS, ACT);
        assertThatThrownBy(() -> buffer.add(new float[2], new float[ACT], 0, new float[OBS], false))
                .hasMessageContaining("observation must have 3 values, got 2");
        assertThatThrownBy(() -> buffer.add(new float[OBS], new float[] {0f, Float.POSITIVE_INFINITY}, 0,
                new float[OBS], false))
                .hasMessageContaining("action[1] must be finite, got Infinity");
        assertThatThrownBy(() -> buffer.add(new float[OBS], new float[ACT], Double.NaN, new float[OBS], false))
                .hasMessageContaining("reward must be finite, got NaN");
        assertThat(buffer.size()).isZero();
        assertThatThrownBy(() -> buffer.sample(new Batch(1, OBS, ACT), new SplittableRandom(0)))
                .isInstanceOf(IllegalStateException.class);
    }

    /** Sampling the whole ring with many draws must give the same multiset of rows from both buffers. */
    private static void assertSameContents(ReplayBuffer a, ReplayBuffer b, int count) {
        Batch fromA = new Batch(4_000, OBS, ACT);
        Batch fromB = new Batch(4_000, OBS, ACT);
        a.sample(fromA, new SplittableRandom(count));
        b.sample(fromB, new SplittableRandom(count));
        // The same seed draws the same slots, so equal contents mean equal batches.
        assertThat(fromA.observations()).as("count %d", count).containsExactly(fromB.observations());
        assertThat(fromA.actions()).containsExactly(fromB.actions());
        assertThat(fromA.rewards()).containsExactly(fromB.rewards());
        assertThat(fromA.nextObservations()).containsExactly(fromB.nextObservations());
        assertThat(fromA.terminated()).containsExactly(fromB.terminated());
    }

    private static float[] row(int i, int dim) {
        float[] out = new float[dim];
        for (int d = 0; d < dim; d++) {
            out[d] = i * 10 + d;
        }
        return out;
    }

    private static float[] random(SplittableRandom r, int dim) {
        float[] out = new float[dim];
        for (int d = 0; d < dim; d++) {
            out[d] = (float) r.nextDouble(-3, 3);
        }
        return out;
    }

    private static float[] slice(float[] column, int row, int width) {
        float[] out = new float[width];
        System.arraycopy(column, row * width, out, 0, width);
        return out;
    }
    @Test
    void observationMomentsAreTheHeldObservationsMeanAndPopulationStd() {
        ReplayBuffer buffer = new ReplayBuffer(3, 2, 1);
        buffer.add(new float[] {100, 0}, new float[] {0}, 0, new float[] {-50, 7}, false); // overwritten below
        buffer.add(new float[] {1, 10}, new float[] {0}, 0, new float[] {1000, 1000}, false);
        buffer.add(new float[] {2, 10}, new float[] {0}, 0, new float[] {1000, 1000}, false);
        buffer.add(new float[] {3, 10}, new float[] {0}, 0, new float[] {1000, 1000}, false);
        ReplayBuffer.ObservationMoments m = buffer.observationMoments();
        // Next observations do not count; the overwritten row is gone.
        assertThat(m.mean()).containsExactly(2, 10);
        assertThat(m.std()).containsExactly(Math.sqrt(2.0 / 3), 0);
        assertThatThrownBy(() -> new ReplayBuffer(2, 2, 1).observationMoments())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void normalizeObservationsMapsBothColumnsInPlaceOrNothingWhenAValueWouldNotBeFinite() {
        ReplayBuffer buffer = new ReplayBuffer(4, 1, 1);
        buffer.add(new float[] {3}, new float[] {0.5f}, 1, new float[] {5}, false);
        buffer.add(new float[] {1}, new float[] {0.5f}, 1, new float[] {3e38f}, false);
        Batch before = new Batch(1, 1, 1);
        buffer.sample(before, new SplittableRandom(1));
        assertThatThrownBy(() -> buffer.normalizeObservations(new ObservationNormalizer(new float[] {-3e38f},
                new float[] {1000f}))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be finite");
        Batch unchanged = new Batch(1, 1, 1);
        buffer.sample(unchanged, new SplittableRandom(1));
        assertThat(unchanged.observations()).containsExactly(before.observations());

        buffer.normalizeObservations(new ObservationNormalizer(new float[] {1}, new float[] {0.5f}));
        Batch all = new Batch(64, 1, 1);
        buffer.sample(all, new SplittableRandom(2));
        for (int i = 0; i < 64; i++) {
            float o = all.observations()[i];
            assertThat(o).isIn(1f, 0f); // (3 - 1) * 0.5 and (1 - 1) * 0.5
            assertThat(all.nextObservations()[i]).isEqualTo(o == 1f ? 2f : (3e38f - 1) * 0.5f);
        }
    }
}
