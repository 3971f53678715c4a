package io.streamrl.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.function.LongSupplier;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class PeakFlopsTest {

    @Test
    void aChunkDoesTheFmasItCounts() {
        // Every lane of each of the 12 accumulators runs a <- fma(a, x, y) 2^20 times.
        float[] starts = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f, 1.0f, 1.1f, 1.2f};
        double expected = 0;
        for (float start : starts) {
            float a = start;
            for (int i = 0; i < 1 << 20; i++) {
                a = Math.fma(a, 0.999_999f, 1e-6f);
            }
            expected += a;
        }
        expected *= FloatVector.SPECIES_PREFERRED.length();
        assertThat(PeakFlops.chunk(1f)).isCloseTo(expected, within(1e-4 * expected));
    }

    @Test
    void reportsTheBestChunkAtTwoFlopsPerLanePerFma() {
        // A clock that advances 100 ms per reading: every chunk lasts exactly 100 ms.
        LongSupplier clock = new LongSupplier() {
            private long now;

            @Override
            public long getAsLong() {
                now += 100_000_000L;
                return now;
            }
        };
        PeakFlops.Result r = PeakFlops.measure(0.5, clock);
        int lanes = FloatVector.SPECIES_PREFERRED.length();
        assertThat(r.lanes()).isEqualTo(lanes);
        assertThat(r.gflops()).isEqualTo(2.0 * 12 * lanes * (1 << 20) / 1e8);
        assertThat(r.chunks()).isPositive();
        assertThat(r.checksum()).isFinite();
    }

    @Test
    void refusesANonsensicalDuration() {
        assertThatThrownBy(() -> PeakFlops.measure(0, System::nanoTime)).hasMessageContaining("seconds must be in");
    }
}
