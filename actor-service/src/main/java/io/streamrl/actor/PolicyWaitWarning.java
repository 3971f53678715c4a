package io.streamrl.actor;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * When flow control should warn that a wait for a newer policy timed out, and what the warning
 * says. A stalled actor times out once per {@code policy-wait} (a second by default), so a
 * warning per timeout would fill the log; the first timeout warns, later ones at most once per
 * {@link #INTERVAL}, with how many there were since. The text names the option to change,
 * because the usual cause is not a dead learner but a lag shorter than what the learner needs
 * between two publications. Used by the actor's thread only.
 */
final class PolicyWaitWarning {

    /** Shortest time between two warnings. */
    static final Duration INTERVAL = Duration.ofMinutes(1);

    private final String actorId;
    private final Duration policyWait;
    private final Clock clock;
    private final LongFunction<String> advice;
    private long lastWarnedMillis;
    private boolean warned;
    private long timeoutsSinceWarning;

    /** For a simulation actor, paced by {@code --max-policy-lag}. */
    PolicyWaitWarning(String actorId, Duration policyWait, Clock clock) {
        this(actorId, policyWait, clock, allowance -> "raise --max-policy-lag (now " + allowance + ") to at least the"
                + " learner's publish-every / (actors x replay-ratio), or set it to 0 to turn flow control off");
    }

    /** @param advice what to change, given the allowance, when the learner is running */
    PolicyWaitWarning(String actorId, Duration policyWait, Clock clock, LongFunction<String> advice) {
        this.actorId = actorId;
        this.policyWait = policyWait;
        this.clock = clock;
        this.advice = advice;
    }

    /**
     * Notes a wait that ended without a newer policy.
     *
     * @param version the version the actor holds
     * @param allowance steps it had taken on that version ({@code max-policy-lag})
     * @return the warning to log now, or empty while the last one is too recent
     */
    Optional<String> timedOut(long version, long allowance) {
        timeoutsSinceWarning++;
        long now = clock.millis();
        if (warned && now - lastWarnedMillis < INTERVAL.toMillis()) {
            return Optional.empty();
        }
        String repeat = warned ? " (" + timeoutsSinceWarning + " such waits in the last "
                + Duration.ofMillis(now - lastWarnedMillis).toSeconds() + " s)" : "";
        warned = true;
        lastWarnedMillis = now;
        timeoutsSinceWarning = 0;
        return Optional.of("actor " + actorId + ": no policy newer than version " + version + " within "
                + policyWait.toMillis() + " ms after " + allowance + " steps on it" + repeat + "; going on. If the"
                + " learner is running, " + advice.apply(allowance) + "; otherwise start the learner. Next warning in " + INTERVAL.toSeconds() + " s at the earliest.");
    }
}
