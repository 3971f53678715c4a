package io.streamrl.bench;

import java.util.function.LongSupplier;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The ceiling the update benchmark's FLOP rates compare against: one thread issuing nothing but
 * independent vector FMAs on registers, no memory traffic. Twelve accumulators cover the FMA
 * latency of both FMA pipes of current x86 cores (4-5 cycles x 2), so the figure is the core's
 * throughput, as far as this JVM's Vector API lets it show.
 */
public final class PeakFlops {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int CHUNK = 1 << 20;

    /**
     * @param gflops best rate over the timed chunks, counting an FMA as two FLOPs per lane
     * @param lanes floats per vector ({@code 8} with AVX2, {@code 16} with AVX-512)
     * @param chunks timed chunks of {@value #CHUNK} loop iterations
     * @param checksum sum of the accumulators, printed so the work cannot be optimised away
     */
    public record Result(double gflops, int lanes, int chunks, double checksum) {
    }

    private PeakFlops() {
    }

    /** Runs chunks for about {@code seconds} (after one untimed second) and keeps the best. */
    public static Result measure(double seconds, LongSupplier nanoTime) {
        if (!(seconds > 0) || seconds > 600) {
            throw new IllegalArgumentException("seconds must be in (0, 600], got " + seconds);
        }
        double checksum = 0;
        long warmupEnd = nanoTime.getAsLong() + 1_000_000_000L;
        while (nanoTime.getAsLong() < warmupEnd) {
            checksum += chunk(1f);
        }
        double best = 0;
        int chunks = 0;
        long end = nanoTime.getAsLong() + (long) (seconds * 1e9);
        do {
            long t0 = nanoTime.getAsLong();
            checksum += chunk(1f);
            long elapsed = nanoTime.getAsLong() - t0;
            chunks++;
            best = Math.max(best, 2.0 * 12 * S.length() * CHUNK / (double) elapsed);
        } while (nanoTime.getAsLong() < end);
        return new Result(best, S.length(), chunks, checksum);
    }

    /** {@value #CHUNK} iterations of 12 independent FMAs; {@code scale} keeps the inputs opaque to the JIT. */
    static double chunk(float scale) {
        FloatVector x = FloatVector.broadcast(S, 0.999_999f * scale);
        FloatVector y = FloatVector.broadcast(S, 1e-6f * scale);
        FloatVector a0 = FloatVector.broadcast(S, 0.1f);
        FloatVector a1 = FloatVector.broadcast(S, 0.2f);
        FloatVector a2 = FloatVector.broadcast(S, 0.3f);
        FloatVector a3 = FloatVector.broadcast(S, 0.4f);
        FloatVector a4 = FloatVector.broadcast(S, 0.5f);
        FloatVector a5 = FloatVector.broadcast(S, 0.6f);
        FloatVector a6 = FloatVector.broadcast(S, 0.7f);
        FloatVector a7 = FloatVector.broadcast(S, 0.8f);
        FloatVector a8 = FloatVector.broadcast(S, 0.9f);
        FloatVector a9 = FloatVector.broadcast(S, 1.0f);
        FloatVector a10 = FloatVector.broadcast(S, 1.1f);
        FloatVector a11 = FloatVector.broadcast(S, 1.2f);
        for (int i = 0; i < CHUNK; i++) {
            a0 = a0.fma(x, y);
            a1 = a1.fma(x, y);
            a2 = a2.fma(x, y);
            a3 = a3.fma(x, y);
            a4 = a4.fma(x, y);
            a5 = a5.fma(x, y);
            a6 = a6.fma(x, y);
            a7 = a7.fma(x, y);
            a8 = a8.fma(x, y);
            a9 = a9.fma(x, y);
            a10 = a10.fma(x, y);
            a11 = a11.fma(x, y);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }
}
