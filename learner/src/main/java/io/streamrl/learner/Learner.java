package io.streamrl.learner;

/** A learner service as embedding code runs it: DDPG/TD3's {@link LearnerService} or {@link A2cLearnerService}. */
public interface Learner extends AutoCloseable {

    /** Runs until {@link #close()} or a failure; call once. */
    LearnerResult run();

    /** The counters now; safe from any thread. */
    LearnerStats stats();

    /** Stops the learner and waits for {@link #run()} to end; idempotent, from any thread. */
    @Override
    void close();
}
