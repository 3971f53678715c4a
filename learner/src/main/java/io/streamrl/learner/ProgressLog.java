package io.streamrl.learner;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic progress line, and the updates-per-second rate over the interval it covers.
 * Driven by the training thread, which owns the update count.
 */
final class ProgressLog {

    private static final Logger log = LoggerFactory.getLogger(ProgressLog.class);

    private final String policyName;
    private final int bufferCapacity;
    private final LearnerMetrics metrics;
    private long lastMillis;
    private long lastUpdates;

    ProgressLog(String policyName, int bufferCapacity, LearnerMetrics metrics, long startMillis) {
        this.policyName = policyName;
        this.bufferCapacity = bufferCapacity;
        this.metrics = metrics;
        this.lastMillis = startMillis;
    }

    void report(long nowMillis, long updates) {
        long elapsed = nowMillis - lastMillis;
        if (elapsed > 0) {
            metrics.updatesPerSecond((updates - lastUpdates) * 1000.0 / elapsed);
            lastMillis = nowMillis;
            lastUpdates = updates;
        }
        LearnerStats s = metrics.snapshot();
        String policy = s.policiesPublished() == 0 ? "no policy published yet"
                : String.format(Locale.ROOT, "policy v%d (%,d published)", s.policyVersion(), s.policiesPublished());
        log.info(String.format(Locale.ROOT, "learner %s: received %,d (rejected %,d, dead-lettered %,d, dead-letter failures %,d), buffer %,d/%,d (%.1f%%),"
                        + " updates %,d (%.1f/s), %s, critic loss %.4g, eval %.1f",
                policyName, s.transitionsReceived(), s.transitionsRejected(), s.transitionsDeadLettered(),
                s.deadLetterFailures(), s.bufferSize(), bufferCapacity,
                100 * s.bufferFill(), s.updates(), s.updatesPerSecond(), policy, s.criticLoss(), s.evalMeanReturn()));
    }
}
