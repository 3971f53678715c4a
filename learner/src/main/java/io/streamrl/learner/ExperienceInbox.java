package io.streamrl.learner;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.function.Consumer;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hands converted transitions from the ingest thread to the training thread, so the replay
 * buffer has a single owner. Unbounded on purpose: ingest must never wait for training (the
 * replay-ratio limiter makes training wait for data, not the other way round), and the training
 * thread empties the inbox before every gradient update, so it holds at most what arrives
 * during one update, evaluation or publication.
 */
final class ExperienceInbox {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private ArrayDeque<Experience> pending = new ArrayDeque<>();
    private boolean closed;

    /** Adds experiences without blocking; dropped once the inbox is closed (the learner is stopping). */
    void offerAll(Collection<Experience> experiences) {
        if (experiences.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            if (!closed) {
                pending.addAll(experiences);
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Passes every pending experience to {@code sink} in arrival order and returns how many. */
    int drainTo(Consumer<Experience> sink) {
        ArrayDeque<Experience> taken;
        lock.lock();
        try {
            if (pending.isEmpty()) {
                return 0;
            }
            taken = pending;
            pending = new ArrayDeque<>();
        } finally {
            lock.unlock();
        }
        taken.forEach(sink);
        return taken.size();
    }

    /**
     * Blocks until an experience is pending, the inbox is closed, or {@code timeout} has passed.
     *
     * @throws InterruptedException when the waiting thread is interrupted
     */
    void awaitPending(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (pending.isEmpty() && !closed && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Wakes a waiting {@link #awaitPending} for good: the training thread is being stopped. */
    void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
