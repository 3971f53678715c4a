package io.streamrl.core.env;

/**
 * Gymnasium's {@code TimeLimit} wrapper plus the rule that {@code step} is only legal inside
 * an episode. The counter is zeroed by {@link #start()} and incremented after every step;
 * {@code truncated} is set on the step whose 1-based count reaches the limit. Overwriting an
 * environment's state does not touch the counter, exactly as assigning
 * {@code env.unwrapped.state} leaves the wrapper's count alone.
 */
final class EpisodeClock {

    private final String envId;
    private final int maxSteps;
    private int elapsedSteps;
    private boolean started;
    private boolean ended;
    private boolean endedByTermination;

    EpisodeClock(String envId, int maxSteps) {
        this.envId = envId;
        this.maxSteps = maxSteps;
    }

    void start() {
        elapsedSteps = 0;
        started = true;
        ended = false;
        endedByTermination = false;
    }

    /** Throws unless a step may be taken now. */
    void requireRunning() {
        if (!started) {
            throw new IllegalStateException(envId + ": step() called before reset(); call reset() to start an episode");
        }
        if (ended) {
            throw new IllegalStateException(envId + ": step() called after the episode ended ("
                    + (endedByTermination ? "terminated" : "truncated") + " at step " + elapsedSteps
                    + "); call reset() to start a new episode");
        }
    }

    /**
     * Counts one step and returns {@code truncated} for it.
     *
     * @param terminated whether the dynamics reached a terminal state on this step
     */
    boolean advance(boolean terminated) {
        elapsedSteps++;
        boolean truncated = elapsedSteps >= maxSteps;
        if (terminated || truncated) {
            ended = true;
            endedByTermination = terminated;
        }
        return truncated;
    }
}
