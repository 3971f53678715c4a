package io.streamrl.app;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Stops a long-running command on SIGTERM / Ctrl-C and lets it finish: the shutdown hook asks
 * the service to stop, then holds the JVM open until the command has printed its summary (the
 * JVM exits as soon as the hooks return, which would otherwise cut the summary off).
 */
final class GracefulStop implements AutoCloseable {

    private static final Duration GRACE = Duration.ofSeconds(30);

    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    GracefulStop(String name, Runnable stop) {
        hook = new Thread(() -> {
            stop.run();
            try {
                finished.await(GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * The command is done (summary printed, or failed); a pending shutdown may now complete.
     * Close it before the service, in a try-with-resources after it, so that an exception cannot
     * leave the hook holding the JVM for the whole grace period.
     */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running already and was just released.
        }
    }
}
