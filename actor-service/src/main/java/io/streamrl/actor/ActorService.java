package io.streamrl.actor;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.kafka.MetricsServer;
import io.streamrl.kafka.TopicBootstrap;
import io.streamrl.schemas.TopicSpec;
import io.streamrl.schemas.Topics;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulation actor wired to Kafka: what {@code streamrl actor} runs.
 *
 * <pre>{@code
 * try (ActorService service = ActorService.start(config, settings, Clock.systemUTC())) {
 *     Runtime.getRuntime().addShutdownHook(new Thread(service::close));
 *     service.run();   // returns after max-steps, or once close() was called
 * }
 * }</pre>
 */
public final class ActorService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ActorService.class);

    private final ActorLoop actor;
    private final PrometheusMeterRegistry registry;
    private final MetricsServer metricsServer;

    private ActorService(ActorLoop actor, PrometheusMeterRegistry registry, MetricsServer metricsServer) {
        this.actor = actor;
        this.registry = registry;
        this.metricsServer = metricsServer;
    }

    /** As {@link #start(ActorConfig, KafkaSettings, Clock, PolicyListener)} without a listener. */
    public static ActorService start(ActorConfig config, KafkaSettings settings, Clock clock) {
        return start(config, settings, clock, PolicyListener.NONE);
    }

    /**
     * Waits for Kafka (retrying up to the settings' connect timeout), creates the transitions,
     * policy and episodes topics if they are missing (so that none is auto-created with the
     * wrong partitions or without compaction), starts the policy subscriber and waits until it
     * has read the policy topic (so a restarted actor starts with the newest policy), and serves
     * metrics when a port is configured. The actor itself starts with {@link #run()}.
     *
     * @param policyListener told about every policy the actor accepts or refuses, e.g. for
     *     publish-to-swap latency
     * @throws io.streamrl.kafka.BrokerUnavailableException when Kafka does not answer in time;
     *     its message says what to do
     * @throws IllegalStateException when the metrics port cannot be bound
     */
    public static ActorService start(ActorConfig config, KafkaSettings settings, Clock clock,
                                     PolicyListener policyListener) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(clock, "clock");
        log.info("actor settings: {}", config.toLogLine());
        Topics topics = settings.topics();
        Clients clients = connect(settings, topics.transitions(), config.actorId(), config.policyName(),
                PolicyFit.forEnv(config.envSpec()), clock, policyListener);
        SimulationActor actor = new SimulationActor(config, clients.subscriber(),
                new KafkaTransitionSink(config.actorId(), config.envSpec().id(), clients.producer(), topics, clock),
                clock);
        return serve(actor, clients.subscriber(), settings, config.metricsHost(), config.metricsPort());
    }

    /**
     * An on-policy (A2C) rollout actor wired to Kafka: what {@code streamrl actor --algo a2c}
     * runs. Starts as {@link #start(ActorConfig, KafkaSettings, Clock, PolicyListener)} does,
     * with the rollouts topic in place of the transitions topic.
     */
    public static ActorService startRollouts(RolloutActorConfig config, KafkaSettings settings, Clock clock) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(clock, "clock");
        log.info("rollout actor settings: {}", config.toLogLine());
        Topics topics = settings.topics();
        Clients clients = connect(settings, topics.rollouts(), config.actorId(), config.policyName(),
                PolicyFit.forRollouts(config.envSpec()), clock, PolicyListener.NONE);
        return serve(new RolloutActor(config, clients.subscriber(), clients.producer(), topics, clock),
                clients.subscriber(), settings, config.metricsHost(), config.metricsPort());
    }

    /** An actor's Kafka clients: its policy subscriber and the producer of its experience. */
    private record Clients(PolicySubscriber subscriber, Producer<byte[], byte[]> producer) {
    }

    /**
     * Creates the topics an actor uses ({@code experience}, the policy and the episodes topic)
     * where missing, starts its policy subscriber and its producer; closes the subscriber again
     * when the producer cannot start.
     */
    private static Clients connect(KafkaSettings settings, TopicSpec<?, ?> experience, String actorId,
                                   String policyName, PolicyFit fit, Clock clock, PolicyListener listener) {
        Topics topics = settings.topics();
        TopicBootstrap.ensureTopics(settings, List.of(experience, topics.policy(), topics.episodes()), clock);
        String clientId = "streamrl-actor-" + actorId;
        PolicySubscriber subscriber = PolicySubscriber.start(settings, clientId + "-policy", policyName, fit, clock,
                listener);
        try {
            return new Clients(subscriber, new KafkaProducer<>(settings.producer(clientId)));
        } catch (RuntimeException e) {
            subscriber.close();
            throw e;
        }
    }

    /** Binds the actor's metrics, serves them when a port is set, and waits for the policy topic. */
    private static ActorService serve(ActorLoop actor, PolicySubscriber subscriber, KafkaSettings settings,
                                      String metricsHost, int metricsPort) {
        MetricsServer server = null;
        try {
            PrometheusMeterRegistry registry = MetricsServer.newRegistry();
            ActorMetrics.bind(registry, actor);
            if (metricsPort != ActorConfig.NO_METRICS) {
                server = MetricsServer.start(registry, metricsHost, metricsPort);
                log.info("actor {} serves metrics on http://{}:{}/metrics", actor.actorId(), metricsHost,
                        server.port());
            }
            awaitPolicyTopic(subscriber, settings);
            return new ActorService(actor, registry, server);
        } catch (RuntimeException e) {
            if (server != null) {
                server.close();
            }
            actor.close();
            throw e;
        }
    }

    /**
     * Runs the actor on the calling thread; returns once {@code max-steps} steps were taken and
     * flushed, or after {@link #close()} stopped it between two steps.
     */
    public void run() {
        actor.run();
    }

    /** Stops the actor between two steps, flushes, closes its Kafka clients and the metrics endpoint. */
    @Override
    public void close() {
        actor.close();
        if (metricsServer != null) {
            metricsServer.close();
        }
    }

    public ActorStats stats() {
        return actor.stats();
    }

    /** The port metrics are served on, when they are. */
    public OptionalInt metricsPort() {
        return metricsServer == null ? OptionalInt.empty() : OptionalInt.of(metricsServer.port());
    }

    /** The registry the actor's meters are on (served on {@code /metrics} when a port is configured). */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    private static void awaitPolicyTopic(PolicySubscriber subscriber, KafkaSettings settings) {
        try {
            if (!subscriber.awaitCaughtUp(settings.connectTimeout())) {
                log.warn("the policy topic {} was not read to its end within {} s; starting anyway, with random "
                        + "actions until a policy arrives", settings.topics().policy().name(),
                        settings.connectTimeout().toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the policy topic", e);
        }
    }
}
