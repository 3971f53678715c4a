package io.streamrl.actor;

/**
 * An actor's loop as {@link ActorService} runs it: the off-policy {@link SimulationActor} or the
 * on-policy {@link RolloutActor}. {@link #run()} steps until the budget is spent or
 * {@link #close()} is called from another thread.
 */
interface ActorLoop extends Runnable, AutoCloseable {

    String actorId();

    /** The current counters; safe from any thread. */
    ActorStats stats();

    /** Stops {@link #run()} between two steps, flushes and closes the Kafka clients; idempotent. */
    @Override
    void close();
}
