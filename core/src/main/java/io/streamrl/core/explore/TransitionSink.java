package io.streamrl.core.explore;

/**
 * Where an {@link Explorer} writes each step: the replay buffer of a local trainer, a Kafka
 * topic for a simulation actor, a list in a test. A sink sees the steps of one explorer in order
 * and learns of an episode's end from {@link Experience#done()}.
 */
@FunctionalInterface
public interface TransitionSink {

    void accept(Experience experience);
}
