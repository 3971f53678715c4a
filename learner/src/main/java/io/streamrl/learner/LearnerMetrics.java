package io.streamrl.learner;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.streamrl.core.agent.GuardedUpdates;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The learner's numbers, kept exactly in atomics (Micrometer counters are doubles and
 * step-based) and exposed both as {@code learner.*} meters and as a {@link LearnerStats}
 * snapshot. Written by the ingest thread (transition counts), the training thread (buffer,
 * updates, losses, evaluations) and the producers' I/O threads (acknowledgements of policies and
 * dead letters).
 *
 * <p>A rejected record is counted once when ingest rejects it, then once more as dead-lettered
 * when the dead-letter topic acknowledges its letter, or as a dead-letter failure when the write
 * failed: {@code rejected = dead_lettered + failures + letters still in flight}, so a letter
 * that was lost is never counted as written.
 */
final class LearnerMetrics {

    static final String RECEIVED = "learner.transitions.received";
    static final String REJECTED = "learner.transitions.rejected";
    static final String DEAD_LETTERED = "learner.transitions.dead_lettered";
    static final String DEAD_LETTER_FAILURES = "learner.dead_letter.failures";
    static final String BUFFER_SIZE = "learner.buffer.size";
    static final String BUFFER_FILL = "learner.buffer.fill";
    static final String UPDATES = "learner.updates";
    static final String UPDATES_PER_SECOND = "learner.updates_per_second";
    static final String POLICY_VERSION = "learner.policy.version";
    static final String POLICY_PUBLISHED = "learner.policy.published";
    static final String CRITIC_LOSS = "learner.critic.loss";
    static final String EVAL_MEAN_RETURN = "learner.eval.mean_return";
    static final String UPDATE_FAILURES = "learner.update.failures";
    static final String GUARD_TRIPS = "learner.guard.trips";
    static final String POLICIES_WITHHELD = "learner.policies.withheld";
    static final String UPDATES_FORFEITED = "learner.updates.forfeited";
    static final String REFILLED = "learner.transitions.refilled";
    static final String CHECKPOINTS_WRITTEN = "learner.checkpoints.written";
    static final String CHECKPOINT_FAILURES = "learner.checkpoint.failures";
    static final String CHECKPOINTS_SKIPPED = "learner.checkpoints.skipped";
    static final String ROLLOUTS_DISCARDED = "learner.rollouts.discarded";
    static final String ROLLOUTS_CORRECTED = "learner.rollouts.corrected";

    private final int bufferCapacity;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong deadLetterFailures = new AtomicLong();
    private final AtomicInteger bufferSize = new AtomicInteger();
    private final AtomicLong updates = new AtomicLong();
    private final AtomicLong policyVersion = new AtomicLong(-1);
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong updateFailures = new AtomicLong();
    private final Map<GuardedUpdates.Reason, AtomicLong> guardTrips = new EnumMap<>(GuardedUpdates.Reason.class);
    private final AtomicLong policiesWithheld = new AtomicLong();
    private final AtomicLong updatesForfeited = new AtomicLong();
    private final AtomicLong refilled = new AtomicLong();
    private final AtomicLong checkpointsWritten = new AtomicLong();
    private final AtomicLong checkpointFailures = new AtomicLong();
    private final AtomicLong checkpointsSkipped = new AtomicLong();
    private final AtomicLong rolloutsDiscarded = new AtomicLong();
    private final AtomicLong rolloutsCorrected = new AtomicLong();
    private volatile double updatesPerSecond;
    private volatile double criticLoss = Double.NaN;
    private volatile double evalMeanReturn = Double.NaN;
    private volatile LearnerPhase phase = LearnerPhase.NEW;

