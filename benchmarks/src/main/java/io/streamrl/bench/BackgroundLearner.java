package io.streamrl.bench;

import io.streamrl.learner.LearnerResult;
import io.streamrl.learner.LearnerService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A learner running on a thread of its own while a benchmark measures around it. */
final class BackgroundLearner {

    private static final Logger log = LoggerFactory.getLogger(BackgroundLearner.class);

    private BackgroundLearner() {
    }

    static CompletableFuture<LearnerResult> start(LearnerService learner) {
        return CompletableFuture.supplyAsync(learner::run, task -> new Thread(task, "bench-learner").start());
    }

    /** The result once the (closed) learner has stopped; null, logged, when it failed or took over a minute. */
    static LearnerResult awaitStopped(CompletableFuture<LearnerResult> run) throws InterruptedException {
        try {
            return run.get(1, TimeUnit.MINUTES);
        } catch (ExecutionException | TimeoutException e) {
            log.warn("the benchmark learner did not stop cleanly: {}", e.toString());
            return null;
        }
    }
}
