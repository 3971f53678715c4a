package io.streamrl.core.rollout;

import io.streamrl.core.agent.VTrace;
import io.streamrl.core.config.Check;
import java.util.Locale;

/**
 * What an on-policy learner does with a segment that an older policy produced.
 *
 * <ul>
 *   <li>{@link Mode#DISCARD}: segments more than {@code maxStaleness} versions behind the
 *       newest published policy are dropped (and counted); the rest are learned from as if
 *       on-policy. {@code maxStaleness} 0 with actors that wait for each new version is A2C;
 *       above 0 with free-running actors it is A3C-style asynchronous learning.
 *   <li>{@link Mode#VTRACE}: every segment is learned from, its targets corrected with
 *       {@link VTrace} from the behaviour log-probabilities it carries; {@code maxStaleness} is
 *       not used.
 * </ul>
 *
 * @param vtrace the truncation levels of the correction (used in {@link Mode#VTRACE} only)
 */
public record StalenessPolicy(Mode mode, int maxStaleness, VTrace vtrace) {

    public static final int DEFAULT_MAX_STALENESS = 4;
    public static final int MAX_MAX_STALENESS = 1_000_000;

    /** The modes, spelled on the command line in lower case. */
    public enum Mode {
        DISCARD, VTRACE;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Mode parse(String key, String value) {
            for (Mode m : values()) {
                if (m.label().equals(value == null ? null : value.strip().toLowerCase(Locale.ROOT))) {
                    return m;
                }
            }
            throw new IllegalArgumentException(key + " must be one of discard, vtrace, got '" + value + "'");
        }
    }

    public StalenessPolicy {
        if (mode == null) {
            throw new IllegalArgumentException("staleness must be one of discard, vtrace, got null");
        }
        Check.inClosed("max-staleness", maxStaleness, 0, MAX_MAX_STALENESS);
        if (vtrace == null) {
            throw new IllegalArgumentException("the V-trace truncation levels (rho-bar, c-bar) must be set");
        }
    }

    /** Discard segments more than {@value #DEFAULT_MAX_STALENESS} versions old. */
    public static StalenessPolicy defaults() {
        return new StalenessPolicy(Mode.DISCARD, DEFAULT_MAX_STALENESS, VTrace.defaults());
    }

    /** Whether a segment {@code lag} versions behind is dropped; a negative lag (a newer learner's) always is. */
    public boolean discards(long lag) {
        return lag < 0 || mode == Mode.DISCARD && lag > maxStaleness;
    }

    /** {@code staleness=... max-staleness=... rho-bar=... c-bar=...} for logs. */
    public String toLogLine() {
        return mode == Mode.DISCARD
                ? "staleness=discard max-staleness=" + maxStaleness
                : "staleness=vtrace rho-bar=" + vtrace.rhoBar() + " c-bar=" + vtrace.cBar();
    }
}
