package io.streamrl.learner;

import io.streamrl.core.replay.Batch;
import io.streamrl.core.replay.ReplayBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hands converted transitions from the ingest threads to the training thread, so the replay
 * buffer has a single owner. A poll's accepted transitions travel together, as the first rows
 * of one {@link Batch}: one hand-over per poll, not per transition. Unbounded on purpose:
 * ingest must never wait for training (the replay-ratio limiter makes training wait for data,
 * not the other way round), and the training thread empties the inbox before every gradient
 * update, so it holds at most what arrives during one update, evaluation or publication.
 *
 * <p>Offline ({@code learner --offline}), each ingest thread says when it has read its share of
 * the log ({@link #sourceDone()}); once all have and everything they offered has been drained,
 * the inbox is {@link #exhausted()}: the buffer holds the whole log. Online, sources never finish.
 */
final class ExperienceInbox {

    /**
     * The first {@code count} rows of {@code transitions}, of which {@code fresh} earn update
     * credit, and the offset after the last record read of each partition; nobody writes to the
     * batch once offered.
     */
    private record Delivery(Batch transitions, int count, int fresh, Map<Integer, Long> nextOffsets) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final int sources;
    private ArrayDeque<Delivery> pending = new ArrayDeque<>();
    private int sourcesDone;
    private boolean closed;

    /** An inbox fed by one source. */
    ExperienceInbox() {
        this(1);
    }

    /** @param sources how many threads offer to it (ingest threads); {@link #exhausted()} waits for all */
    ExperienceInbox(int sources) {
        if (sources < 1) {
            throw new IllegalArgumentException("sources must be >= 1, got " + sources);
        }
        this.sources = sources;
    }

    /**
     * Adds the first {@code count} transitions of {@code transitions} without blocking; the
     * caller must not touch the batch afterwards. Dropped once the inbox is closed (the learner
     * is stopping).
     *
     * @param fresh how many of them earn update credit ({@link IngestPosition})
     * @param nextOffsets per partition, the offset after the last record this poll read, whether
     *     it became a transition or a dead letter
     */
    void offer(Batch transitions, int count, int fresh, Map<Integer, Long> nextOffsets) {
        if (count == 0 && nextOffsets.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            if (!closed) {
                pending.add(new Delivery(transitions, count, fresh, nextOffsets));
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Moves every pending transition into {@code buffer} in arrival order, advances
     * {@code position} by what they were, and returns how many moved.
     */
    int drainTo(ReplayBuffer buffer, IngestPosition position) {
        ArrayDeque<Delivery> taken;
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
        int moved = 0;
        for (Delivery d : taken) {
            buffer.addAll(d.transitions(), d.count());
            position.advance(d.fresh(), d.nextOffsets());
            moved += d.count();
        }
        return moved;
    }

    /**
     * A source has offered everything it will: called by an ingest thread once it has read its
     * share of the log to the end offsets captured at start (offline), after its last
     * {@link #offer}. Wakes a waiting {@link #awaitPending}.
     */
    void sourceDone() {
        lock.lock();
        try {
            if (sourcesDone == sources) {
                throw new IllegalStateException("all " + sources + " sources are already done");
            }
            sourcesDone++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether every source is done and everything offered was drained: true only after a
     * {@link #drainTo} that came after the last {@link #sourceDone()}.
     */
    boolean exhausted() {
        lock.lock();
        try {
            return sourcesDone == sources && pending.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Blocks until a transition is pending, a source is done, the inbox is closed, or
     * {@code timeout} has passed.
     *
     * @throws InterruptedException when the waiting thread is interrupted
     */
    void awaitPending(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            int done = sourcesDone;
            while (pending.isEmpty() && !closed && sourcesDone == done && nanos > 0) {
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
