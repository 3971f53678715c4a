package io.streamrl.learner;

import java.util.HashMap;
import java.util.Map;

/**
 * How far the replay buffer has taken the transitions topic: for each partition the offset of
 * the first record it does not hold yet, and how many transitions earned update credit (a
 * transition re-read to refill the buffer after a restart earns none: it did before the
 * checkpoint). Owned by the training thread; stored in every checkpoint.
 */
final class IngestPosition {

    private final Map<Integer, Long> nextOffsets;
    private long credited;

    IngestPosition(long credited, Map<Integer, Long> nextOffsets) {
        this.credited = credited;
        this.nextOffsets = new HashMap<>(nextOffsets);
    }

    static IngestPosition start() {
        return new IngestPosition(0, Map.of());
    }

    /** One delivery moved into the buffer: {@code fresh} transitions earned credit, offsets moved on. */
    void advance(int fresh, Map<Integer, Long> offsets) {
        credited += fresh;
        offsets.forEach((partition, next) -> nextOffsets.merge(partition, next, Math::max));
    }

    long credited() {
        return credited;
    }

    Map<Integer, Long> offsets() {
        return Map.copyOf(nextOffsets);
    }
}
