package io.streamrl.learner;

/** Where the learner starts reading the transitions topic. */
public enum StartPosition {
    /**
     * From the oldest retained transition: a restarted learner refills its replay buffer from
     * the topic (only the newest {@code buffer-capacity} transitions stay in the ring).
     */
    EARLIEST,
    /** Only transitions written after the learner started. */
    LATEST
}
