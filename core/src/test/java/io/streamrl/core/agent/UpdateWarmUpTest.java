package io.streamrl.core.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrl.core.compute.scalar.ScalarBackend;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class UpdateWarmUpTest {

    private static final DdpgConfig SMALL = DdpgConfig.td3().with(Map.of("batch-size", "8", "actor-hidden", "8,8",
            "critic-hidden", "8,8"));

    @Test
    void runsUpToItsLimitOnABackendOfItsOwn() {
        AtomicInteger made = new AtomicInteger();
        UpdateWarmUp warmUp = new UpdateWarmUp(SMALL, 3, 1, () -> {
            made.incrementAndGet();
            return new ScalarBackend();
        }, 7, 25, () -> false);
        warmUp.run();
        assertThat(warmUp.updates()).isEqualTo(25);
        assertThat(made).hasValue(1);
    }

    @Test
    void stopsAsSoonAsTheRealUpdatesBegin() {
        AtomicInteger checks = new AtomicInteger();
        UpdateWarmUp warmUp = new UpdateWarmUp(SMALL, 3, 1, ScalarBackend::new, 7, 1_000,
                () -> checks.incrementAndGet() > 10);
        warmUp.run();
        // The condition is asked before the run and before every update: true at the eleventh ask.
        assertThat(warmUp.updates()).isEqualTo(9);
    }

    @Test
    void stopAndZeroUpdatesRunNothing() {
        AtomicInteger made = new AtomicInteger();
        UpdateWarmUp zero = new UpdateWarmUp(SMALL, 3, 1, () -> {
            made.incrementAndGet();
            return new ScalarBackend();
        }, 7, 0, () -> false);
        zero.run();
        UpdateWarmUp stopped = new UpdateWarmUp(SMALL, 3, 1, () -> {
            made.incrementAndGet();
            return new ScalarBackend();
        }, 7, 10, () -> false);
        stopped.stop();
        stopped.run();
        assertThat(zero.updates()).isZero();
        assertThat(stopped.updates()).isZero();
        assertThat(made).hasValue(0);
        assertThatThrownBy(() -> new UpdateWarmUp(SMALL, 3, 1, ScalarBackend::new, 7, -1, () -> false))
                .hasMessageContaining("warm-up updates must be >= 0, got -1");
    }
}
