package io.streamrl.actor;

import io.streamrl.core.policy.PolicySnapshot;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flow control of a simulated actor ({@code max-policy-lag} > 0): after that many steps on one
 * policy version the actor waits for a newer one, at most {@code policy-wait}; after a timeout
 * it is granted another allowance of steps, so a slow learner slows the actor and a dead one
 * only throttles it. Before the first policy the allowance is {@code warmup-steps} once. Each
 * wait that timed out, and each newer version, pays for
 * {@code steps-per-version} of the steps taken (per version it is ahead of the last one), and
 * what it does not use carries over, so with {@code steps-per-version} below
 * {@code max-policy-lag} the actor has steps in hand when a version arrives. Used by the actor's
 * own thread only, except for {@link #waitTimeouts()}.
 */
final class PolicyLagGate {

    private static final Logger log = LoggerFactory.getLogger(PolicyLagGate.class);

    private final String actorId;
    private final LongUnaryOperator stepAllowance;
    private final long versionCredit;
    private final Duration policyWait;
    private final Versions policies;
    private final PolicyWaitWarning warning;
    private final AtomicLong waitTimeouts = new AtomicLong();
    private long lagVersion = Long.MIN_VALUE;
    /** Steps taken that no version has paid for yet; at the allowance the actor waits. */
    private long stepsUnpaid;
    private boolean waitTimedOut;

    PolicyLagGate(ActorConfig config, PolicySubscriber policies, Clock clock) {
        this(config.actorId(), config::stepAllowance, config.versionCredit(), config.policyWait(), Versions.of(policies),
                new PolicyWaitWarning(config.actorId(), config.policyWait(), clock));
    }

    /**
     * @param stepAllowance steps allowed on a version (-1: no policy yet) before waiting for a
     *     newer one; 0 turns flow control off
     * @param versionCredit steps each newer version pays for (the allowance of any version, for
     *     a fresh allowance per version)
     * @param warning what a wait in vain logs
     */
    PolicyLagGate(String actorId, LongUnaryOperator stepAllowance, long versionCredit, Duration policyWait,
                  Versions policies, PolicyWaitWarning warning) {
        this.actorId = actorId;
        this.stepAllowance = stepAllowance;
        this.versionCredit = versionCredit;
        this.policyWait = policyWait;
        this.policies = policies;
        this.warning = warning;
    }

    /**
     * Once the allowance of steps on the held version is spent, waits for a newer one for at
     * most {@code policy-wait}.
     *
     * @return false when the wait was interrupted or the subscriber closed, and the actor is to
     *     stop instead of stepping
     */
    boolean awaitFreshEnoughPolicy() {
        long allowance = stepAllowance.applyAsLong(lagVersion);
        if (lagVersion < 0 && waitTimedOut && allowance > 0) {
            // The warm-up allowance is spent and no policy came: a learner still starting (a cold JVM,
            // its first transactional publication) would otherwise let every actor run another
            // warm-up's worth of random steps per wait, thousands of steps no one learns from sooner.
            allowance = stepAllowance.applyAsLong(0); // what any version allows: max-policy-lag
        }
        if (allowance == 0 || stepsUnpaid < allowance || policies.current() != lagVersion) {
            return true;
        }
        boolean newer;
        try {
            newer = policies.awaitNewerThan(lagVersion, policyWait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        if (!newer && policies.closed()) {
            return false; // the actor is closing: no wait timed out, and no step is to follow
        }
        if (newer) {
            waitTimedOut = false;
        } else {
            waitTimeouts.incrementAndGet();
            // A wait in vain pays for one version's share, as a version would: a slow or dead
            // learner throttles the actor to that many steps per policy-wait.
            stepsUnpaid = Math.max(0, stepAllowance.applyAsLong(Math.max(0, lagVersion)) - versionCredit);
            if (lagVersion < 0) {
                if (!waitTimedOut) {
                    // Expected at start: a learner publishes nothing before it holds learning-starts transitions.
                    log.info("actor {}: no policy yet after {} random steps; going on while the learner fills its "
                            + "buffer", actorId, allowance);
                }
            } else {
                // Rate-limited: a lag too short for the learner times out on every version, not just once.
                warning.timedOut(lagVersion, allowance).ifPresent(log::warn);
            }
            waitTimedOut = true;
        }
        return true;
    }

    /** Counts a step taken on {@code version}. */
    void stepped(long version) {
        if (version != lagVersion) {
            // The random steps before the first policy are the warm-up's; every later version pays
            // for versionCredit steps per version it is ahead of the one before.
            long paid = lagVersion < 0 ? Long.MAX_VALUE
                    : Math.min(version - lagVersion, Long.MAX_VALUE / Math.max(1, versionCredit)) * versionCredit;
            stepsUnpaid = Math.max(0, stepsUnpaid - paid);
            lagVersion = version;
        }
        stepsUnpaid++;
    }

    /** Waits for a newer policy that ended without one. */
    long waitTimeouts() {
        return waitTimeouts.get();
    }

    /** The versions the actor's policy subscriber holds, as far as flow control needs them. */
    interface Versions {

        /** The newest version held; -1 before any. */
        long current();

        /** Waits at most {@code timeout} for a version newer than {@code version}; whether one came. */
        boolean awaitNewerThan(long version, Duration timeout) throws InterruptedException;

        /** Whether the subscriber was closed, which ends a wait early. */
        boolean closed();

        static Versions of(PolicySubscriber policies) {
            return new Versions() {
                @Override
                public long current() {
                    return policies.current().map(PolicySnapshot::version).orElse(-1L);
                }

                @Override
                public boolean awaitNewerThan(long version, Duration timeout) throws InterruptedException {
                    return policies.awaitNewerThan(version, timeout).isPresent();
                }

                @Override
                public boolean closed() {
                    return policies.closed();
                }
            };
        }
    }
}
