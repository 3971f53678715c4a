package io.streamrl.bench;

import io.streamrl.core.agent.Ddpg;
import io.streamrl.core.agent.DdpgConfig;
import io.streamrl.core.compute.ComputeBackend;
import io.streamrl.core.compute.ComputeBackends;
import io.streamrl.core.compute.vector.VectorBackend;
import io.streamrl.core.replay.Batch;
import io.streamrl.core.replay.ReplayBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * Throughput of the full DDPG update (critic step, actor step and soft target update every
 * call) on Pendulum-shaped data (observation 3, action 1), measured the way the PyTorch peer in
 * {@code shared/peer} measures itself: 16 pre-sampled batches cycled (replay sampling is not
 * timed), warm-up, a calibrated count per repeat, median of the repeats.
 */
public final class UpdateBenchmark {

    private static final int OBS = 3;
    private static final int ACT = 1;
    private static final int BATCHES = 16;

    /**
     * @param backend {@code vector} or {@code nd4j}
     * @param hidden width of both hidden layers of actor and critic
     * @param batch minibatch size
     * @param threads threads the backend may use
     * @param secondsPerRepeat target duration of one timed repeat
     * @param repeats timed repeats (the median is reported)
     * @param warmup untimed updates first (JIT compilation)
     */
    public record Settings(String backend, int hidden, int batch, int threads, double secondsPerRepeat, int repeats,
                           int warmup) {
        public Settings {
            if (hidden < 1 || batch < 1 || threads < 1 || repeats < 1 || warmup < 0 || !(secondsPerRepeat > 0)) {
                throw new IllegalArgumentException("hidden, batch, threads and repeats must be >= 1, warmup >= 0 and"
                        + " seconds > 0, got " + this);
            }
        }
    }

