package io.streamrl.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrl.kafka.KafkaClientConfig;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class PropagationBenchmarkTest {

    @Test
    void everyMeasuredVersionIsAccountedForAndPercentilesAreOrdered() throws InterruptedException {
        PropagationBenchmark.Result r = new PropagationBenchmark(Clock.systemUTC())
                .run(new PropagationBenchmark.Settings(30, 3, 5, 16, null, KafkaClientConfig.none()));

        assertThat(r.sent()).isEqualTo(30);
        assertThat(r.accepted() + r.rejected() + r.lost()).isEqualTo(r.sent());
        // A local broker loses nothing, and the subscriber has no reason to refuse a newer, valid version.
        assertThat(r.accepted()).isEqualTo(30);
        assertThat(r.p50Ms()).isPositive();
        assertThat(r.p50Ms()).isLessThanOrEqualTo(r.p90Ms());
        assertThat(r.p90Ms()).isLessThanOrEqualTo(r.p99Ms());
        assertThat(r.p99Ms()).isLessThanOrEqualTo(r.maxMs());
        assertThat(r.meanMs()).isBetween(0.0, r.maxMs());
        // 3 observations, 16 units: (3*16+16) + (16*16+16) + (16*1+1) weights, 4 bytes each, plus headers.
        assertThat(r.snapshotBytes()).isGreaterThan(4 * (64 + 272 + 17));
        assertThat(r.line()).containsEntry("hidden", "16-16").containsEntry("lost", 0);
    }
}
