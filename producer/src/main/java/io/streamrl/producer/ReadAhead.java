package io.streamrl.producer;

import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link Source} on a thread of its own, ahead of the thread that {@link #take}s its
 * items: every item in the source's order, none lost, and the source's exception at the place
 * it was thrown. Items travel in batches through a bounded queue, so the source runs at most
 * {@code batches x batchSize} items ahead and a hand-off costs one lock per batch, not per
 * item. Replay reads, checks and encodes rows this way while its own thread sends: the two
 * halves of a row's cost overlap instead of adding up.
 */
final class ReadAhead<T> implements AutoCloseable {

    /** What runs on the reading thread. */
    @FunctionalInterface
    interface Source<T> {

        /** The next item, or null when there are no more. */
        T next() throws IOException;
    }

    /** The last element of the queue: the end, or the source's failure. */
    private record End(Throwable failure) {
    }

    private final int batchSize;
    private final BlockingQueue<Object[]> queue;
    private final Thread thread;
    private volatile boolean stopped;
    private Object[] batch = new Object[0];
    private int next;
    private boolean ended;

    /**
     * Starts reading.
     *
     * @param threadName name of the reading thread
     * @param batchSize items per hand-off
     * @param batches hand-offs the source may be ahead by
     */
    ReadAhead(String threadName, Source<T> source, int batchSize, int batches) {
        Objects.requireNonNull(source, "source");
        if (batchSize < 1 || batches < 1) {
            throw new IllegalArgumentException("batch-size and batches must be >= 1, got " + batchSize + " and "
                    + batches);
        }
        this.batchSize = batchSize;
        this.queue = new ArrayBlockingQueue<>(batches);
        this.thread = new Thread(() -> read(source), threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * The next item, or null after the last one.
     *
     * @throws IOException the source's, in its place among the items; its unchecked exceptions are rethrown as they were
     */
    @SuppressWarnings("unchecked")
    T take() throws IOException {
        if (next == batch.length || batch[next] == null) {
            if (ended) {
                return null;
            }
            try {
                batch = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the next rows", e);
            }
            next = 0;
        }
        Object item = batch[next++];
        if (item instanceof End end) {
            ended = true;
            batch = new Object[0];
            next = 0;
            rethrow(end.failure());
            return null;
        }
        return (T) item;
    }

    /** Stops the source (after the item in hand) and waits for its thread. */
    @Override
    public void close() {
        stopped = true;
        queue.clear();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void read(Source<T> source) {
        Object[] filling = new Object[batchSize];
        int size = 0;
        Throwable failure = null;
        try {
            for (T item = source.next(); item != null && !stopped; item = source.next()) {
                filling[size++] = item;
                if (size == batchSize) {
                    if (!handOver(filling)) {
                        return;
                    }
                    filling = new Object[batchSize];
                    size = 0;
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            failure = e;
        }
        // The end travels with the last items; a full batch leaves it a batch of its own.
        if (size == batchSize) {
            if (!handOver(filling)) {
                return;
            }
            filling = new Object[1];
            size = 0;
        }
        filling[size] = new End(failure);
        handOver(filling);
    }

    /** False when {@link #close()} stopped the taking side, which will take nothing more. */
    private boolean handOver(Object[] items) {
        try {
            while (!queue.offer(items, 50, TimeUnit.MILLISECONDS)) {
                if (stopped) {
                    return false;
                }
            }
            return !stopped;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Only what {@link #read} catches gets here: IOException, RuntimeException or Error. */
    private static void rethrow(Throwable failure) throws IOException {
        if (failure instanceof IOException e) {
            throw e;
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure != null) {
            throw (Error) failure;
        }
    }
}
