package io.streamrl.core.agent;

import io.streamrl.core.nn.NonFiniteUpdateException;
import io.streamrl.core.replay.Batch;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * {@link Ddpg#update} behind a guard. Every update is checked as it is taken: a loss or gradient
 * that is not finite, or a critic loss above {@code divergence-factor} times the median of the
 * last {@code divergence-window} accepted ones, refuses it. Every weight is checked at each
 * {@link #checkpoint()}, which its owner takes where the weights leave the learner (before
 * publishing) and which is the only thing a refusal rolls back to.
 *
 * <p>Why a checkpoint rather than undoing one step: an update changes up to six networks and
 * three optimizers, and a refusal can come half way through (the actor's gradient after the
 * critics have stepped), or only at the weight check many updates after the damage. Going back
 * to the last state that passed every check is one answer for all of these, costs one copy of
 * the state per checkpoint (host floats, reused) and loses at most one checkpoint interval of
 * work. The weights the owner publishes are always a checkpoint, so a refusal rolls the learner
 * back to what the actors run.
 *
 * <p>Single-threaded, like the agent.
 */
public final class GuardedUpdates {

    /** Why an update was refused; {@link #label()} is the metric tag. */
    public enum Reason {
        NON_FINITE_LOSS, NON_FINITE_GRADIENT, NON_FINITE_WEIGHTS, LOSS_EXPLOSION;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A refusal: the agent is back at its last checkpoint.
     *
     * @param update the update count when it happened
     * @param consecutive refusals since the last good checkpoint, this one included
     */
    public record Trip(Reason reason, String detail, long update, int consecutive) {
    }

    private final Ddpg agent;
    private final double factor;
    private final double[] losses;
    private final double[] sorted;
    private final int refreshEvery;
    private Ddpg.Checkpoint lastGood;
    private long checkpointUpdate;
    private int filled;
    private int next;
    private int sinceRefresh;
    private double median = Double.NaN;
    private int consecutive;
    private long trips;
    private UpdateStats lastStats;

    /** Takes the first checkpoint now, from the agent's current (initial) weights. */
    public GuardedUpdates(Ddpg agent) {
        GuardConfig config = agent.config().guard();
        this.agent = agent;
        this.factor = config.divergenceFactor();
        this.losses = new double[config.divergenceWindow()];
        this.sorted = new double[config.divergenceWindow()];
        // The median of the last `window` losses drifts slowly; recomputing it every window/16
        // updates tests against the same level at a sixteenth of the sorting.
        this.refreshEvery = Math.max(1, config.divergenceWindow() / 16);
        this.lastGood = agent.checkpoint(null);
        this.checkpointUpdate = agent.updates();
    }

    /**
     * One gradient update on {@code batch}; on a refusal the agent is rolled back to the last
     * checkpoint and nothing of this update (nor of those since that checkpoint) remains.
     */
    public Optional<Trip> update(Batch batch) {
        UpdateStats stats;
        try {
            stats = agent.update(batch);
        } catch (NonFiniteUpdateException e) {
            return trip(e.quantity() == NonFiniteUpdateException.Quantity.LOSS ? Reason.NON_FINITE_LOSS
                    : Reason.NON_FINITE_GRADIENT, e.getMessage());
        }
        // Ddpg refuses a non-finite critic loss or gradient itself; the actor loss is NaN by design
        // when the actor did not step (policy delay), so only an infinite one is news here.
        if (Double.isInfinite(stats.actorLoss())) {
            return trip(Reason.NON_FINITE_LOSS, "actor loss is " + stats.actorLoss());
        }
        double loss = stats.criticLoss();
        // A median of exactly 0 would make every positive loss an explosion; no real critic fits that well.
        if (filled == losses.length && median > 0 && loss > factor * median) {
            return trip(Reason.LOSS_EXPLOSION, String.format(Locale.ROOT,
                    "critic loss %.4g is %.3g times the median %.4g of the last %d updates (divergence-factor %s)",
                    loss, loss / median, median, losses.length, factor));
        }
        remember(loss);
        lastStats = stats;
        return Optional.empty();
    }

    /**
     * Checks every weight and, when all are finite, makes the current state the one a refusal
     * returns to. Call it where weights leave the learner, before they leave.
     */
    public Optional<Trip> checkpoint() {
        if (!agent.parametersFinite()) {
            return trip(Reason.NON_FINITE_WEIGHTS, "a weight is not finite");
        }
        lastGood = agent.checkpoint(lastGood);
        checkpointUpdate = agent.updates();
        consecutive = 0;
        return Optional.empty();
    }

    /** The statistics of the last accepted update; null before the first. */
    public UpdateStats lastStats() {
        return lastStats;
    }

    /** Refusals so far. */
    public long trips() {
        return trips;
    }

    /** The update count at the last good checkpoint (the agent's count when this guard was made, at first). */
    public long checkpointUpdate() {
        return checkpointUpdate;
    }

    /**
     * The last good checkpoint itself, for its owner to store ({@link Ddpg.Checkpoint#writeTo});
     * the next {@link #checkpoint()} overwrites it in place.
     */
    public Ddpg.Checkpoint lastGood() {
        return lastGood;
    }

    public Ddpg agent() {
        return agent;
    }

    private Optional<Trip> trip(Reason reason, String detail) {
        agent.restore(lastGood);
        trips++;
        consecutive++;
        return Optional.of(new Trip(reason, detail, agent.updates(), consecutive));
    }

    private void remember(double loss) {
        losses[next] = loss;
        next = next + 1 == losses.length ? 0 : next + 1;
        if (filled < losses.length) {
            filled++;
        }
        if (filled == losses.length && (Double.isNaN(median) || ++sinceRefresh >= refreshEvery)) {
            System.arraycopy(losses, 0, sorted, 0, losses.length);
            Arrays.sort(sorted);
            int mid = losses.length / 2;
            median = losses.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
            sinceRefresh = 0;
        }
    }
}
