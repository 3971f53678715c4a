package io.streamrl.kafka;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * How a service's {@code close()} waits for its {@code run()} to end: bounded, so a stuck loop
 * cannot hang a shutdown hook, with a warning naming the service when it does not stop, and an
 * interrupt of the waiting thread kept for its caller.
 */
public final class ServiceStop {

    private ServiceStop() {
    }

    /** Waits at most {@code timeout} for {@code finished}; logs "{@code what} did not stop within N s" otherwise. */
    public static void await(CountDownLatch finished, Duration timeout, Logger log, String what) {
        try {
            if (!finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{} did not stop within {} s", what, timeout.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
