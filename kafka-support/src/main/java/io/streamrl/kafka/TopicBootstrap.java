package io.streamrl.kafka;

import io.streamrl.schemas.TopicSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up against Kafka: wait for the cluster (retrying with a log line per attempt rather than
 * a stack trace), then create the experiment's topics if they do not exist yet, each with its
 * spec's partitions and configs (so the policy and control topics are created compacted).
 * Existing topics are kept; an existing topic that should be compacted but is not is reported,
 * because its readers would then replay every old record (actors every old snapshot, serve
 * instances every old guardrail revision).
 */
public final class TopicBootstrap {

    private static final Logger log = LoggerFactory.getLogger(TopicBootstrap.class);
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(30);

    private TopicBootstrap() {
    }

    /**
     * Waits until the cluster answers, then ensures {@code specs} exist.
     *
     * @throws BrokerUnavailableException when the cluster does not answer within the settings' timeout
     */
    public static void ensureTopics(KafkaSettings settings, Collection<TopicSpec<?, ?>> specs, Clock clock) {
        Admin admin = createAdmin(settings, "streamrl-bootstrap");
        try {
            awaitCluster(admin, settings, clock);
            createMissing(admin, settings, specs);
            warnIfNotCompacted(admin, specs);
        } finally {
            // A plain close() waits for abandoned calls to time out (a minute by default).
            admin.close(Duration.ZERO);
        }
    }

    /** Waits for the cluster only (services that create no topics). */
    public static void awaitCluster(KafkaSettings settings, Clock clock) {
        Admin admin = createAdmin(settings, "streamrl-probe");
        try {
            awaitCluster(admin, settings, clock);
        } finally {
            admin.close(Duration.ZERO);
        }
    }

    /**
     * The first client a service makes: a client setting of {@code --kafka-config} that Kafka
     * only checks when it builds a client (a keystore that cannot be read, a JAAS line it cannot
     * parse) fails here, and is bad input, not a bug.
     */
    private static Admin createAdmin(KafkaSettings settings, String clientId) {
        try {
            return Admin.create(settings.admin(clientId));
        } catch (KafkaException e) {
            if (settings.clientConfig().isEmpty()) {
                throw e;
            }
            throw new IllegalArgumentException("cannot make a Kafka client with the settings of "
                    + settings.clientConfig().sourceDescription() + ": " + rootReason(e), e);
        }
    }

    private static void awaitCluster(Admin admin, KafkaSettings settings, Clock clock) {
        long deadline = clock.millis() + settings.connectTimeout().toMillis();
        int attempt = 0;
        while (true) {
            attempt++;
            try {
                int nodes = admin.describeCluster().nodes().get(ATTEMPT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).size();
                if (attempt > 1) {
                    log.info("Kafka at {} is reachable ({} broker(s))", settings.bootstrapServers(), nodes);
                }
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BrokerUnavailableException("interrupted while waiting for Kafka at "
                        + settings.bootstrapServers(), e);
            } catch (ExecutionException | TimeoutException e) {
                AuthenticationException refused = causeOfType(e, AuthenticationException.class);
                if (refused != null) {
                    throw refusedCredentials(settings, refused);
                }
                if (clock.millis() >= deadline) {
                    throw new BrokerUnavailableException("cannot reach Kafka at " + settings.bootstrapServers()
                            + " after " + settings.connectTimeout().toSeconds() + " s (" + attempt + " attempts): "
                            + rootMessage(e) + ". Is the broker running? Start one with 'bin/streamrl broker', or"
                            + " pass --bootstrap-server HOST:PORT of your cluster" + securityHint(settings) + ".", e);
                }
                log.warn("Kafka at {} is not reachable yet (attempt {}: {}); retrying until {} s have passed",
                        settings.bootstrapServers(), attempt, rootMessage(e), settings.connectTimeout().toSeconds());
                sleep(Duration.ofSeconds(1));
            }
        }
    }

    /**
     * Wrong credentials fail the same way on every retry, so they end start-up at once. A
     * listener that requires SASL or TLS and meets a client without it closes the connection
     * instead, which looks like an unreachable broker: hence {@link #securityHint}.
     */
    private static KafkaAccessException refusedCredentials(KafkaSettings settings, AuthenticationException e) {
        String fix = settings.clientConfig().isEmpty()
                ? "pass --kafka-config FILE with the cluster's security.protocol, sasl.* and ssl.* settings"
                : "check the user, password and TLS settings in " + settings.clientConfig().sourceDescription();
        return new KafkaAccessException("Kafka at " + settings.bootstrapServers() + " refused to authenticate this"
                + " client (" + rootReason(e) + "); " + fix, e);
    }

