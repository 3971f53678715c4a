package io.streamrl.learner;

import io.streamrl.core.agent.Ddpg;
import io.streamrl.core.agent.DdpgConfig;
import io.streamrl.core.agent.UpdateStats;
import io.streamrl.core.nn.NonFiniteUpdateException;
import io.streamrl.core.replay.Batch;
import io.streamrl.core.replay.ReplayBuffer;
import io.streamrl.core.train.CurvePoint;
import io.streamrl.core.train.Evaluation;
import io.streamrl.core.train.TrainListener;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training thread: the only user of the replay buffer and the agent. Before every step it
 * moves what ingest delivered into the buffer; once the buffer holds {@code learning-starts}
 * transitions it takes gradient updates while
 * {@code updates < floor(replay-ratio * (transitions added - learning-starts))}, and otherwise
 * waits for data (blocking, with a timeout for the progress line) instead of overfitting a small
 * buffer. Every {@code publish-every} updates it publishes the actor; every {@code eval-every}
 * updates it evaluates it. A refused (non-finite) update stops training for good.
 */
final class TrainingLoop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(TrainingLoop.class);

    /** Why training stopped other than by {@link #shutdown()}. */
    record Failure(LearnerResult.Outcome outcome, String reason) {
    }

    private final Ddpg agent;
    private final int learningStarts;
    private final double replayRatio;
    private final ReplayBuffer buffer;
    private final Batch batch;
    private final SplittableRandom replayRandom;
    private final ExperienceInbox inbox;
    private final long publishEvery;
    private final PolicySink sink;
    private final long evalEvery;
    private final PolicyEvaluator evaluator;
    private final TrainListener listener;
    private final LearnerMetrics metrics;
    private final ProgressLog progress;
    private final Clock clock;
    private final long progressMillis;
    private volatile boolean stopping;
    private volatile Failure failure;

    /**
     * @param evalEvery updates between evaluations; 0 for none (then {@code evaluator} may be null)
     */
    TrainingLoop(Ddpg agent, ReplayBuffer buffer, SplittableRandom replayRandom, ExperienceInbox inbox,
                 long publishEvery, PolicySink sink, long evalEvery, PolicyEvaluator evaluator, TrainListener listener,
                 LearnerMetrics metrics, ProgressLog progress, Clock clock, Duration progressInterval) {
        DdpgConfig config = agent.config();
        if (buffer.observationDim() != agent.observationDim() || buffer.actionDim() != agent.actionDim()) {
            throw new IllegalArgumentException("replay buffer dimensions " + buffer.observationDim() + "/"
                    + buffer.actionDim() + " do not match the agent's " + agent.observationDim() + "/"
                    + agent.actionDim());
        }
        if (evalEvery > 0 && evaluator == null) {
            throw new IllegalArgumentException("eval-every is " + evalEvery + " but there is no evaluator");
        }
        this.agent = agent;
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
    }

    @Override
    public void run() {
        long start = clock.millis();
        long nextProgress = start + progressMillis;
        try {
            while (!stopping) {
                moveInboxToBuffer();
                long now = clock.millis();
                if (now >= nextProgress) {
                    progress.report(now, agent.updates());
                    nextProgress = now + progressMillis;
                }
                if (mayUpdate()) {
                    step(start);
                } else {
                    inbox.awaitPending(Duration.ofMillis(Math.max(1, nextProgress - now)));
                }
            }
        } catch (NonFiniteUpdateException e) {
            metrics.updateFailed();
            String reason = "gradient update " + (agent.updates() + 1) + " was refused: " + e.getMessage()
                    + ". Training stopped after " + agent.updates() + " updates; the last published policy stays"
                    + " in use. Check the transitions for extreme values, or lower actor-lr/critic-lr.";
            log.error("{}", reason);
            failure = new Failure(LearnerResult.Outcome.UPDATE_FAILED, reason);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (!stopping) {
                failure = new Failure(LearnerResult.Outcome.TRAINING_FAILED, "the training thread was interrupted");
            }
        } catch (RuntimeException e) {
            log.error("training failed after {} updates", agent.updates(), e);
            failure = new Failure(LearnerResult.Outcome.TRAINING_FAILED, "training failed after " + agent.updates()
                    + " updates: " + e);
        } finally {
            progress.report(clock.millis(), agent.updates());
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

    private void moveInboxToBuffer() {
        int moved = inbox.drainTo(buffer);
        if (moved > 0) {
            metrics.bufferSize(buffer.size());
        }
    }

    private boolean mayUpdate() {
        if (buffer.size() < learningStarts) {
            return false;
        }
        long allowed = (long) Math.floor(replayRatio * (buffer.totalAdded() - learningStarts));
        return agent.updates() < allowed;
    }

    private void step(long startMillis) {
        buffer.sample(batch, replayRandom);
        UpdateStats stats = agent.update(batch);
        long updates = agent.updates();
        metrics.updated(updates, stats.criticLoss());
        if (updates % publishEvery == 0) {
            sink.publish(agent);
        }
        if (evalEvery > 0 && updates % evalEvery == 0) {
            evaluate(updates, startMillis);
        }
    }

    private void evaluate(long updates, long startMillis) {
        Evaluation e = evaluator.evaluate(agent);
        metrics.evaluated(e.meanReturn());
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
