package io.streamrl.pipeline.pricing;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Reports each day's profit after its lag: a timer hands the reward to the client when it falls
 * due, and every reward ends as accepted, failed (by kind) or, when the run ends first, unsent.
 * The timer only hands over (the client sends asynchronously), so a slow server never delays
 * the rewards behind one.
 */
final class RewardCourier implements AutoCloseable {

    private final ServeClient client;
    private final ScheduledExecutorService timer;
    private final LongAdder ok = new LongAdder();
    private final FailureTally failures = new FailureTally();
    private final Object settledLock = new Object();
    private long scheduled;
    private long settled;

    RewardCourier(ServeClient client) {
        this.client = client;
        AtomicInteger n = new AtomicInteger();
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "shops-rewards-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        // Cancelled rewards (the run ended) leave the queue at once instead of at their due time.
        t.setRemoveOnCancelPolicy(true);
        this.timer = t;
    }

    /** Sends {@code reward} for {@code decisionId} in {@code lagMillis} ms. */
    void schedule(String decisionId, double reward, long lagMillis) {
        synchronized (settledLock) {
            scheduled++;
        }
        try {
            timer.schedule(() -> client.reward(decisionId, reward, this::settle), lagMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            settle(ServeClient.Outcome.failed("client", "the run has ended"));
        }
    }

    private void settle(ServeClient.Outcome failure) {
        if (failure == null) {
            ok.increment();
        } else {
            failures.add(failure.failureKind(), failure.example());
        }
        synchronized (settledLock) {
            settled++;
            if (settled == scheduled) {
                settledLock.notifyAll();
            }
        }
    }

    /**
     * Waits until every scheduled reward has been answered, at most {@code boundMillis}; then
     * sends nothing more. What had no answer by then counts as {@link Delivery#unsent()}.
     */
    Delivery finish(long boundMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(boundMillis);
        try {
            synchronized (settledLock) {
                for (long left = deadline - System.nanoTime(); settled < scheduled && left > 0;
                     left = deadline - System.nanoTime()) {
                    TimeUnit.NANOSECONDS.timedWait(settledLock, left);
                }
            }
        } finally {
            timer.shutdownNow();
        }
        synchronized (settledLock) {
            long accepted = ok.sum();
            Failures f = failures.snapshot();
            return new Delivery(scheduled, accepted, f, scheduled - accepted - f.total());
        }
    }

    /**
     * What became of the rewards scheduled.
     *
     * @param unsent no answer by the end of the run (still waiting for their lag, or in flight)
     */
    record Delivery(long scheduled, long ok, Failures failures, long unsent) {
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
