package io.streamrl.actor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PolicyLagGateTest {

    private static final Duration WAIT = Duration.ofMillis(10);

    /** Policy versions held, set by the test; a wait returns at once, with whether a newer one is there. */
    private static final class FakeVersions implements PolicyLagGate.Versions {
        long current = -1;
        int waits;
        boolean closed;

        @Override
        public boolean closed() {
            return closed;
        }

        @Override
        public long current() {
            return current;
        }

        @Override
        public boolean awaitNewerThan(long version, Duration timeout) {
            waits++;
            return current > version;
        }
    }

    private static PolicyLagGate gate(FakeVersions versions, long allowance, long credit, long warmup) {
        return new PolicyLagGate("a1", version -> version < 0 ? warmup : allowance, credit, WAIT, versions,
                new PolicyWaitWarning("a1", WAIT, Clock.systemUTC()));
    }

    /** Steps the actor takes on the versions held until flow control makes it wait (at most {@code limit}). */
    private static int stepsUntilWait(PolicyLagGate gate, FakeVersions versions, int limit) {
        int before = versions.waits;
        for (int steps = 0; steps < limit; steps++) {
            assertThat(gate.awaitFreshEnoughPolicy()).isTrue();
            if (versions.waits > before) {
                return steps;
            }
            gate.stepped(versions.current);
        }
        return limit;
    }

    @Test
    void aFreshAllowancePerVersionWhenEachVersionPaysForAllOfIt() {
        FakeVersions versions = new FakeVersions();
        PolicyLagGate gate = gate(versions, 50, 50, 550);
        assertThat(stepsUntilWait(gate, versions, 10_000)).isEqualTo(550);
        versions.current = 0;
        assertThat(stepsUntilWait(gate, versions, 10_000)).isEqualTo(50);
        versions.current = 1;
        assertThat(stepsUntilWait(gate, versions, 10_000)).isEqualTo(50);
    }

    @Test
    void stepsInHandCarryOverWhenEachVersionPaysForPartOfTheAllowance() {
        FakeVersions versions = new FakeVersions();
        PolicyLagGate gate = gate(versions, 100, 50, 550);
        assertThat(stepsUntilWait(gate, versions, 10_000)).isEqualTo(550);
        versions.current = 0;
        // The first policy: the whole allowance, one version's worth of it in hand.
        assertThat(stepsUntilWait(gate, versions, 60)).isEqualTo(60);
        // Version 1 arrives after 60 steps: it pays for 50, so 10 are unpaid and 90 remain.
        versions.current = 1;
        assertThat(stepsUntilWait(gate, versions, 10_000)).isEqualTo(90);
        // Three versions at once pay for 150 of the 100 unpaid: never more than the allowance in hand.
        versions.current = 4;
        assertThat(stepsUntilWait(gate, versions, 10_000)).isEqualTo(100);
    }

    @Test
    void overTimeEachVersionGetsWhatItPaysFor() {
        // An actor in step with a learner that publishes a version for every 50 of its steps: after
        // the first, it never waits, and the versions it has seen pay for all it took but 100.
        FakeVersions versions = new FakeVersions();
        PolicyLagGate gate = gate(versions, 100, 50, 550);
        assertThat(stepsUntilWait(gate, versions, 10_000)).isEqualTo(550);
        long steps = 0;
        for (long v = 0; v < 40; v++) {
            versions.current = v;
            steps += stepsUntilWait(gate, versions, 50);
        }
        assertThat(steps).isEqualTo(40 * 50);
        assertThat(versions.waits).isEqualTo(1);
        // Now the learner stops publishing: the actor takes what it holds in hand, then waits.
        assertThat(stepsUntilWait(gate, versions, 10_000)).isEqualTo(50);
    }

    @Test
    void aWaitInVainPaysForOneVersionsShare() {
        FakeVersions versions = new FakeVersions();
        PolicyLagGate gate = gate(versions, 100, 50, 550);
        // No policy comes: after the warm-up, each wait that times out grants one version's share.
        assertThat(stepsUntilWait(gate, versions, 10_000)).isEqualTo(550);
        assertThat(stepsUntilWait(gate, versions, 10_000)).isEqualTo(50);
        assertThat(gate.waitTimeouts()).isEqualTo(2);
        versions.current = 0;
        assertThat(stepsUntilWait(gate, versions, 10_000)).isEqualTo(100);
        assertThat(stepsUntilWait(gate, versions, 10_000)).isEqualTo(50);
        assertThat(gate.waitTimeouts()).isEqualTo(4);
        // Where each version pays for the whole allowance, a wait in vain grants all of it again.
        FakeVersions lockStep = new FakeVersions();
        lockStep.current = 0;
        PolicyLagGate fresh = gate(lockStep, 50, 50, 550);
        assertThat(stepsUntilWait(fresh, lockStep, 10_000)).isEqualTo(50);
        assertThat(stepsUntilWait(fresh, lockStep, 10_000)).isEqualTo(50);
    }

    @Test
    void aWaitEndedByClosingStopsTheActorWithoutCountingATimeout() {
        FakeVersions versions = new FakeVersions();
        versions.current = 0;
        PolicyLagGate gate = gate(versions, 100, 50, 550);
        for (int i = 0; i < 100; i++) {
            assertThat(gate.awaitFreshEnoughPolicy()).isTrue();
            gate.stepped(0);
        }
        versions.closed = true;
        assertThat(gate.awaitFreshEnoughPolicy()).isFalse();
        assertThat(gate.waitTimeouts()).isZero();
    }
}
