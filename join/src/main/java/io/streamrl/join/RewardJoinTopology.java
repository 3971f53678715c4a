package io.streamrl.join;

import io.streamrl.schemas.Topics;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The reward join's topology, built by a pure function: the decisions and rewards topics (both
 * keyed by entity, with equal partition counts, so partition p of each goes to the same task)
 * feed one processor that holds four stores, and writes transitions, late rewards and dead
 * letters. No repartition topic and no remote lookup: everything a decision needs is in its
 * own task.
 *
 * <pre>
 *   decisions ─┐                         ┌─> transitions
 *              ├─> join [decisions, ─────┼─> late-rewards
 *   rewards ───┘   entities, early,      └─> dead-letter
 *                  timers]
 * </pre>
 *
 * Values stay bytes through the topology and are decoded in the processor, so that a record
 * that does not decode is dead-lettered instead of stopping the application.
 */
public final class RewardJoinTopology {

    static final String DECISIONS_SOURCE = "decisions";
    static final String REWARDS_SOURCE = "rewards";
    static final String PROCESSOR = "join";
    static final String TRANSITIONS_SINK = "transitions";
    static final String LATE_REWARDS_SINK = "late-rewards";
    static final String DEAD_LETTER_SINK = "dead-letter";
    /** Decision id to {@link JoinState.PendingDecision}. */
    static final String DECISIONS_STORE = "join-decisions";
    /** Entity to {@link JoinState.EntityState}. */
    static final String ENTITIES_STORE = "join-entities";
    /** Decision id to {@link JoinState.EarlyRewards}. */
    static final String EARLY_STORE = "join-early-rewards";
    /** {@link JoinState#timerKey} to nothing: the timers, in due-time order. */
    static final String TIMERS_STORE = "join-timers";

    private RewardJoinTopology() {
    }

    public static Topology build(Topics topics, JoinConfig config, JoinMetrics metrics) {
        Topology topology = new Topology();
        ByteArrayDeserializer bytesIn = new ByteArrayDeserializer();
        ByteArraySerializer bytesOut = new ByteArraySerializer();
        topology.addSource(DECISIONS_SOURCE, bytesIn, bytesIn, topics.decisions().name());
        topology.addSource(REWARDS_SOURCE, bytesIn, bytesIn, topics.rewards().name());
        topology.addProcessor(PROCESSOR, () -> new RewardJoinProcessor(topics, config, metrics),
                DECISIONS_SOURCE, REWARDS_SOURCE);
        // Cached: a decision is written when it arrives and again when its reward comes, usually within one
        // commit interval, and the cache turns those into one RocksDB and changelog write at the commit.
        for (String store : new String[] {DECISIONS_STORE, ENTITIES_STORE, EARLY_STORE}) {
            topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store),
                    Serdes.String(), Serdes.ByteArray()).withCachingEnabled(), PROCESSOR);
        }
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TIMERS_STORE),
                Serdes.Bytes(), Serdes.ByteArray()).withCachingEnabled(), PROCESSOR);
        topology.addSink(TRANSITIONS_SINK, topics.transitions().name(), bytesOut, bytesOut, PROCESSOR);
        topology.addSink(LATE_REWARDS_SINK, topics.lateRewards().name(), bytesOut, bytesOut, PROCESSOR);
        topology.addSink(DEAD_LETTER_SINK, topics.deadLetter().name(), bytesOut, bytesOut, PROCESSOR);
        return topology;
    }
}
