package io.streamrl.actor.serve;

import io.streamrl.actor.PolicyListener;
import io.streamrl.actor.PolicySwap;
import io.streamrl.core.policy.PolicySnapshot;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The policy versions this instance has accepted, the last {@code capacity} of them, so that a
 * pinned or rolled-back version can answer without a round trip to Kafka. The policy topic is
 * compacted: an instance started after a version was compacted away never sees it, and a pin to
 * it answers with the fallback (see {@code /v1/policy}).
 */
public final class PolicyHistory implements PolicyListener {

    public static final int DEFAULT_CAPACITY = 32;

    private final int capacity;
    private final ConcurrentSkipListMap<Long, PolicySnapshot> versions = new ConcurrentSkipListMap<>();

    public PolicyHistory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("policy history capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    @Override
    public void onSwap(PolicySwap swap) {
        add(swap.snapshot());
    }

    void add(PolicySnapshot snapshot) {
        versions.put(snapshot.version(), snapshot);
        while (versions.size() > capacity) {
            versions.pollFirstEntry();
        }
    }

    /** The newest accepted version. */
    public Optional<PolicySnapshot> newest() {
        Map.Entry<Long, PolicySnapshot> last = versions.lastEntry();
        return last == null ? Optional.empty() : Optional.of(last.getValue());
    }

    /** Version {@code version}, when this instance has it. */
    public Optional<PolicySnapshot> version(long version) {
        return Optional.ofNullable(versions.get(version));
    }
}
