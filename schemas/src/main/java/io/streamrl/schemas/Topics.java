package io.streamrl.schemas;

import io.streamrl.schemas.avro.Control;
import io.streamrl.schemas.avro.DeadLetter;
import io.streamrl.schemas.avro.Decision;
import io.streamrl.schemas.avro.EpisodeSummary;
import io.streamrl.schemas.avro.PolicyEnvelope;
import io.streamrl.schemas.avro.Reward;
import io.streamrl.schemas.avro.RolloutSegment;
import io.streamrl.schemas.avro.Transition;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Every topic of one experiment, named {@code <namespace>.<suffix>} so several experiments can
 * share a cluster. Each accessor builds a fresh {@link TopicSpec}; call it once at start-up.
 *
 * @param namespace topic name prefix; Kafka's legal characters {@code [a-zA-Z0-9._-]}
 * @param transitionPartitions partitions of the transitions topic (keyed by actor id)
 * @param policyPartitions partitions of the compacted policy topic (keyed by policy name)
 * @param episodePartitions partitions of the episodes topic (keyed by actor id)
 * @param deadLetterPartitions partitions of the dead-letter topic (keyed by the original key)
 * @param decisionPartitions partitions of the decisions topic and of the rewards topic, which must
 *     have as many (both keyed by entity; see {@link #rewards()})
 */
public record Topics(
        String namespace, int transitionPartitions, int policyPartitions, int episodePartitions,
        int deadLetterPartitions, int decisionPartitions) {

    public static final String DEFAULT_NAMESPACE = "streamrl";
    public static final int DEFAULT_TRANSITION_PARTITIONS = 4;
    public static final int DEFAULT_POLICY_PARTITIONS = 1;
    public static final int DEFAULT_EPISODE_PARTITIONS = 1;
    public static final int DEFAULT_DEAD_LETTER_PARTITIONS = 1;
    /** Also the rewards topic's partition count. */
    public static final int DEFAULT_DECISION_PARTITIONS = 4;
    /**
     * The control topic always has one partition: every serve instance reads all of it (it holds
     * a few records per loop), and one partition gives every revision of every loop one order.
     */
    public static final int CONTROL_PARTITIONS = 1;
    public static final int MAX_PARTITIONS = 1000;

    public static final String TRANSITIONS = "transitions";
    public static final String POLICY = "policy";
    public static final String EPISODES = "episodes";
    public static final String DEAD_LETTER = "dead-letter";
    public static final String DECISIONS = "decisions";
    public static final String REWARDS = "rewards";
    public static final String LATE_REWARDS = "late-rewards";
    public static final String ROLLOUTS = "rollouts";
    public static final String CONTROL = "control";

    /**
     * Largest policy record the policy topic accepts (8 MiB; Kafka's default is about 1 MiB,
     * less than an actor of a few hundred thousand float32 weights). The publishing producer
     * must set {@code max.request.size} to at least this.
     */
    public static final int POLICY_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

    /**
     * Largest record batch the transitions topic accepts: 256 KiB. The broker checks a whole
     * producer batch against it, so it must be at least the producers' {@code batch.size} (128
     * KiB, {@code KafkaSettings.producer}); twice that holds one transition of about 32,000
     * observation values (two float32 frames of 84x84x4, 225,792 bytes, plus the rest), far
     * beyond the vector observations of the environments here (at most 4 values) or of MuJoCo's
     * Humanoid (376). Anything larger is a broken producer, refused at the door instead of
     * dead-lettered later; and the dead letter of any accepted record fits whole within
     * {@link #DEAD_LETTER_MAX_MESSAGE_BYTES}.
     */
    public static final int TRANSITION_MAX_MESSAGE_BYTES = 256 * 1024;

    /**
     * Largest dead letter the dead-letter topic accepts (1 MiB, Kafka's default), set on the
     * topic explicitly because the learner sizes its letters to it: a letter that would be larger
     * (a record from a topic created with a larger limit) keeps only the first bytes of the
     * original value and is marked truncated.
     */
    public static final int DEAD_LETTER_MAX_MESSAGE_BYTES = 1024 * 1024;

    /** Roll segments of compacted topics every minute: the log cleaner never compacts the active segment. */
    static final long COMPACTED_SEGMENT_MS = 60_000L;

    private static final int MAX_TOPIC_NAME_LENGTH = 249;
    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]+");
    private static final int LONGEST_SUFFIX = List.of(TRANSITIONS, POLICY, EPISODES, DEAD_LETTER, DECISIONS,
            REWARDS, LATE_REWARDS, ROLLOUTS, CONTROL).stream().mapToInt(String::length).max().orElseThrow();
    /** Longest namespace that still leaves room for {@code .<suffix>} in a 249-character name. */
    public static final int MAX_NAMESPACE_LENGTH = MAX_TOPIC_NAME_LENGTH - 1 - LONGEST_SUFFIX;

    public Topics {
        if (namespace == null || namespace.isEmpty()) {
            throw new IllegalArgumentException("namespace is empty; allowed: 1 to " + MAX_NAMESPACE_LENGTH
                    + " characters from [a-zA-Z0-9._-], e.g. " + DEFAULT_NAMESPACE);
        }
        if (!LEGAL.matcher(namespace).matches() || namespace.length() > MAX_NAMESPACE_LENGTH) {
            throw new IllegalArgumentException("namespace is '" + namespace + "'; allowed: 1 to "
                    + MAX_NAMESPACE_LENGTH + " characters from [a-zA-Z0-9._-] (Kafka's legal topic characters)");
        }
        requirePartitions("transitionPartitions", transitionPartitions);
        requirePartitions("policyPartitions", policyPartitions);
        requirePartitions("episodePartitions", episodePartitions);
        requirePartitions("deadLetterPartitions", deadLetterPartitions);
        requirePartitions("decisionPartitions", decisionPartitions);
    }

    /** The given namespace with default partition counts. */
    public static Topics of(String namespace) {
        return new Topics(namespace, DEFAULT_TRANSITION_PARTITIONS, DEFAULT_POLICY_PARTITIONS,
                DEFAULT_EPISODE_PARTITIONS, DEFAULT_DEAD_LETTER_PARTITIONS, DEFAULT_DECISION_PARTITIONS);
    }

    public static Topics defaults() {
        return of(DEFAULT_NAMESPACE);
    }

    /** Full name of a topic of this namespace, e.g. {@code name(Topics.DECISIONS)}. */
    public String name(String suffix) {
        if (suffix == null || suffix.isEmpty() || !LEGAL.matcher(suffix).matches()
                || suffix.length() > LONGEST_SUFFIX) {
            throw new IllegalArgumentException("suffix is '" + suffix + "'; allowed: 1 to " + LONGEST_SUFFIX
                    + " characters from [a-zA-Z0-9._-], e.g. " + TRANSITIONS);
        }
        return namespace + "." + suffix;
    }

    public TopicSpec<String, Transition> transitions() {
        return new TopicSpec<>(name(TRANSITIONS), Serdes.String(), AvroSerde.transition(), transitionPartitions,
                Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(TRANSITION_MAX_MESSAGE_BYTES)));
    }

    /** The compacted policy topic: only the newest snapshot per name matters (see {@link #compacted}). */
    public TopicSpec<String, PolicyEnvelope> policy() {
        return new TopicSpec<>(name(POLICY), Serdes.String(), AvroSerde.policyEnvelope(), policyPartitions,
                compacted(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(POLICY_MAX_MESSAGE_BYTES))));
    }

    public TopicSpec<String, EpisodeSummary> episodes() {
        return new TopicSpec<>(name(EPISODES), Serdes.String(), AvroSerde.episodeSummary(), episodePartitions,
                Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE));
    }

    /** Keys are the original key bytes, which need not be valid text. */
    public TopicSpec<byte[], DeadLetter> deadLetter() {
        return new TopicSpec<>(name(DEAD_LETTER), Serdes.ByteArray(), AvroSerde.deadLetter(), deadLetterPartitions,
                Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(DEAD_LETTER_MAX_MESSAGE_BYTES)));
    }

    /**
     * Every decision a serve instance answered, keyed by entity so that one entity's decisions
     * stay in order. Partitioned like {@link #rewards()}.
     */
    public TopicSpec<String, Decision> decisions() {
        return new TopicSpec<>(name(DECISIONS), Serdes.String(), AvroSerde.decision(), decisionPartitions,
                Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE));
    }

    /**
     * Every reward a caller reported, keyed by entity like its decision and with exactly as many
     * partitions as {@link #decisions()}. That co-partitions the two topics for the reward join:
     * the producer's default partitioner hashes the same key bytes to the same partition number
     * of both, so the consumer that owns partition p of the decisions sees every reward of those
     * decisions in partition p of the rewards, and the join needs no repartitioning (Kafka Streams
     * refuses to join topics whose partition counts differ).
     */
    public TopicSpec<String, Reward> rewards() {
        return new TopicSpec<>(name(REWARDS), Serdes.String(), AvroSerde.reward(), decisionPartitions,
                Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE));
    }

    /**
     * Rewards the reward join did not learn from: those that came after their decision's reward
     * wait, and orphans whose decision never arrived. Each carries a {@code streamrl.reason}
     * header ({@code late} or {@code orphaned}); keyed and partitioned like {@link #rewards()}.
     */
    public TopicSpec<String, Reward> lateRewards() {
        return new TopicSpec<>(name(LATE_REWARDS), Serdes.String(), AvroSerde.reward(), decisionPartitions,
                Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE));
    }

    /**
     * The compacted control topic: guardrails keyed by loop (policy name), compacted like the
     * policy topic so that a serve instance starting up reads only the revision in force per loop.
     */
    public TopicSpec<String, Control> control() {
        return new TopicSpec<>(name(CONTROL), Serdes.String(), AvroSerde.control(), CONTROL_PARTITIONS,
                compacted(Map.of()));
    }

    /**
     * Rollout segments of on-policy (A2C) actors, keyed by actor id like the transitions and
     * partitioned like them, so one actor's segments stay in order; with the transitions' record
     * limit, which holds a segment of several thousand CartPole steps.
     */
    public TopicSpec<String, RolloutSegment> rollouts() {
        return new TopicSpec<>(name(ROLLOUTS), Serdes.String(), AvroSerde.rolloutSegment(), transitionPartitions,
                Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(TRANSITION_MAX_MESSAGE_BYTES)));
    }

    /** The topics this build defines a value type for, e.g. to create them all at start-up. */
    public List<TopicSpec<?, ?>> all() {
        return List.of(transitions(), policy(), episodes(), deadLetter(), decisions(), rewards(), lateRewards(),
                control(), rollouts());
    }

    /**
     * Configs of a topic where only the newest record per key matters: compaction may start at
     * once ({@code min.compaction.lag.ms=0}), and segments roll every minute so that it does start
     * during a demo rather than after the default week.
     */
    private static Map<String, String> compacted(Map<String, String> extra) {
        Map<String, String> configs = new HashMap<>(extra);
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        configs.put(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "0");
        configs.put(TopicConfig.SEGMENT_MS_CONFIG, Long.toString(COMPACTED_SEGMENT_MS));
        return configs;
    }

    private static void requirePartitions(String field, int value) {
        if (value < 1 || value > MAX_PARTITIONS) {
            throw new IllegalArgumentException(field + " is " + value + "; allowed: 1 to " + MAX_PARTITIONS);
        }
    }
}
