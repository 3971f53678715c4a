package io.streamrl.join;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.kafka.TopicBootstrap;
import io.streamrl.schemas.Topics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reward join running as a Kafka Streams application, on its own ({@code streamrl join}) or
 * inside {@code streamrl serve}. Every instance with the same application id shares the work by
 * partition; the processing guarantee is {@code exactly_once_v2}, so transitions, late rewards,
 * the stores' changelogs and the consumed offsets are committed in one transaction, and the
 * learner reads {@code read_committed}.
 */
public final class JoinService implements AutoCloseable {

    /** Most stream threads one instance may run. */
    public static final int MAX_STREAM_THREADS = 64;
    private static final Logger log = LoggerFactory.getLogger(JoinService.class);
    /** How long {@link #close()} lets the application finish its transaction and leave the group. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaStreams streams;
    private final CountDownLatch failed = new CountDownLatch(1);
    private volatile Throwable failure;

    private JoinService(KafkaStreams streams) {
        this.streams = streams;
    }

    /**
     * The application id of a namespace's join: instances with the same one share its partitions.
     */
    public static String applicationId(Topics topics) {
        return topics.name("join");
    }

    /**
     * Creates missing topics, starts the application and waits until it is running (its stores
     * restored from their changelogs).
     *
     * @param stateDir where the stores live on disk; they are rebuilt from Kafka when it is empty
     * @param registry where the join's metrics go ({@code join_*} on {@code /metrics})
     * @throws IllegalStateException when the application fails or does not run within the
     *     settings' connect timeout
     */
    public static JoinService start(KafkaSettings settings, JoinConfig config, Path stateDir, MeterRegistry registry,
                                    Clock clock) {
        return start(settings, config, stateDir, registry, clock, 1);
    }

    /**
     * As {@link #start(KafkaSettings, JoinConfig, Path, MeterRegistry, Clock)} with
     * {@code streamThreads} stream threads in this instance ({@code num.stream.threads}): a task
     * per decisions partition, shared among them, so more threads than partitions stay idle.
     *
     * @throws IllegalArgumentException when {@code streamThreads} is not in [1, 64]
     */
    public static JoinService start(KafkaSettings settings, JoinConfig config, Path stateDir, MeterRegistry registry,
                                    Clock clock, int streamThreads) {
        if (streamThreads < 1 || streamThreads > MAX_STREAM_THREADS) {
            throw new IllegalArgumentException("stream-threads is " + streamThreads + "; allowed: 1 to "
                    + MAX_STREAM_THREADS);
        }
        Topics topics = settings.topics();
        log.info("join settings: {} application-id={} state-dir={} stream-threads={}", config, applicationId(topics),
                stateDir, streamThreads);
        TopicBootstrap.ensureTopics(settings, List.of(topics.decisions(), topics.rewards(), topics.transitions(),
                topics.lateRewards(), topics.deadLetter()), clock);
        JoinMetrics metrics = new JoinMetrics(registry);
        KafkaStreams streams = new KafkaStreams(RewardJoinTopology.build(topics, config, metrics),
                properties(settings, stateDir, streamThreads));
        JoinService service = new JoinService(streams);
        Gauge.builder("join.running", streams, s -> s.state() == KafkaStreams.State.RUNNING ? 1 : 0)
                .description("1 while the join application is running").register(registry);
        CountDownLatch running = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            log.info("join application {} -> {}", before, now);
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
        streams.setUncaughtExceptionHandler(e -> {
            log.error("the join stopped: {}", e.toString(), e);
            service.failure = e;
            service.failed.countDown();
            running.countDown();
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.start();
        try {
            if (!running.await(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                service.close();
                throw new IllegalStateException("the join did not start within " + settings.connectTimeout().toSeconds()
                        + " s (state " + streams.state() + "); is Kafka at " + settings.bootstrapServers()
                        + " reachable?");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            service.close();
            throw new IllegalStateException("interrupted while starting the join", e);
        }
        if (service.failure != null) {
            service.close();
            throw new IllegalStateException("the join failed at start: " + service.failure.getMessage(),
                    service.failure);
        }
        return service;
    }

    static Properties properties(KafkaSettings settings, Path stateDir, int streamThreads) {
        Properties p = new Properties();
        p.putAll(settings.admin("streamrl-join"));
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId(settings.topics()));
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(streamThreads));
        // Internal topics (the stores' changelogs) take the broker's replication factor.
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, "-1");
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), "5");
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "500");
        p.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG), "5");
        return p;
    }

    /** Whether the application runs; false once it failed or was closed. */
    public boolean running() {
        return streams.state() == KafkaStreams.State.RUNNING || streams.state() == KafkaStreams.State.REBALANCING;
    }

    /** Waits for the application to fail; true if it did within the timeout. */
    public boolean awaitFailure(Duration timeout) throws InterruptedException {
        return failed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Why the application stopped, or null while it runs. */
    public Throwable failure() {
        return failure;
    }

    /**
     * Finishes the open transaction and leaves the group, so that the partitions move at once to
     * the other instances (or to the next start) instead of after the session timeout.
     */
    @Override
    public void close() {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(CLOSE_TIMEOUT));
    }
}
