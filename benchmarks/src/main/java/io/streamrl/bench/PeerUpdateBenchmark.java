package io.streamrl.bench;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The PyTorch peer's own update-throughput benchmark ({@code ddpg_pendulum.py --bench-updates}),
 * run at its best (see {@link PyTorchPeer}) so that {@code bench updates --peer} can interleave
 * it with streamrl's in one run: on a shared machine only ratios taken close together in time
 * mean anything.
 */
public final class PeerUpdateBenchmark {

    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private final PyTorchPeer peer;

    /**
     * @throws IllegalArgumentException when the folder lacks the script or {@code python} lacks PyTorch
     */
    public PeerUpdateBenchmark(Path dir, String python) throws InterruptedException {
        this.peer = new PyTorchPeer(dir, python);
    }

    /** Median full updates per second over the peer's repeats. */
    public double run(int hidden, int batch, int threads, double seconds, int repeats) throws InterruptedException {
        return peer.benchUpdates(hidden, batch, threads, seconds, repeats, TIMEOUT);
    }
}
