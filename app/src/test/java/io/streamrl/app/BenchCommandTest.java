package io.streamrl.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class BenchCommandTest {

    @Test
    void childJvmsGetThisJvmsHotSpotFlagsAndNothingElse() {
        // The test JVM runs with --add-modules (not a HotSpot flag) and -XX:+UseParallelGC (one).
        assertThat(ManagementFactory.getRuntimeMXBean().getInputArguments()).anyMatch(a -> !a.startsWith("-XX:"));
        assertThat(BenchCommand.hotSpotFlags()).contains("-XX:+UseParallelGC").allMatch(a -> a.startsWith("-XX:"));
    }
}
