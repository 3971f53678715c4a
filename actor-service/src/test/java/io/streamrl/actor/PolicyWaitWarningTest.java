package io.streamrl.actor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PolicyWaitWarningTest {

    private final SteppedClock clock = new SteppedClock();
    private final PolicyWaitWarning warning = new PolicyWaitWarning("a1", Duration.ofSeconds(1), clock);

    @Test
    void theFirstTimeoutWarnsAndNamesTheOptionToChange() {
        Optional<String> first = warning.timedOut(7, 50);

        assertThat(first).hasValueSatisfying(text -> assertThat(text)
                .contains("actor a1", "version 7", "1000 ms", "50 steps")
                .contains("raise --max-policy-lag (now 50)", "publish-every / (actors x replay-ratio)")
                .contains("0 to turn flow control off"));
    }

    @Test
    void laterTimeoutsWarnAtMostOncePerIntervalWithHowManyThereWere() {
        assertThat(warning.timedOut(1, 50)).isPresent();
        for (int second = 1; second < 60; second++) { // a stalled actor: one timeout per second
            clock.advance(Duration.ofSeconds(1));
            assertThat(warning.timedOut(1 + second, 50)).as("second %d", second).isEmpty();
        }
        clock.advance(Duration.ofSeconds(1));

        assertThat(warning.timedOut(61, 50)).hasValueSatisfying(text ->
                assertThat(text).contains("(60 such waits in the last 60 s)"));
        clock.advance(Duration.ofSeconds(1));
        assertThat(warning.timedOut(62, 50)).isEmpty();
    }

    /** A clock that moves only when told. */
    private static final class SteppedClock extends Clock {
        private Instant now = Instant.parse("2024-05-01T12:00:00Z");

        void advance(Duration step) {
            now = now.plus(step);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
