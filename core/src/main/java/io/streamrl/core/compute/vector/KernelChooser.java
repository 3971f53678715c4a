package io.streamrl.core.compute.vector;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses among kernel candidates ({@link KernelCopies}: identical copies, and shapes that give
 * the same bits) by how fast each runs the backend's own products: no separate timing run, and
 * the measure is the real workload (an isolated kernel on data held in L1 did not predict which
 * copy is fast in a DDPG update).
 *
 * <p>The candidates take turns, one whole product each: first for {@code warmupNanos} of product
 * time, while the JIT compiles every candidate, then for {@code measureNanos}, adding up each
 * candidate's time and FLOPs. Taking turns product by product means a slow stretch of a shared
 * machine hits every candidate alike. After that the candidate with the fewest nanoseconds per
 * FLOP is used alone. Owned by one backend and used only by the thread that calls its products.
 *
 * <p>Two guards keep the comparison fair. Each phase also lasts until every candidate has run
 * {@link #MIN_PRODUCTS} products in it: a candidate's first products run before the JIT has
 * compiled it, at a small fraction of its speed, and with sixteen candidates the first product
 * of each of a 256-wide network (well over a tenth of a second each, uncompiled) used up the
 * whole time budget, so the choice fell on whichever candidate the clock happened to stop at.
 * And the turns are skewed by one after every full cycle: an update repeats the same sequence
 * of products, and with plain turns a candidate count that divides that sequence's length would
 * hand each candidate the same few products (say, only the thin ones) every time.
 */
final class KernelChooser<K> {

    /**
     * A quarter of a second of product time per phase, on top of {@link #MIN_PRODUCTS} each: at
     * 64-64 a whole second per phase kept a backend taking turns, slow copies included, for
     * some 40,000 updates; at 256-256 the product count already sets the length.
     */
    static final long DEFAULT_WARMUP_NANOS = 250_000_000L;
    static final long DEFAULT_MEASURE_NANOS = 250_000_000L;
    /**
     * Products each candidate runs in each phase at least, whatever the time. Three is enough for
     * a 256-wide product, whose first run alone holds enough loop iterations for C2 to compile
     * the kernel (on-stack replacement); more is dear at 64-wide, where a candidate's first
     * products run interpreted at a small fraction of its speed: 100 each took 5-7 s of a cold
     * learner's first seconds (the demo solved in 10.7-13.0 s instead of 5.9-6.5 s) and 20 each
     * 2-3 s, while the time budget already keeps small products taking turns until compiled
     * copies show their speed.
     */
    static final int MIN_PRODUCTS = 3;

    /**
     * Only products of at least this many multiply-adds take part in the choice; smaller ones use
     * the chosen kernel, or the first until one is chosen. One product this size holds tens of
     * thousands of iterations of a candidate's inner loop (C2 compiles a loop after some 40,000),
     * so a candidate runs uncompiled for its first few turns only. Below it a candidate stays
     * interpreted for hundreds of turns, at a hundredth of its speed: a 64-64 network's products
     * (at most 2^20) kept the learner taking such turns for 1.0-1.2 s of every start, and the
     * choice then fell on the one candidate that had been compiled, whichever that was.
     */
    static final long MIN_MACS = 1L << 23;

    private static final Logger log = LoggerFactory.getLogger(KernelChooser.class);

    private final String name;
    private final List<K> copies;
    private final LongSupplier nanoTime;
    private final long warmupNanos;
    private final long measureNanos;
    private final long[] nanos;
    private final long[] flops;
    private final int[] products;
    private K chosen;
    /** Product time in the current phase. */
    private long spent;
    private boolean measuring;
    /** Products so far; the next turn follows from it. */
    private long position;
    private int turn;
    private long started;
    /** Whether the product in hand takes part in the choice (it is large enough, and none is chosen yet). */
    private boolean timing;

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
        this.products = new int[copies.size()];
        this.chosen = copies.size() == 1 ? copies.get(0) : null;
    }

    /**
     * The kernel for the next product, of {@code macs} multiply-adds (0 for one that is to take no
     * part in the choice whatever its size); pair it with {@link #end(long)}.
     */
    K begin(long macs) {
        timing = chosen == null && macs >= MIN_MACS;
        if (!timing) {
            return chosenOrFirst();
        }
        started = nanoTime.getAsLong();
        return copies.get(turn);
    }

    /** Records the product that {@link #begin} started, with its FLOPs; chooses once measured enough. */
    void end(long productFlops) {
        if (!timing) {
            return;
        }
        long elapsed = nanoTime.getAsLong() - started;
        spent += elapsed;
        products[turn]++;
        if (measuring) {
            nanos[turn] += elapsed;
            flops[turn] += productFlops;
        }
        int n = copies.size();
        position++;
        turn = (int) ((position + position / n) % n);
        if (!measuring && spent > warmupNanos && everyCandidateRan()) {
            measuring = true;
            spent = 0;
            Arrays.fill(products, 0);
        } else if (measuring && spent > measureNanos && everyCandidateRan()) {
            choose();
        }
    }

    private boolean everyCandidateRan() {
        for (int p : products) {
            if (p < MIN_PRODUCTS) {
                return false;
            }
        }
        return true;
    }

    /** The chosen candidate, or until then the first: for work that takes no part in the choice. */
    K chosenOrFirst() {
        return chosen != null ? chosen : copies.get(0);
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
