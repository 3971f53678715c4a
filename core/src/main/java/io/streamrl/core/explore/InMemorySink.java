package io.streamrl.core.explore;

import java.util.ArrayList;
import java.util.List;

/** Keeps every step in memory: the test double of a Kafka sink, and a way to inspect a short run. */
public final class InMemorySink implements TransitionSink {

    private final List<Experience> experiences = new ArrayList<>();

    @Override
    public void accept(Experience experience) {
        experiences.add(experience);
    }

    /** Every step so far, in order (a copy). */
    public List<Experience> experiences() {
        return List.copyOf(experiences);
    }
}
