package io.streamrl.schemas;

import io.streamrl.schemas.avro.DeadLetter;
import io.streamrl.schemas.avro.EpisodeSummary;
import io.streamrl.schemas.avro.PolicyEnvelope;
import io.streamrl.schemas.avro.Transition;
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
 */
public record Topics(
        String namespace, int transitionPartitions, int policyPartitions, int episodePartitions,
        int deadLetterPartitions) {

    public static final String DEFAULT_NAMESPACE = "streamrl";
    public static final int DEFAULT_TRANSITION_PARTITIONS = 4;
    public static final int DEFAULT_POLICY_PARTITIONS = 1;
    public static final int DEFAULT_EPISODE_PARTITIONS = 1;
    public static final int DEFAULT_DEAD_LETTER_PARTITIONS = 1;
    public static final int MAX_PARTITIONS = 1000;

    public static final String TRANSITIONS = "transitions";
    public static final String POLICY = "policy";
    public static final String EPISODES = "episodes";
    public static final String DEAD_LETTER = "dead-letter";
    public static final String DECISIONS = "decisions";
    public static final String REWARDS = "rewards";
    public static final String ROLLOUTS = "rollouts";

    /**
     * Largest policy record the policy topic accepts (8 MiB; Kafka's default is about 1 MiB,
     * less than an actor of a few hundred thousand float32 weights). The publishing producer
     * must set {@code max.request.size} to at least this.
     */
    public static final int POLICY_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

    /** Roll policy segments every minute: the log cleaner never compacts the active segment. */
    static final long POLICY_SEGMENT_MS = 60_000L;

    private static final int MAX_TOPIC_NAME_LENGTH = 249;
    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]+");
    private static final int LONGEST_SUFFIX = List.of(TRANSITIONS, POLICY, EPISODES, DEAD_LETTER, DECISIONS,
            REWARDS, ROLLOUTS).stream().mapToInt(String::length).max().orElseThrow();
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
    }

    /** The given namespace with default partition counts. */
    public static Topics of(String namespace) {
        return new Topics(namespace, DEFAULT_TRANSITION_PARTITIONS, DEFAULT_POLICY_PARTITIONS,
                DEFAULT_EPISODE_PARTITIONS, DEFAULT_DEAD_LETTER_PARTITIONS);
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
                Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE));
    }

    /**
     * The compacted policy topic. Only the newest snapshot per name matters, so compaction may
     * start at once ({@code min.compaction.lag.ms=0}), and segments roll every minute so that
     * it does start during a demo rather than after the default week.
     */
    public TopicSpec<String, PolicyEnvelope> policy() {
        return new TopicSpec<>(name(POLICY), Serdes.String(), AvroSerde.policyEnvelope(), policyPartitions, Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "0",
                TopicConfig.SEGMENT_MS_CONFIG, Long.toString(POLICY_SEGMENT_MS),
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(POLICY_MAX_MESSAGE_BYTES)));
    }

    public TopicSpec<String, EpisodeSummary> episodes() {
        return new TopicSpec<>(name(EPISODES), Serdes.String(), AvroSerde.episodeSummary(), episodePartitions,
                Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE));
    }

    /** Keys are the original key bytes, which need not be valid text. */
    public TopicSpec<byte[], DeadLetter> deadLetter() {
        return new TopicSpec<>(name(DEAD_LETTER), Serdes.ByteArray(), AvroSerde.deadLetter(), deadLetterPartitions,
                Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE));
    }

    /** The topics this build defines a value type for, e.g. to create them all at start-up. */
    public List<TopicSpec<?, ?>> all() {
        return List.of(transitions(), policy(), episodes(), deadLetter());
    }

    private static void requirePartitions(String field, int value) {
        if (value < 1 || value > MAX_PARTITIONS) {
            throw new IllegalArgumentException(field + " is " + value + "; allowed: 1 to " + MAX_PARTITIONS);
        }
    }
}
