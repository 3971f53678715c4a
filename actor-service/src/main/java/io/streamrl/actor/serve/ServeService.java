package io.streamrl.actor.serve;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamrl.actor.PolicyFit;
import io.streamrl.actor.PolicySubscriber;
import io.streamrl.core.policy.PolicySnapshot;
import io.streamrl.join.JoinConfig;
import io.streamrl.join.JoinService;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.kafka.MetricsServer;
import io.streamrl.kafka.TopicBootstrap;
import io.streamrl.schemas.Topics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code streamrl serve} instance wired to Kafka: the policy subscriber (hot swap, as the
 * actors do) feeding a {@link PolicyHistory}, the {@link ControlFollower} for the shared
 * guardrails, the {@link KafkaDecisionLog}, the {@link DecisionEngine} and the HTTP
 * {@link DecisionServer}. Many instances can run behind a load balancer: they share nothing but
 * the topics.
 */
public final class ServeService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServeService.class);

    private final List<AutoCloseable> resources;
    private final DecisionServer server;
    private final KafkaDecisionLog decisions;
    private final ControlFollower control;

    private ServeService(List<AutoCloseable> resources, DecisionServer server, KafkaDecisionLog decisions,
                         ControlFollower control) {
        this.resources = resources;
        this.server = server;
        this.decisions = decisions;
        this.control = control;
    }

    /**
     * Waits for Kafka (up to the settings' connect timeout), creates missing topics, starts
     * following the policy and the guardrails (reading both topics to their ends first, so a
     * restarted instance answers with the newest policy and settings at once) and listens.
     *
     * @throws io.streamrl.kafka.BrokerUnavailableException when Kafka does not answer in time
     * @throws IllegalStateException when the port cannot be bound
     */
    public static ServeService start(ServeConfig config, KafkaSettings settings, Clock clock) {
        return start(config, settings, clock, null);
    }

    /**
     * As {@link #start(ServeConfig, KafkaSettings, Clock)}, with the reward join running inside
     * this instance (its metrics on this instance's {@code /metrics}); every instance started
     * with a join shares its work by partition.
     *
     * @param join the join's settings and state directory; null for no join
     */
    public static ServeService start(ServeConfig config, KafkaSettings settings, Clock clock, EmbeddedJoin join) {
        log.info("serve settings: {}", config.toLogLine());
        Topics topics = settings.topics();
        TopicBootstrap.ensureTopics(settings, List.of(topics.policy(), topics.decisions(), topics.rewards(),
                topics.control()), clock);
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            String clientId = "streamrl-serve-" + config.instanceId();
            PolicyHistory history = new PolicyHistory(PolicyHistory.DEFAULT_CAPACITY);
            PolicySubscriber subscriber = PolicySubscriber.start(settings, clientId + "-policy", config.policyName(),
                    PolicyFit.forEnv(config.envSpec()), clock, history);
            resources.add(subscriber);
            ControlFollower control = ControlFollower.start(settings, clientId + "-control", config.policyName());
            resources.add(control);
            KafkaDecisionLog decisions = new KafkaDecisionLog(settings, config.env(), config.instanceId(), clock);
            resources.add(decisions);
            DecisionEngine engine = new DecisionEngine(config.envSpec(), history, control, config.fallbackAction(),
                    config.noiseSigma(), new SplittableRandom(config.seed()), clock);
            awaitCaughtUp(subscriber, control, settings.connectTimeout());
            PrometheusMeterRegistry registry = MetricsServer.newRegistry();
            if (join != null) {
                resources.add(JoinService.start(settings, join.config(), join.stateDir(), registry, clock));
            }
            Gauge.builder("serve.policy.version", history, h -> h.newest().map(PolicySnapshot::version).orElse(-1L))
                    .description("newest policy version this instance holds; -1 before the first")
                    .register(registry);
            Gauge.builder("serve.control.revision", control, c -> c.get().revision())
                    .description("guardrail revision in force; -1 for the defaults").register(registry);
            Gauge.builder("serve.log.failed", decisions, KafkaDecisionLog::failed)
                    .description("decision and reward records Kafka did not take after they were handed over")
                    .register(registry);
            DecisionServer server = DecisionServer.start(engine, decisions,
                    () -> status(history, control.get(), config, clock), registry, config.host(), config.port(),
                    config.threads(), config.authToken().orElse(null));
            resources.add(server);
            return new ServeService(resources, server, decisions, control);
        } catch (RuntimeException e) {
            closeAll(resources);
            throw e;
        }
    }

    /**
     * The reward join run inside a serve instance.
     *
     * @param config how decisions and rewards join
     * @param stateDir where its stores live; each instance on a machine needs its own
     */
    public record EmbeddedJoin(JoinConfig config, Path stateDir) {
    }

    /** The port the decision API listens on. */
    public int port() {
        return server.port();
    }

    /** Decision and reward records handed to Kafka, acknowledged, failed. */
    public long[] recordCounts() {
        return new long[] {decisions.sent(), decisions.acked(), decisions.failed()};
    }

    public Guardrails guardrails() {
        return control.get();
    }

    @Override
    public void close() {
        closeAll(resources);
    }

    private static DecisionServer.PolicyStatus status(PolicyHistory history, Guardrails g, ServeConfig config,
                                                      Clock clock) {
        Optional<PolicySnapshot> policy = g.pinnedVersion() != null ? history.version(g.pinnedVersion())
                : history.newest();
        boolean fallback = g.fallbackAction() != null || config.fallbackAction() != null;
        return new DecisionServer.PolicyStatus(policy.map(PolicySnapshot::version).orElse(null),
                policy.map(PolicySnapshot::checksumHex).orElse(null),
                policy.map(p -> (clock.millis() - p.createdAtMillis()) / 1000.0).orElse(null), g.pinnedVersion(),
                g.pinnedVersion() != null && policy.isPresent(), g.revision(), fallback);
    }

    private static void awaitCaughtUp(PolicySubscriber subscriber, ControlFollower control, Duration timeout) {
        try {
            if (!subscriber.awaitCaughtUp(timeout) || !control.awaitCaughtUp(timeout)) {
                log.warn("the policy or control topic was not read to its end within {} s; serving with what was"
                        + " read so far", timeout.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the policy and control topics", e);
        }
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                log.warn("closing {}: {}", resources.get(i).getClass().getSimpleName(), e.toString());
            }
        }
        resources.clear();
    }
}