    /**
     * One configuration's figures; {@code flopsPerUpdate} counts matrix-product FLOPs;
     * {@code packedKernel} is the register block the vector backend chose (null for others).
     */
    public record Result(String backend, int hidden, int batch, int threads, double updatesPerSecond,
                         double bestUpdatesPerSecond, double msPerUpdate, long flopsPerUpdate, double gflops,
                         int updatesPerRepeat, int repeats, String packedKernel) {

        /** The figures as one result line of {@code bench updates}. */
        public Map<String, Object> line() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("backend", backend);
            m.put("hidden", hidden);
            m.put("batch", batch);
            m.put("threads", threads);
            m.put("updates_per_s", Json.round(updatesPerSecond, 1));
            m.put("best_updates_per_s", Json.round(bestUpdatesPerSecond, 1));
            m.put("ms_per_update", Json.round(msPerUpdate, 3));
            m.put("flops_per_update", flopsPerUpdate);
            m.put("gflops", Json.round(gflops, 2));
            m.put("updates_per_repeat", updatesPerRepeat);
            m.put("repeats", repeats);
            if (packedKernel != null) {
                m.put("packed_kernel", packedKernel);
            }
            return m;
        }
    }

    private UpdateBenchmark() {
    }

    public static Result run(Settings s, LongSupplier nanoTime) {
        DdpgConfig config = config(s);
        Batch[] batches = batches(s.batch());
        long flops;
        try (ProfilingBackend counter = new ProfilingBackend(ComputeBackends.create(s.backend(), 1), nanoTime)) {
            Ddpg probe = new Ddpg(config, OBS, ACT, counter, new SplittableRandom(0));
            probe.update(batches[0]);
            flops = counter.matmulFlops();
        }
        try (ComputeBackend backend = ComputeBackends.create(s.backend(), s.threads())) {
            Ddpg agent = new Ddpg(config, OBS, ACT, backend, new SplittableRandom(0));
            for (int i = 0; i < s.warmup(); i++) {
                agent.update(batches[i % BATCHES]);
            }
            long t0 = nanoTime.getAsLong();
            int calibration = 0;
            while (nanoTime.getAsLong() - t0 < 250_000_000L) {
                agent.update(batches[calibration++ % BATCHES]);
            }
            double perUpdate = (nanoTime.getAsLong() - t0) / 1e9 / calibration;
            int count = (int) Math.max(50, s.secondsPerRepeat() / perUpdate);
            double[] rates = new double[s.repeats()];
            for (int r = 0; r < s.repeats(); r++) {
                long start = nanoTime.getAsLong();
                for (int i = 0; i < count; i++) {
                    agent.update(batches[i % BATCHES]);
                }
                rates[r] = count / ((nanoTime.getAsLong() - start) / 1e9);
            }
            double median = median(rates);
            return new Result(backend.name(), s.hidden(), s.batch(), s.threads(), median,
                    Arrays.stream(rates).max().orElseThrow(), 1e3 / median, flops, flops * median / 1e9, count,
                    s.repeats(), backend instanceof VectorBackend v ? v.packedKernelShape() : null);
        }
    }

    /** The middle value, or the mean of the two middle ones for an even count, as the peer's numpy.median. */
    public static double median(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("the median of no values is undefined");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /**
     * Where the time of an update goes: the share of wall time in each kind of backend operation
     * (the rest is the agent's own Java code between them), and the matrix products' FLOP rate
     * while they run, against which a core's peak compares.
     *
     * @param shareOfTime fraction of the profiled updates' wall time per operation kind, plus {@code rest}
     * @param matmulGflops matrix-product FLOPs divided by the time spent in matrix products
     */
    public record Breakdown(Map<String, Double> shareOfTime, double matmulGflops) {
    }

    /** Runs {@code s.warmup()} untimed updates, then {@code updates} profiled ones, on one fresh agent. */
    public static Breakdown breakdown(Settings s, int updates, LongSupplier nanoTime) {
        if (updates < 1) {
            throw new IllegalArgumentException("updates must be >= 1, got " + updates);
        }
        Batch[] batches = batches(s.batch());
        try (ProfilingBackend backend = new ProfilingBackend(ComputeBackends.create(s.backend(), s.threads()),
                nanoTime)) {
            Ddpg agent = new Ddpg(config(s), OBS, ACT, backend, new SplittableRandom(0));
            for (int i = 0; i < s.warmup(); i++) {
                agent.update(batches[i % BATCHES]);
            }
            backend.reset();
            long start = nanoTime.getAsLong();
            for (int i = 0; i < updates; i++) {
                agent.update(batches[i % BATCHES]);
            }
            double total = nanoTime.getAsLong() - start;
            Map<String, Double> share = new LinkedHashMap<>();
            long inBackend = 0;
            for (ProfilingBackend.Op op : ProfilingBackend.Op.values()) {
                share.put(op.name().toLowerCase(Locale.ROOT), backend.nanos(op) / total);
                inBackend += backend.nanos(op);
            }
            share.put("rest", (total - inBackend) / total);
            double matmulSeconds = backend.nanos(ProfilingBackend.Op.MATMUL) / 1e9;
            return new Breakdown(share, backend.matmulFlops() / matmulSeconds / 1e9);
        }
    }

    private static DdpgConfig config(Settings s) {
        return DdpgConfig.ddpg().with(Map.of(
                "actor-hidden", s.hidden() + "," + s.hidden(),
                "critic-hidden", s.hidden() + "," + s.hidden(),
                "batch-size", Integer.toString(s.batch()),
                "policy-delay", "1"));
    }

    /** Pendulum-like random transitions, as the peer draws them. */
    private static Batch[] batches(int size) {
        SplittableRandom r = new SplittableRandom(0);
        ReplayBuffer buffer = new ReplayBuffer(BATCHES * size, OBS, ACT);
        for (int i = 0; i < BATCHES * size; i++) {
            double th = r.nextDouble(-Math.PI, Math.PI);
            float[] o = {(float) Math.cos(th), (float) Math.sin(th), (float) r.nextDouble(-8, 8)};
            float[] n = {o[0] + (float) (0.01 * r.nextGaussian()), o[1] + (float) (0.01 * r.nextGaussian()),
                o[2] + (float) (0.01 * r.nextGaussian())};
            buffer.add(o, new float[] {(float) r.nextDouble(-1, 1)}, -r.nextDouble(0, 16), n, false);
        }
        Batch[] out = new Batch[BATCHES];
        for (int b = 0; b < BATCHES; b++) {
            out[b] = new Batch(size, OBS, ACT);
            buffer.sample(out[b], r);
        }
        return out;
    }
}
