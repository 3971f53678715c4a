package io.streamrl.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrl.core.replay.Batch;
import io.streamrl.core.replay.ReplayBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The hand-over from ingest to training, and when an offline log counts as loaded. */
class ExperienceInboxTest {

    @Test
    void exhaustedOnlyOnceEverySourceIsDoneAndEverythingOfferedWasDrained() {
        ExperienceInbox inbox = new ExperienceInbox(2);
        ReplayBuffer buffer = new ReplayBuffer(100, 3, 1);
        IngestPosition position = IngestPosition.start();
        inbox.offer(new Batch(5, 3, 1), 5, 5, Map.of(0, 5L));
        inbox.sourceDone();
        assertThat(inbox.exhausted()).isFalse();
        inbox.offer(new Batch(3, 3, 1), 3, 3, Map.of(1, 3L));
        inbox.sourceDone();
        assertThat(inbox.exhausted()).as("two deliveries are still pending").isFalse();
        assertThat(inbox.drainTo(buffer, position)).isEqualTo(8);
        assertThat(inbox.exhausted()).isTrue();
        assertThat(buffer.size()).isEqualTo(8);
        assertThatThrownBy(inbox::sourceDone).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("all 2 sources are already done");
    }

    @Test
    void aSourceThatIsDoneWakesAWaitingTrainingThread() throws Exception {
        ExperienceInbox inbox = new ExperienceInbox(1);
        long start = System.nanoTime();
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
            try {
                inbox.awaitPending(Duration.ofSeconds(20));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200);
        inbox.sourceDone();
        waiting.get(5, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(inbox.exhausted()).isTrue();
    }

    @Test
    void anOnlineInboxIsNeverExhausted() {
        ExperienceInbox inbox = new ExperienceInbox();
        assertThat(inbox.exhausted()).isFalse();
        assertThatThrownBy(() -> new ExperienceInbox(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sources must be >= 1, got 0");
    }
}
