package io.streamrl.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.within;

import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

class UpdateBenchmarkTest {

    private static final int OBS = 3;
    private static final int ACT = 1;

    /**
     * FLOPs of one full DDPG update derived from the layer sizes, not from the code: with
     * {@code A} and {@code C} the multiply-adds per sample of an actor and a critic forward pass
     * and {@code H} those of back-propagating into a hidden layer's input, the critic step runs
     * target actor, target critic and critic forward, the critic's weight gradients and its
     * hidden-input gradients (A + 3C + H); the actor step runs actor and critic forward, the
     * critic's input gradients down to the action (C), the actor's weight gradients and its
     * hidden-input gradients (A + 2C + A + H). Two FLOPs per multiply-add, B samples.
     */
    private static long expectedFlops(int h, int batch) {
        long a = (long) OBS * h + (long) h * h + h;
        long c = (long) (OBS + ACT) * h + (long) h * h + h;
        long hidden = (long) h * h + h;
        return 2L * batch * (3 * a + 5 * c + 2 * hidden);
    }

    @Test
    void countsTheMatrixProductFlopsOfAFullUpdate() {
        for (int[] shape : new int[][] {{8, 4}, {16, 8}}) {
            UpdateBenchmark.Result r = UpdateBenchmark.run(
                    new UpdateBenchmark.Settings("vector", shape[0], shape[1], 1, 0.01, 1, 2), System::nanoTime);
            assertThat(r.flopsPerUpdate()).as("hidden %d batch %d", shape[0], shape[1])
                    .isEqualTo(expectedFlops(shape[0], shape[1]));
            assertThat(r.updatesPerSecond()).isPositive();
        }
    }

    @Test
    void theIssueFigureFor256IsTheSameCount() {
        // The issue quotes 340 MFLOP per update at 256-256, batch 256.
        assertThat(expectedFlops(256, 256)).isBetween(340_000_000L, 341_000_000L);
    }

    @Test
    void medianAveragesTheMiddleTwoOfAnEvenCountAndLeavesItsInputAlone() {
        double[] odd = {3, 1, 2};
        assertThat(UpdateBenchmark.median(odd)).isEqualTo(2);
        assertThat(odd).containsExactly(3, 1, 2);
        assertThat(UpdateBenchmark.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
        assertThatThrownBy(() -> UpdateBenchmark.median(new double[0])).hasMessageContaining("no values");
    }

    @Test
    void theResultLineRoundsRatesAndKeepsCountsWhole() {
        UpdateBenchmark.Result r = new UpdateBenchmark.Result("vector", 64, 32, 1, 1234.5678, 1300.04, 0.810044,
                1_000_000L, 1.2345678, 3700, 3, "12x32");
        assertThat(r.line()).containsExactly(entry("backend", "vector"), entry("hidden", 64), entry("batch", 32),
                entry("threads", 1), entry("updates_per_s", 1234.6), entry("best_updates_per_s", 1300.0),
                entry("ms_per_update", 0.81), entry("flops_per_update", 1_000_000L), entry("gflops", 1.23),
                entry("updates_per_repeat", 3700), entry("repeats", 3), entry("packed_kernel", "12x32"));
    }

    @Test
    void aBackendWithoutKernelChoiceHasNoKernelField() {
        UpdateBenchmark.Result r = new UpdateBenchmark.Result("nd4j", 64, 32, 1, 1, 1, 1, 1, 1, 1, 1, null);
        assertThat(r.line()).doesNotContainKey("packed_kernel");
    }

    @Test
    void breakdownSharesAddUpToTheWholeUpdate() {
        // A clock that advances one tick per reading: every timed operation lasts exactly one tick.
        LongSupplier ticks = new LongSupplier() {
            private long now;

            @Override
            public long getAsLong() {
                return now++;
            }
        };
        UpdateBenchmark.Breakdown b = UpdateBenchmark.breakdown(
                new UpdateBenchmark.Settings("vector", 8, 4, 1, 0.01, 1, 2), 5, ticks);
        assertThat(b.shareOfTime()).containsKeys("matmul", "bias_activation", "adam", "polyak", "rest");
        assertThat(b.shareOfTime().values()).allSatisfy(share -> assertThat(share).isBetween(0.0, 1.0));
        assertThat(b.shareOfTime().values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0,
                within(1e-9));
        assertThat(b.shareOfTime().get("matmul")).isGreaterThan(b.shareOfTime().get("polyak"));
        // Each product took one tick: FLOPs per product over 1 ns, in GFLOP/s.
        assertThat(b.matmulGflops()).isPositive();
    }
}
