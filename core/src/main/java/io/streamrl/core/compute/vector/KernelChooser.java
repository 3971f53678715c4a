package io.streamrl.core.compute.vector;

import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses among identical kernel copies ({@link KernelCopies}) by how fast each runs the
 * backend's own products: no separate timing run, and the measure is the real workload (an
 * isolated kernel on data held in L1 did not predict which copy is fast in a DDPG update).
 *
 * <p>The copies take turns, one whole product each: first for {@code warmupNanos} of product
 * time, while the JIT compiles every copy, then for {@code measureNanos}, adding up each copy's
 * time and FLOPs. Taking turns product by product means a slow stretch of a shared machine
 * hits every copy alike. After that the copy with the fewest nanoseconds per FLOP is used
 * alone. Owned by one backend and used only by the thread that calls its products.
 */
final class KernelChooser<K> {

    static final long DEFAULT_WARMUP_NANOS = 1_000_000_000L;
    static final long DEFAULT_MEASURE_NANOS = 1_000_000_000L;

    private static final Logger log = LoggerFactory.getLogger(KernelChooser.class);

    private final String name;
    private final List<K> copies;
    private final LongSupplier nanoTime;
    private final long warmupNanos;
    private final long measureNanos;
    private final long[] nanos;
    private final long[] flops;
    private K chosen;
    private long spent;
    private int turn;
    private long started;

    KernelChooser(String name, List<K> copies, LongSupplier nanoTime) {
        this(name, copies, nanoTime, DEFAULT_WARMUP_NANOS, DEFAULT_MEASURE_NANOS);
    }

    KernelChooser(String name, List<K> copies, LongSupplier nanoTime, long warmupNanos, long measureNanos) {
        if (copies.isEmpty()) {
            throw new IllegalArgumentException("there must be at least one kernel copy to choose from");
        }
        this.name = name;
        this.copies = List.copyOf(copies);
        this.nanoTime = nanoTime;
        this.warmupNanos = warmupNanos;
        this.measureNanos = measureNanos;
        this.nanos = new long[copies.size()];
        this.flops = new long[copies.size()];
        this.chosen = copies.size() == 1 ? copies.get(0) : null;
    }

    /** The kernel for the next product; pair it with {@link #end(long)}. */
    K begin() {
        if (chosen != null) {
            return chosen;
        }
        started = nanoTime.getAsLong();
        return copies.get(turn);
    }

    /** Records the product that {@link #begin()} started, with its FLOPs; chooses once measured enough. */
    void end(long productFlops) {
        if (chosen != null) {
            return;
        }
        long elapsed = nanoTime.getAsLong() - started;
        spent += elapsed;
        if (spent > warmupNanos) {
            nanos[turn] += elapsed;
            flops[turn] += productFlops;
        }
        turn = (turn + 1) % copies.size();
        if (spent > warmupNanos + measureNanos) {
            choose();
        }
    }

    /** The copy in use once chosen. */
    Optional<K> chosen() {
        return Optional.ofNullable(chosen);
    }

    private void choose() {
        int best = 0;
        for (int i = 1; i < copies.size(); i++) {
            if (nanosPerFlop(i) < nanosPerFlop(best)) {
                best = i;
            }
        }
        chosen = copies.get(best);
        if (log.isDebugEnabled()) {
            StringBuilder rates = new StringBuilder();
            for (int i = 0; i < copies.size(); i++) {
                rates.append(String.format(" %.1f", 1 / nanosPerFlop(i)));
            }
            log.debug("{} copies, GFLOP/s in this backend's products:{}; using copy {}", name, rates, best + 1);
        }
    }

    private double nanosPerFlop(int copy) {
        return flops[copy] == 0 ? Double.POSITIVE_INFINITY : (double) nanos[copy] / flops[copy];
    }
}
