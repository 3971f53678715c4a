package io.streamrl.broker.testing;

import io.streamrl.broker.EmbeddedKafkaBroker;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The in-process broker that {@link EmbeddedKafkaExtension} shares among the tests of one test
 * run, as a test sees it: where to connect, and a topic namespace no other test uses, so tests
 * never read each other's records. It cannot stop the broker; the extension does that when the
 * run ends.
 */
public final class SharedKafka {

    /** Characters a Kafka topic name allows; a namespace becomes the prefix of topic names. */
    private static final Pattern TOPIC_CHARS = Pattern.compile("[a-zA-Z0-9._-]+");

    private final EmbeddedKafkaBroker broker;
    private final AtomicInteger namespaces;

    SharedKafka(EmbeddedKafkaBroker broker, AtomicInteger namespaces) {
        this.broker = Objects.requireNonNull(broker, "broker");
        this.namespaces = Objects.requireNonNull(namespaces, "namespaces");
    }

    /** {@code host:port} of the broker, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /**
     * A namespace no earlier call in this test run returned: {@code prefix-N}, N counting from 1.
     *
     * @param prefix what the namespace is for, e.g. {@code learner-receivesEveryTransition};
     *     letters, digits, {@code .}, {@code _} and {@code -} only, as in topic names
     */
    public String freshNamespace(String prefix) {
        if (prefix == null || !TOPIC_CHARS.matcher(prefix).matches()) {
            throw new IllegalArgumentException("namespace prefix must be non-empty and use only letters, digits, "
                    + "'.', '_' and '-' (it becomes part of topic names), got '" + prefix + "'");
        }
        return prefix + "-" + namespaces.incrementAndGet();
    }

    /** {@link EmbeddedKafkaBroker#createTopic}: for tests that need a topic with a config of their own. */
    public void createTopic(String name, int partitions, Map<String, String> topicConfig) {
        broker.createTopic(name, partitions, topicConfig);
    }
}
