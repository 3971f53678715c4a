package io.streamrl.pipeline;

import io.streamrl.learner.Learner;
import io.streamrl.learner.LearnerResult;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A learner run on a thread of its own, as the embedded pipelines run it. */
public final class LearnerRuns {

    private static final Logger log = LoggerFactory.getLogger(LearnerRuns.class);
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(1);

    private LearnerRuns() {
    }

    /** Starts {@link Learner#run()} on a new thread named {@code threadName}. */
    public static CompletableFuture<LearnerResult> start(Learner learner, String threadName) {
        return CompletableFuture.supplyAsync(learner::run, task -> new Thread(task, threadName).start());
    }

    /** The closed learner's result; null, logged, when it failed or did not stop within a minute. */
    public static LearnerResult awaitStopped(CompletableFuture<LearnerResult> run) throws InterruptedException {
        try {
            return run.get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            log.warn("the learner did not stop cleanly: {}", e.toString());
            return null;
        }
    }
}