    private static String securityHint(KafkaSettings settings) {
        return settings.clientConfig().isEmpty()
                ? "; a cluster that requires SASL or TLS also needs --kafka-config FILE with its security settings"
                : " (client settings from " + settings.clientConfig().sourceDescription() + ")";
    }

    private static void createMissing(Admin admin, KafkaSettings settings, Collection<TopicSpec<?, ?>> specs) {
        try {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            for (TopicSpec<?, ?> spec : specs) {
                if (!existing.contains(spec.name())) {
                    missing.add(spec.newTopic());
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> e :
                    admin.createTopics(missing).values().entrySet()) {
                try {
                    e.getValue().get();
                    log.info("created topic {}", e.getKey());
                } catch (ExecutionException ex) {
                    if (ex.getCause() instanceof AuthorizationException denied) {
                        throw new KafkaAccessException("Kafka at " + settings.bootstrapServers() + " does not let "
                                + (settings.clientConfig().isEmpty() ? "a client without --kafka-config"
                                        : "the user of " + settings.clientConfig().sourceDescription())
                                + " create topic "
                                + e.getKey() + " (" + rootReason(denied) + "); grant it CREATE on the topic, or"
                                + " create the topics beforehand", denied);
                    }
                    if (!(ex.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + e.getKey() + ": "
                                + rootMessage(ex), ex);
                    }
                }
            }
            awaitLeaders(admin, missing.stream().map(NewTopic::name).toList());
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot list topics: " + rootMessage(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    /**
     * Waits until every partition of {@code topics} is served by its leader. Creating a topic
     * completes when the controller has recorded it; a broker publishes the new metadata before its
     * replica manager has the partition, so for a moment a produce request gets
     * NOT_LEADER_OR_FOLLOWER. An idempotent producer whose first batches met that moment was seen
     * to get stuck on OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout. A ListOffsets
     * request is answered by the leader's replica manager itself, and the admin client retries it
     * while the leader is not ready: once it succeeds for every partition, produce requests do too.
     */
    private static void awaitLeaders(Admin admin, List<String> topics) throws InterruptedException {
        try {
            Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
            admin.describeTopics(topics).allTopicNames().get(LEADER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .values().forEach(d -> d.partitions().forEach(
                            p -> partitions.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
            admin.listOffsets(partitions).all().get(LEADER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            log.warn("the partitions of {} were not all served by a leader within {} s ({}); going on", topics,
                    LEADER_TIMEOUT.toSeconds(), rootMessage(e));
        }
    }

    private static void warnIfNotCompacted(Admin admin, Collection<TopicSpec<?, ?>> specs) {
        List<ConfigResource> compacted = specs.stream()
                .filter(spec -> TopicConfig.CLEANUP_POLICY_COMPACT.equals(
                        spec.configs().get(TopicConfig.CLEANUP_POLICY_CONFIG)))
                .map(spec -> new ConfigResource(ConfigResource.Type.TOPIC, spec.name()))
                .toList();
        if (compacted.isEmpty()) {
            return;
        }
        try {
            Map<ConfigResource, Config> configs = admin.describeConfigs(compacted).all().get();
            for (ConfigResource resource : compacted) {
                String cleanup = configs.get(resource).get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
                if (!cleanup.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
                    log.warn("topic {} has cleanup.policy={}, not compact: its readers will replay every old"
                            + " record at start-up. Fix it with kafka-configs --alter --add-config"
                            + " cleanup.policy=compact", resource.name(), cleanup);
                }
            }
        } catch (ExecutionException e) {
            log.warn("cannot check the configuration of {}: {}",
                    compacted.stream().map(ConfigResource::name).toList(), rootMessage(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static <T extends Throwable> T causeOfType(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    /**
     * The innermost message without exception class names, for the one-line messages of
     * failures the user fixes (they read as a bug with a class name in them).
     */
    static String rootReason(Throwable t) {
        Throwable root = t;
        String reason = t.getMessage();
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
            if (root.getMessage() != null) {
                reason = root.getMessage();
            }
        }
        return reason == null ? root.getClass().getSimpleName().replace("Exception", "") : reason;
    }

    static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerUnavailableException("interrupted while waiting for Kafka", e);
        }
    }
}
