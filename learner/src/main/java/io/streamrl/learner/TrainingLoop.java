package io.streamrl.learner;

import io.streamrl.core.agent.Ddpg;
import io.streamrl.core.agent.DdpgConfig;
import io.streamrl.core.agent.GuardedUpdates;
import io.streamrl.core.policy.ObservationNormalizer;
import io.streamrl.core.replay.Batch;
import io.streamrl.core.replay.ReplayBuffer;
import io.streamrl.core.train.CurvePoint;
import io.streamrl.core.train.Evaluation;
import io.streamrl.core.train.TrainListener;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training thread: the only user of the replay buffer and the agent. Before every step it
 * moves what ingest delivered into the buffer; once the buffer holds {@code learning-starts}
 * transitions it takes gradient updates while the replay ratio allows (below), and otherwise
 * waits for data (blocking, with a timeout for the progress line) instead of overfitting a small
 * buffer. It evaluates the actor every {@code eval-every} environment steps' worth of updates
 * ({@link #evaluationDue}: the updates a local trainer has taken at environment step
 * {@code k x eval-every}; offline, every {@code eval-every} updates); every {@code publish-every}
 * updates it checks every weight, keeps the state as the last good checkpoint and publishes the
 * actor, unless the last evaluation fell more than {@code eval-withhold-margin} below the best
 * (then the last policy published goes out again under the next version: see
 * {@link PolicySink#republishLast()}).
 *
 * <p>The update budget. Each transition added earns {@code replay-ratio} updates, and an update
 * is taken only against earned credit, so when data stops, updates stop. Credit belongs to the
 * transition that earned it and lapses when that transition is overwritten: the learner never
 * owes more than {@code replay-ratio * (transitions in the buffer)} updates. Until the buffer is
 * full this is exactly {@code updates < floor(replay-ratio * (transitions credited -
 * learning-starts))}; once it wraps, a learner that fell behind (actors faster than its updates)
 * forfeits the credit of transitions it never trained on instead of spending it, after the actors
 * have stopped, on the transitions that are left. Refused updates count against the budget too,
 * so a guard that keeps tripping cannot keep the thread busy without data either.
 *
 * <p>Every update goes through {@link GuardedUpdates}: a refused one rolls the agent back to the
 * last checkpoint (which is the last published policy, or the initial weights), is counted by
 * reason and logged, and is never published; {@code max-consecutive-trips} refusals without a
 * good checkpoint between them stop training for good.
 *
 * <p>Offline ({@code offlineUpdates > 0}) the budget is a different one and there is an end: the
 * loop waits until every ingest thread has read the log to the end offsets captured at start
 * ({@link ExperienceInbox#exhausted()}), then takes exactly {@code offlineUpdates} updates
 * (attempted ones, refused ones included, counted from a resumed checkpoint's count), whatever the
 * replay ratio, since the data will not grow. Publication, evaluation, guard and checkpoints work
 * as online; after the last update it evaluates (with {@code eval-every}) and publishes unless it
 * just did, writes the final checkpoint (when configured) and ends ({@link #completed()}). A log
 * with fewer than {@code learning-starts} usable transitions ends it with
 * {@link LearnerResult.Outcome#NO_DATA} before any update.
 *
 * <p>Checkpoints on disk ({@link CheckpointWriter}, when configured): at the first publication
 * step at least {@code checkpoint-every} updates after the last one, and at shutdown, the last
 * good checkpoint is stored with the loop's counters and the topic offsets the buffer reached. A
 * learner resumed from one continues the counts; the transitions it re-reads to refill its buffer
 * earn no credit, since they earned it before the checkpoint.
 */
final class TrainingLoop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(TrainingLoop.class);
    /** Fujimoto and Gu 2021, section 5: keeps a constant dimension's scale finite. */
    static final double STANDARDIZATION_EPSILON = 1e-3;

    /** Why training stopped other than by {@link #shutdown()}. */
    record Failure(LearnerResult.Outcome outcome, String reason) {
    }

    private final Ddpg agent;
    private final GuardedUpdates guarded;
    private final int maxConsecutiveTrips;
    private final double withholdMargin;
    private final int learningStarts;
    private final double replayRatio;
    private final ReplayBuffer buffer;
    private final Batch batch;
    /** Reseeded at every checkpoint (see {@link #reseed}). */
    private SplittableRandom replayRandom;
    private final ExperienceInbox inbox;
    private final long publishEvery;
    private final PolicySink sink;
    /** What observations went through on their way into the buffer: ingest's normaliser, then any standardisation. */
    private ObservationNormalizer normalizer;
    /** Offline: whether the log's observations are standardised once it is in the buffer. */
    private final boolean standardizeObservations;
    private final long evalEvery;
    private final PolicyEvaluator evaluator;
    private final TrainListener listener;
    private final LearnerMetrics metrics;
    private final ProgressLog progress;
    private final Clock clock;
    private final long progressMillis;
    private final CheckpointWriter checkpoints;
    private final IngestPosition position;
    /** Offline: the updates to take; 0 online. */
    private final long offlineUpdates;
    /** Offline: whether the whole log has been moved into the buffer. */
    private boolean logLoaded;
    private long lastEvaluatedAt = -1;
    private long nextEvaluationAt;
    private long lastPublicationStepAt = -1;
    private long lastPublishedVersion;
    private volatile boolean stopping;
    private volatile boolean completed;
    private volatile Failure failure;
    /** Updates attempted, refused ones included: what the replay ratio limits. */
    private long taken;
    /** Credit of transitions overwritten before it was spent; see the class comment. */
    private long forfeited;
    private double bestEval = Double.NEGATIVE_INFINITY;
    private boolean withholding;

    /**
     * @param evalEvery environment steps between evaluations online, updates offline (see
     *     {@link #evaluationDue}); 0 for none (then {@code evaluator} may be null)
     * @param checkpoints where checkpoints go; null for none
     * @param resumed the checkpoint {@code agent} was resumed from, whose counters the loop
     *     continues, and whose seed its generators restart from; null for a fresh start
     * @param offlineUpdates offline: the gradient updates to take once the log is loaded, then
     *     end; 0 for online learning at the replay ratio
     * @param normalizer the normaliser ingest applied to every observation in the buffer
     * @param standardizeObservations offline: standardise the buffer's observations with their
     *     own statistics once the log is in (see {@link #standardize()})
     */
    TrainingLoop(Ddpg agent, ReplayBuffer buffer, SplittableRandom replayRandom, ExperienceInbox inbox,
                 long publishEvery, PolicySink sink, long evalEvery, PolicyEvaluator evaluator, TrainListener listener,
                 LearnerMetrics metrics, ProgressLog progress, Clock clock, Duration progressInterval,
                 CheckpointWriter checkpoints, CheckpointMetadata resumed, long offlineUpdates,
                 ObservationNormalizer normalizer, boolean standardizeObservations) {
        DdpgConfig config = agent.config();
        if (buffer.observationDim() != agent.observationDim() || buffer.actionDim() != agent.actionDim()) {
            throw new IllegalArgumentException("replay buffer dimensions " + buffer.observationDim() + "/"
                    + buffer.actionDim() + " do not match the agent's " + agent.observationDim() + "/"
                    + agent.actionDim());
        }
        if (evalEvery > 0 && evaluator == null) {
            throw new IllegalArgumentException("eval-every is " + evalEvery + " but there is no evaluator");
        }
        if (offlineUpdates < 0) {
            throw new IllegalArgumentException("offline updates must be >= 0 (0: online), got " + offlineUpdates);
        }
        if (standardizeObservations && offlineUpdates == 0) {
            throw new IllegalArgumentException("observations are standardised offline only");
        }
        if (normalizer.dim() != agent.observationDim()) {
            throw new IllegalArgumentException("normaliser has " + normalizer.dim() + " entries, the agent takes "
                    + agent.observationDim());
        }
        this.offlineUpdates = offlineUpdates;
        this.normalizer = normalizer;
        this.standardizeObservations = standardizeObservations;
        this.agent = agent;
        this.guarded = new GuardedUpdates(agent);
        this.maxConsecutiveTrips = config.guard().maxConsecutiveTrips();
        this.withholdMargin = config.guard().evalWithholdMargin();
        this.learningStarts = config.learningStarts();
        this.replayRatio = config.replayRatio();
        this.buffer = buffer;
        this.batch = new Batch(config.batchSize(), agent.observationDim(), agent.actionDim());
        this.replayRandom = replayRandom;
        this.inbox = inbox;
        this.publishEvery = publishEvery;
        this.sink = sink;
        this.evalEvery = evalEvery;
        this.evaluator = evaluator;
        this.listener = listener;
        this.metrics = metrics;
        this.progress = progress;
        this.clock = clock;
        this.progressMillis = progressInterval.toMillis();
        this.checkpoints = checkpoints;
        if (resumed == null) {
            position = IngestPosition.start();
            lastPublishedVersion = -1;
        } else {
            if (resumed.updates() != agent.updates()) {
                throw new IllegalArgumentException("the agent is at update " + agent.updates()
                        + ", the checkpoint it was resumed from at " + resumed.updates());
            }
            position = new IngestPosition(resumed.credited(), resumed.offsets());
            taken = resumed.attempted();
            forfeited = resumed.forfeited();
            bestEval = resumed.bestEval();
            withholding = resumed.withholding();
            lastPublishedVersion = resumed.lastPublishedVersion();
            reseed(resumed.rngSeed());
        }
        metrics.updated(agent.updates(), Double.NaN);
        nextEvaluationAt = evaluationDue(agent.updates());
    }

    /**
     * The update count of the first evaluation after {@code updates}. Offline, every
     * {@code eval-every} updates. Online, the evaluations fall where a local trainer's do, at
     * environment steps {@code k x eval-every}, and a learner counts updates, not steps: at step
     * {@code s} the replay ratio has earned {@code floor(replay-ratio x (s - learning-starts))}
     * updates, so evaluation {@code k} is due at that count for {@code s = k x eval-every}.
     * Counting evaluations in updates instead would put each one {@code learning-starts} steps
     * later than the same setting does in {@code streamrl train} or a peer.
     */
    long evaluationDue(long updates) {
        if (evalEvery <= 0) {
            return Long.MAX_VALUE;
        }
        if (offlineUpdates > 0) {
            return (updates / evalEvery + 1) * evalEvery;
        }
        long k = Math.max(1, (long) Math.floor((updates / replayRatio + learningStarts) / evalEvery));
        long due;
        do {
            due = (long) Math.floor(replayRatio * (k * evalEvery - learningStarts));
            k++;
        } while (due <= updates);
        return due;
    }

    @Override
    public void run() {
        long start = clock.millis();
        long nextProgress = start + progressMillis;
        try {
            while (!stopping && failure == null && !completed) {
                moveInboxToBuffer();
                long now = clock.millis();
                if (now >= nextProgress) {
                    progress.report(now, agent.updates());
                    nextProgress = now + progressMillis;
                }
                if (mayUpdate()) {
                    step(start);
                } else if (offlineDone()) {
                    finishOffline(start);
                } else if (failure == null) {
                    inbox.awaitPending(Duration.ofMillis(Math.max(1, nextProgress - now)));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (!stopping) {
                failure = new Failure(LearnerResult.Outcome.TRAINING_FAILED, "the training thread was interrupted");
            }
        } catch (PolicyFencedException e) {
            // Logged once, by LearnerService, when the run ends.
            failure = new Failure(LearnerResult.Outcome.FENCED, e.getMessage());
        } catch (RuntimeException e) {
            log.error("training failed after {} updates", agent.updates(), e);
            failure = new Failure(LearnerResult.Outcome.TRAINING_FAILED, "training failed after " + agent.updates()
                    + " updates: " + e);
        } finally {
            progress.report(clock.millis(), agent.updates());
        }
        if ((stopping || completed) && failure == null && checkpoints != null
                && checkpoints.newerThanLast(agent.updates())) {
            // At shutdown (and at the end of an offline run) the newest state is stored if it passes the
            // weight check; a state that fails it is rolled back, and the last checkpoint on disk stays
            // the one to resume from.
            Optional<GuardedUpdates.Trip> trip = guarded.checkpoint();
            if (trip.isEmpty()) {
                writeCheckpoint();
            } else {
                log.warn("no checkpoint at shutdown: the weights after {} updates failed the check ({})",
                        agent.updates(), trip.get().detail());
            }
        }
    }

    /** Makes {@link #run()} return after the current update; callable from any thread. */
    void shutdown() {
        stopping = true;
        inbox.close();
    }

    Optional<Failure> failure() {
        return Optional.ofNullable(failure);
    }

    /** Offline: whether the run took its updates and ended (published, checkpointed). */
    boolean completed() {
        return completed;
    }

    private void moveInboxToBuffer() {
        int moved = inbox.drainTo(buffer, position);
        if (moved > 0) {
            metrics.bufferSize(buffer.size());
        }
    }

    private boolean mayUpdate() {
        return offlineUpdates > 0 ? offlineAllows() : replayRatioAllows();
    }

    /** Offline: nothing until the whole log is in the buffer, then updates until {@code offlineUpdates} were taken. */
    private boolean offlineAllows() {
        if (!logLoaded) {
            if (!inbox.exhausted()) {
                return false;
            }
            loaded();
            if (failure != null) {
                return false;
            }
        }
        return taken < offlineUpdates;
    }

    private boolean offlineDone() {
        return offlineUpdates > 0 && logLoaded && failure == null && taken >= offlineUpdates;
    }

    /** Offline: the log is in the buffer; says what it holds, or ends the run when it is too little to learn from. */
    private void loaded() {
        logLoaded = true;
        LearnerStats s = metrics.snapshot();
        String read = String.format(Locale.ROOT, "%,d records read, %,d rejected", s.transitionsReceived(),
                s.transitionsRejected());
        if (buffer.size() < learningStarts) {
            String reason = String.format(Locale.ROOT, "offline: the transitions topic held %,d usable transitions"
                    + " (%s), fewer than learning-starts (%,d); nothing to learn from. Check --namespace and --env, or"
                    + " lower --set learning-starts", buffer.size(), read, learningStarts);
            log.error("{}", reason);
            failure = new Failure(LearnerResult.Outcome.NO_DATA, reason);
            return;
        }
        if (standardizeObservations) {
            standardize();
        }
        long overwritten = buffer.totalAdded() - buffer.size();
        if (overwritten > 0) {
            log.warn(String.format(Locale.ROOT, "offline: the log held %,d usable transitions, more than"
                    + " buffer-capacity (%,d): the buffer keeps the newest %,d by arrival, the %,d oldest were"
                    + " overwritten; raise --set buffer-capacity to train on all of them", buffer.totalAdded(),
                    buffer.capacity(), buffer.size(), overwritten));
        }
        log.info(String.format(Locale.ROOT, "offline: the log is in the buffer, %,d transitions (%s); taking %,d"
                + " gradient updates%s", buffer.size(), read, Math.max(0, offlineUpdates - taken),
                taken > 0 ? String.format(Locale.ROOT, " (%,d of %,d taken before the checkpoint)", taken,
                        offlineUpdates) : ""));
    }

    /**
     * TD3+BC's state normalisation (Fujimoto and Gu 2021, section 5): {@code s' = (s - mu) /
     * (sigma + 1e-3)} for {@code s} and {@code s'} alike, with the mean and standard deviation of
     * the observations in the buffer, i.e. of the dataset. The buffer is mapped in place before
     * the first update; every evaluation and published policy applies the same map (after
     * ingest's own normaliser) to what it observes, so actors feed the network what it trained on.
     * A resumed offline run re-reads the same log and so finds the same statistics.
     */
    private void standardize() {
        ReplayBuffer.ObservationMoments moments = buffer.observationMoments();
        ObservationNormalizer standardization = ObservationNormalizer.standardizing(moments.mean(), moments.std(),
                STANDARDIZATION_EPSILON);
        buffer.normalizeObservations(standardization);
        normalizer = normalizer.andThen(standardization);
        log.info("offline: observations standardised with the log's statistics, mean {} and std {} (epsilon {});"
                + " the published policies carry the map", Arrays.toString(moments.mean()),
                Arrays.toString(moments.std()), STANDARDIZATION_EPSILON);
    }

    /** Offline, after the last update: a last evaluation and publication unless this update had them; then the end. */
    private void finishOffline(long startMillis) {
        long updates = agent.updates();
        if (evalEvery > 0 && lastEvaluatedAt != updates) {
            evaluate(updates, startMillis);
        }
        if (lastPublicationStepAt != updates) {
            publicationStep(updates);
        }
        if (failure == null) {
            completed = true;
            log.info(String.format(Locale.ROOT, "offline: %,d gradient updates done on %,d transitions in %.1f s;"
                    + " policy v%d is the last published", updates, buffer.size(),
                    (clock.millis() - startMillis) / 1000.0, metrics.snapshot().policyVersion()));
        }
    }

    private boolean replayRatioAllows() {
        if (buffer.size() < learningStarts) {
            return false;
        }
        long earned = (long) Math.floor(replayRatio * (position.credited() - learningStarts)) - forfeited;
        long owedForHeld = (long) Math.floor(replayRatio * buffer.size());
        if (earned - taken > owedForHeld) { // only once the buffer has wrapped: see the class comment
            long lapsed = earned - taken - owedForHeld;
            forfeited += lapsed;
            earned -= lapsed;
            metrics.updatesForfeited(lapsed);
        }
        return taken < earned;
    }

    private void step(long startMillis) {
        taken++;
        buffer.sample(batch, replayRandom);
        Optional<GuardedUpdates.Trip> trip = guarded.update(batch);
        if (trip.isPresent()) {
            refused(trip.get());
            return;
        }
        long updates = agent.updates();
        metrics.updated(updates, guarded.lastStats().criticLoss());
        // Evaluate before publishing, so that a policy that collapsed at this very update is held back.
        if (updates >= nextEvaluationAt) {
            evaluate(updates, startMillis);
            nextEvaluationAt = evaluationDue(updates);
        }
        if (updates % publishEvery == 0) {
            publicationStep(updates);
        }
    }

    /** Weight check and checkpoint, then publication (unless withheld) and the checkpoint on disk when due. */
    private void publicationStep(long updates) {
        lastPublicationStepAt = updates;
        Optional<GuardedUpdates.Trip> trip = guarded.checkpoint();
        if (trip.isPresent()) {
            refused(trip.get());
        } else {
            if (withholding) {
                metrics.policyWithheld();
                sink.republishLast();
            } else {
                sink.publish(agent, normalizer);
            }
            if (checkpoints != null && checkpoints.due(updates)) {
                writeCheckpoint();
            }
        }
    }

    /**
     * Stores the last good checkpoint (just taken) with the loop's counters. The generators are
     * reseeded from a seed drawn now and stored with it, so that a learner resumed from the file
     * draws what this one draws next.
     */
    private void writeCheckpoint() {
        long seed = replayRandom.nextLong();
        reseed(seed);
        CheckpointStore.Identity id = checkpoints.identity();
        lastPublishedVersion = Math.max(lastPublishedVersion, metrics.snapshot().policyVersion());
        CheckpointMetadata metadata = new CheckpointMetadata(id.env(), id.algorithm(), id.layout(), id.namespace(),
                id.policyName(), guarded.checkpointUpdate(), taken, forfeited, position.credited(), bestEval,
                withholding, lastPublishedVersion, seed, position.offsets(), clock.millis());
        checkpoints.write(metadata, guarded.lastGood());
    }

    private void reseed(long seed) {
        SplittableRandom root = new SplittableRandom(seed);
        agent.reseed(root.split());
        replayRandom = root.split();
    }

    private void refused(GuardedUpdates.Trip trip) {
        metrics.guardTripped(trip.reason(), agent.updates());
        log.warn("update {} refused ({}): {}; weights rolled back to the checkpoint of update {} ({} refusals in a"
                        + " row, {} allowed)", trip.update(), trip.reason().label(), trip.detail(),
                guarded.checkpointUpdate(), trip.consecutive(), maxConsecutiveTrips);
        if (trip.consecutive() >= maxConsecutiveTrips) {
            String reason = "gradient update " + trip.update() + " was refused (" + trip.reason().label() + ": "
                    + trip.detail() + "), refusal " + trip.consecutive() + " in a row. Training stopped after "
                    + agent.updates() + " updates; the last published policy stays in use. Check the transitions for"
                    + " extreme values, or lower actor-lr/critic-lr.";
            log.error("{}", reason);
            failure = new Failure(LearnerResult.Outcome.UPDATE_FAILED, reason);
        }
    }

    private void evaluate(long updates, long startMillis) {
        lastEvaluatedAt = updates;
        Evaluation e = evaluator.evaluate(agent, normalizer);
        metrics.evaluated(e.meanReturn());
        if (e.meanReturn() > bestEval) {
            bestEval = e.meanReturn();
        }
        // NaN compares false, so a NaN return is a collapse too.
        boolean collapsed = !(e.meanReturn() >= bestEval - withholdMargin);
        if (collapsed != withholding) {
            log.warn("{} publishing after {} updates: mean return {} against the best {} (eval-withhold-margin {})",
                    collapsed ? "withholding policies from" : "resuming", updates,
                    String.format(Locale.ROOT, "%.1f", e.meanReturn()), String.format(Locale.ROOT, "%.1f", bestEval),
                    withholdMargin);
            withholding = collapsed;
        }
        CurvePoint point = new CurvePoint(metrics.received(), (clock.millis() - startMillis) / 1000.0, updates,
                e.meanReturn(), e.stdReturn());
        // One decimal reads like the progress lines; curve.csv and summary.json keep the full values.
        log.info("evaluation after {} updates and {} transitions: mean return {} (std {}) over {} episodes",
                updates, point.envSteps(), String.format(Locale.ROOT, "%.1f", e.meanReturn()),
                String.format(Locale.ROOT, "%.1f", e.stdReturn()), e.episodes());
        try {
            listener.onEvaluation(point);
        } catch (RuntimeException ex) {
            // The curve is the listener's business; a failure there must not stop training.
            log.error("the evaluation listener failed on {}", point, ex);
        }
    }
}
