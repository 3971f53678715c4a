package io.streamrl.core.agent;

import io.streamrl.core.compute.ComputeBackend;
import io.streamrl.core.replay.Batch;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Throwaway DDPG updates on random batches, so that the JIT has compiled the update path by the
 * time a learner's real updates begin. A fresh JVM runs its first thousand updates several times
 * slower than later ones (interpreted vector code, then C1, until C2 has compiled the kernels
 * and the layers); a learner spends its first second or two connecting to Kafka and waiting for
 * {@code learning-starts} transitions with little to compute, and this puts that time to use.
 *
 * <p>It trains an agent of its own (same configuration and shapes, its own backend and random
 * numbers), so the learner's networks, optimiser state and random streams are untouched and its
 * results do not depend on how long the warm-up ran. It stops after {@code maxUpdates}, or as
 * soon as {@code stopWhen} says so (the real updates have begun: from then on it would only take
 * the processor from them), or at {@link #stop()}.
 */
public final class UpdateWarmUp implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(UpdateWarmUp.class);

    private final DdpgConfig config;
    private final int observationDim;
    private final int actionDim;
    private final Supplier<ComputeBackend> backend;
    private final long seed;
    private final int maxUpdates;
    private final BooleanSupplier stopWhen;
    private volatile boolean stopped;
    private volatile long updates;

    public UpdateWarmUp(DdpgConfig config, int observationDim, int actionDim, Supplier<ComputeBackend> backend,
                        long seed, int maxUpdates, BooleanSupplier stopWhen) {
        if (maxUpdates < 0) {
            throw new IllegalArgumentException("warm-up updates must be >= 0, got " + maxUpdates);
        }
        this.config = config;
        this.observationDim = observationDim;
        this.actionDim = actionDim;
        this.backend = backend;
        this.seed = seed;
        this.maxUpdates = maxUpdates;
        this.stopWhen = stopWhen;
    }

    @Override
    public void run() {
        if (maxUpdates == 0 || stopped || stopWhen.getAsBoolean()) {
            return;
        }
        long start = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        try (ComputeBackend own = backend.get()) {
            Ddpg agent = new Ddpg(config, observationDim, actionDim, own, random.split());
            Batch batch = randomBatch(random);
            for (int i = 0; i < maxUpdates && !stopped && !stopWhen.getAsBoolean(); i++) {
                agent.update(batch);
                updates = i + 1;
            }
        }
        log.debug("warm-up: {} throwaway updates in {} ms", updates, (System.nanoTime() - start) / 1_000_000);
    }

    /** Ends {@link #run()} after the update in hand; callable from any thread. */
    public void stop() {
        stopped = true;
    }

    /** Updates run so far. */
    public long updates() {
        return updates;
    }

    /** Observations and rewards in [-1, 1], actions in the normalised range; nothing terminal. */
    private Batch randomBatch(SplittableRandom random) {
        Batch batch = new Batch(config.batchSize(), observationDim, actionDim);
        fill(batch.observations(), random);
        fill(batch.actions(), random);
        fill(batch.rewards(), random);
        fill(batch.nextObservations(), random);
        return batch;
    }

    private static void fill(float[] values, SplittableRandom random) {
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextDouble(-1, 1);
        }
    }
}
