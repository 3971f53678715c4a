package io.streamrl.actor;

import io.streamrl.core.policy.PolicySnapshot;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flow control of a simulated actor ({@code max-policy-lag} > 0): after that many steps on one
 * policy version the actor waits for a newer one, at most {@code policy-wait}; after a timeout
 * it is granted another allowance of steps, so a slow learner slows the actor and a dead one
 * only throttles it. Before the first policy the allowance is {@code warmup-steps} once, then
 * {@code max-policy-lag} after each wait that timed out. Used by the actor's own thread only, except for {@link #waitTimeouts()}.
 */
final class PolicyLagGate {

    private static final Logger log = LoggerFactory.getLogger(PolicyLagGate.class);

    private final String actorId;
    private final LongUnaryOperator stepAllowance;
    private final Duration policyWait;
    private final PolicySubscriber policies;
    private final PolicyWaitWarning warning;
    private final AtomicLong waitTimeouts = new AtomicLong();
    private long lagVersion = Long.MIN_VALUE;
    private long stepsOnVersion;
    private boolean waitTimedOut;

    PolicyLagGate(ActorConfig config, PolicySubscriber policies, Clock clock) {
        this(config.actorId(), config::stepAllowance, config.policyWait(), policies,
                new PolicyWaitWarning(config.actorId(), config.policyWait(), clock));
    }

    /**
     * @param stepAllowance steps allowed on a version (-1: no policy yet) before waiting for a
     *     newer one; 0 turns flow control off
     * @param warning what a wait in vain logs
     */
    PolicyLagGate(String actorId, LongUnaryOperator stepAllowance, Duration policyWait, PolicySubscriber policies,
                  PolicyWaitWarning warning) {
        this.actorId = actorId;
        this.stepAllowance = stepAllowance;
        this.policyWait = policyWait;
        this.policies = policies;
        this.warning = warning;
    }

    /**
     * Once the allowance of steps on the held version is spent, waits for a newer one for at
     * most {@code policy-wait}.
     *
     * @return false when the wait was interrupted and the actor is to stop instead of stepping
     */
    boolean awaitFreshEnoughPolicy() {
        long allowance = stepAllowance.applyAsLong(lagVersion);
        if (lagVersion < 0 && waitTimedOut && allowance > 0) {
            // The warm-up allowance is spent and no policy came: a learner still starting (a cold JVM,
            // its first transactional publication) would otherwise let every actor run another
            // warm-up's worth of random steps per wait, thousands of steps no one learns from sooner.
            allowance = stepAllowance.applyAsLong(0); // what any version allows: max-policy-lag
        }
        if (allowance == 0 || stepsOnVersion < allowance || currentVersion() != lagVersion) {
            return true;
        }
        Optional<PolicySnapshot> newer;
        try {
            newer = policies.awaitNewerThan(lagVersion, policyWait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        if (newer.isPresent()) {
            waitTimedOut = false;
        } else {
            waitTimeouts.incrementAndGet();
            stepsOnVersion = 0;
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
        if (version == lagVersion) {
            stepsOnVersion++;
        } else {
            lagVersion = version;
            stepsOnVersion = 1;
        }
    }

    /** Waits for a newer policy that ended without one. */
    long waitTimeouts() {
        return waitTimeouts.get();
    }

    private long currentVersion() {
        return policies.current().map(PolicySnapshot::version).orElse(-1L);
    }
}