    /** Registers the meters, tagged with the policy name so several learners can share a registry. */
    LearnerMetrics(MeterRegistry registry, String policyName, int bufferCapacity) {
        this.bufferCapacity = bufferCapacity;
        Tags tags = Tags.of("policy", policyName);
        counter(registry, RECEIVED, tags, received, "Records read from the transitions topic, valid or not");
        counter(registry, REJECTED, tags, rejected, "Records that failed decoding or validation");
        counter(registry, DEAD_LETTERED, tags, deadLettered,
                "Dead letters of rejected records acknowledged by the dead-letter topic");
        counter(registry, DEAD_LETTER_FAILURES, tags, deadLetterFailures,
                "Dead letters of rejected records that could not be written (see the learner's ERROR log)");
        counter(registry, UPDATES, tags, updates, "Gradient updates taken");
        counter(registry, POLICY_PUBLISHED, tags, published, "Policy snapshots acknowledged by the broker");
        counter(registry, UPDATE_FAILURES, tags, updateFailures,
                "Updates refused by the guard, whatever the reason; the weights went back to the last good checkpoint");
        for (GuardedUpdates.Reason reason : GuardedUpdates.Reason.values()) {
            AtomicLong trips = new AtomicLong();
            guardTrips.put(reason, trips);
            counter(registry, GUARD_TRIPS, tags.and("reason", reason.label()), trips, "Updates refused by the guard,"
                    + " by reason");
        }
        counter(registry, POLICIES_WITHHELD, tags, policiesWithheld, "Policies not published because the last"
                + " evaluation fell more than eval-withhold-margin below the best");
        counter(registry, UPDATES_FORFEITED, tags, updatesForfeited, "Updates the replay ratio allowed for transitions"
                + " overwritten in the buffer before the learner got to them");
        counter(registry, REFILLED, tags, refilled, "Records re-read after a restart from a checkpoint to refill the"
                + " buffer; not counted as received again");
        counter(registry, CHECKPOINTS_WRITTEN, tags, checkpointsWritten, "Checkpoints written to checkpoint-dir");
        counter(registry, CHECKPOINT_FAILURES, tags, checkpointFailures, "Checkpoints that could not be written"
                + " (see the learner's ERROR log); training goes on");
        counter(registry, CHECKPOINTS_SKIPPED, tags, checkpointsSkipped, "Corrupt checkpoints skipped at start-up");
        counter(registry, ROLLOUTS_DISCARDED, tags, rolloutsDiscarded, "A2C: rollout segments dropped as more than"
                + " max-staleness versions old (staleness discard)");
        counter(registry, ROLLOUTS_CORRECTED, tags, rolloutsCorrected, "A2C: rollout segments from an older policy"
                + " learned from with V-trace targets (staleness vtrace)");
        Gauge.builder(BUFFER_SIZE, bufferSize, AtomicInteger::doubleValue).tags(tags).strongReference(true)
                .description("Transitions in the replay buffer").register(registry);
        Gauge.builder(BUFFER_FILL, this, m -> m.bufferFill()).tags(tags).strongReference(true)
                .description("Share of the replay buffer capacity in use").register(registry);
        Gauge.builder(UPDATES_PER_SECOND, this, m -> m.updatesPerSecond).tags(tags).strongReference(true)
                .description("Gradient updates per second over the last progress interval").register(registry);
        Gauge.builder(POLICY_VERSION, policyVersion, AtomicLong::doubleValue).tags(tags).strongReference(true)
                .description("Version of the last acknowledged policy snapshot; -1 before the first")
                .register(registry);
        Gauge.builder(CRITIC_LOSS, this, m -> m.criticLoss).tags(tags).strongReference(true)
                .description("Critic loss of the last update").register(registry);
        Gauge.builder(EVAL_MEAN_RETURN, this, m -> m.evalMeanReturn).tags(tags).strongReference(true)
                .description("Mean return of the last evaluation of the deterministic policy").register(registry);
    }

    private static void counter(MeterRegistry registry, String name, Tags tags, AtomicLong value, String description) {
        FunctionCounter.builder(name, value, AtomicLong::doubleValue).tags(tags).description(description)
                .register(registry);
    }

    /** One poll's worth: received first, so a snapshot never sees more rejected records than records. */
    void ingested(int records, int rejectedRecords) {
        received.addAndGet(records);
        rejected.addAndGet(rejectedRecords);
    }

    /** The dead-letter topic acknowledged a letter. */
    void deadLettered() {
        deadLettered.incrementAndGet();
    }

    /** @return failed dead-letter writes so far, this one included */
    long deadLetterFailed() {
        return deadLetterFailures.incrementAndGet();
    }

    void bufferSize(int size) {
        bufferSize.set(size);
    }

    void updated(long totalUpdates, double loss) {
        criticLoss = loss;
        updates.set(totalUpdates);
    }

    void updatesPerSecond(double rate) {
        updatesPerSecond = rate;
    }

    /** An update refused by the guard: counted by reason and in the total. */
    void guardTripped(GuardedUpdates.Reason reason, long totalUpdates) {
        guardTrips.get(reason).incrementAndGet();
        updateFailures.incrementAndGet();
        updates.set(totalUpdates);
    }

    void refilled(long count) {
        refilled.addAndGet(count);
    }

    void checkpointWritten() {
        checkpointsWritten.incrementAndGet();
    }

    void checkpointFailed() {
        checkpointFailures.incrementAndGet();
    }

    void checkpointSkipped() {
        checkpointsSkipped.incrementAndGet();
    }

    void policyWithheld() {
        policiesWithheld.incrementAndGet();
    }

    void updatesForfeited(long count) {
        updatesForfeited.addAndGet(count);
    }

    void published(long version) {
        policyVersion.accumulateAndGet(version, Math::max);
        published.incrementAndGet();
    }

    /** A2C: the segment learner's counts so far. */
    void rollouts(long discarded, long corrected) {
        rolloutsDiscarded.set(discarded);
        rolloutsCorrected.set(corrected);
    }

    void evaluated(double meanReturn) {
        evalMeanReturn = meanReturn;
    }

    void phase(LearnerPhase value) {
        phase = value;
    }

    long guardTrips(GuardedUpdates.Reason reason) {
        return guardTrips.get(reason).get();
    }

    long received() {
        return received.get();
    }

    private double bufferFill() {
        return (double) bufferSize.get() / bufferCapacity;
    }

    LearnerStats snapshot() {
        // Outcomes before causes (the reverse of the writes), so no count exceeds the one it is part of.
        long failures = deadLetterFailures.get();
        long letters = deadLettered.get();
        long refused = rejected.get();
        long records = received.get();
        return new LearnerStats(phase, records, refused, letters, failures, bufferSize.get(), bufferFill(),
                updates.get(), updatesPerSecond, policyVersion.get(), published.get(), criticLoss, evalMeanReturn,
                updateFailures.get(), policiesWithheld.get(), updatesForfeited.get(), refilled.get(),
                checkpointsWritten.get(), checkpointFailures.get(), checkpointsSkipped.get(), rolloutsDiscarded.get(),
                rolloutsCorrected.get());
    }
}
