package io.streamrl.learner;

/** Where a {@link LearnerService} is in its life. */
public enum LearnerPhase {
    /** Constructed; {@code run()} not called yet. */
    NEW,
    /** Waiting for Kafka, creating topics, reading the newest policy version, assigning partitions. */
    STARTING,
    /** Reading transitions (partitions assigned and positioned) and training. */
    RUNNING,
    /** Stopped; {@code run()} has returned or is returning. */
    STOPPED
}
