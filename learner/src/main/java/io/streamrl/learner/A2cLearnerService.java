package io.streamrl.learner;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamrl.core.agent.A2c;
import io.streamrl.core.agent.GuardedUpdates;
import io.streamrl.core.compute.ComputeBackend;
import io.streamrl.core.compute.ComputeBackends;
import io.streamrl.core.env.ActionSpace;
import io.streamrl.core.env.Env;
import io.streamrl.core.env.EnvSpec;
import io.streamrl.core.env.Envs;
import io.streamrl.core.nn.NonFiniteUpdateException;
import io.streamrl.core.rollout.Segment;
import io.streamrl.core.rollout.SegmentLearner;
import io.streamrl.core.train.CurvePoint;
import io.streamrl.core.train.Evaluation;
import io.streamrl.core.train.TrainListener;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.kafka.ServiceStop;
import io.streamrl.kafka.MetricsServer;
import io.streamrl.kafka.RolloutSegments;
import io.streamrl.kafka.TopicBootstrap;
import io.streamrl.schemas.TopicSpec;
import io.streamrl.schemas.Topics;
import io.streamrl.schemas.avro.RolloutSegment;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The A2C learner: rollout segments in, whole-segment A2C updates (the core
 * {@link SegmentLearner}, with the staleness policy), policy snapshots out through the same
 * transactional {@link KafkaPolicyPublisher} as DDPG's, invalid segments dead-lettered like
 * invalid transitions, the same {@code learner.*} meters (plus {@code learner.rollouts.*}).
 *
 * <p>One thread does everything, in a standard poll loop: on-policy learning has no replay
 * buffer to fill beside training, and an update needs the segments before it anyway. The
 * learner publishes its initial policy at start (actors act only with a policy), then one
 * every {@code publish-every} updates. It reads the rollouts topic from its end at start:
 * segments written before were produced for another learner's policies.
 *
 * <p>Checkpoints are not implemented for A2C: a restarted learner starts from fresh networks
 * (and versions go on above the newest on the topic).
 */
public final class A2cLearnerService implements Learner {

    private static final Logger log = LoggerFactory.getLogger(A2cLearnerService.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration PRODUCER_CLOSE_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_CONSECUTIVE_REFUSALS = 10;

    private final KafkaSettings kafka;
    private final A2cLearnerConfig config;
    private final Clock clock;
    private final TrainListener listener;
    private final PrometheusMeterRegistry registry;
    private final LearnerMetrics metrics;
    private final AtomicBoolean runCalled = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean stopRequested;
    private volatile Consumer<byte[], byte[]> consumer;
    private volatile Thread runner;

    /**
     * @param listener receives each evaluation point on the learner's thread; it may call {@link #close()}
     * @param registry where the {@code learner.*} meters go
     */
    public A2cLearnerService(KafkaSettings kafka, A2cLearnerConfig config, Clock clock, TrainListener listener,
                             PrometheusMeterRegistry registry) {
        this.kafka = Objects.requireNonNull(kafka, "kafka");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.registry = Objects.requireNonNull(registry, "registry");
        // No replay buffer: capacity 1 keeps the buffer gauges at 0.
        this.metrics = new LearnerMetrics(registry, config.policyName(), 1);
    }

    /**
     * Runs until {@link #close()} or a failure. Call once.
     *
     * @throws io.streamrl.kafka.BrokerUnavailableException when Kafka cannot be reached at start-up
     */
    @Override
    public LearnerResult run() {
        if (!runCalled.compareAndSet(false, true)) {
            throw new IllegalStateException("run() was already called; create a new A2cLearnerService to run again");
        }
        runner = Thread.currentThread();
        metrics.phase(LearnerPhase.STARTING);
        log.info("A2C learner starting: {}", config.toLogLine());
        log.info("a2c hyperparameters: {}", config.algorithm().toLogLine());
        MetricsServer server = null;
        try {
            if (config.metricsPort() != LearnerConfig.NO_METRICS_PORT) {
                server = MetricsServer.start(registry, config.metricsHost(), config.metricsPort());
                log.info("serving metrics on port {} at /metrics", server.port());
            }
            TopicBootstrap.ensureTopics(kafka, kafka.topics().all(), clock);
            return learn();
        } finally {
            if (server != null) {
                server.close();
            }
            metrics.phase(LearnerPhase.STOPPED);
            finished.countDown();
        }
    }

    /** Stops the loop between two polls and waits (up to 30 s) for {@link #run()} to return; idempotent. */
    @Override
    public void close() {
        stopRequested = true;
        Consumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (!runCalled.get() || Thread.currentThread() == runner) {
            return;
        }
        ServiceStop.await(finished, CLOSE_TIMEOUT, log, "A2C learner " + config.policyName());
    }

    @Override
    public LearnerStats stats() {
        return metrics.snapshot();
    }

    public A2cLearnerConfig config() {
        return config;
    }

    private LearnerResult learn() {
        Topics topics = kafka.topics();
        TopicSpec<String, RolloutSegment> rollouts = topics.rollouts();
        EnvSpec spec = config.envSpec();
        String clientPrefix = "streamrl-learner-";
        try (Producer<byte[], byte[]> policyProducer = KafkaPolicyPublisher.open(kafka,
                clientPrefix + "policy-" + config.policyName(), config.policyName());
             Producer<byte[], byte[]> deadLetterProducer = new KafkaProducer<>(kafka.producer(
                     clientPrefix + "dead-letter-" + config.policyName()));
             Consumer<byte[], byte[]> segments = new KafkaConsumer<>(kafka.consumer(
                     clientPrefix + "rollouts-" + config.policyName(), null));
             ComputeBackend backend = ComputeBackends.create(config.backend())) {
            consumer = segments;
            long firstVersion;
            try (Consumer<byte[], byte[]> scan = new KafkaConsumer<>(kafka.consumer(
                    clientPrefix + "policy-scan-" + config.policyName(), null))) {
                firstVersion = PolicyVersions.highest(scan, topics.policy(), config.policyName(),
                        kafka.connectTimeout(), clock).orElse(-1) + 1;
            }
            SplittableRandom master = new SplittableRandom(config.seed());
            A2c agent = new A2c(config.algorithm(), spec.observationDim(), spec.actionSpace(), backend, master.split());
            SegmentLearner learner = new SegmentLearner(agent, config.observationNormalizer(), config.staleness());
            double[] low = spec.actionSpace() instanceof ActionSpace.Box box ? box.low() : new double[0];
            double[] high = spec.actionSpace() instanceof ActionSpace.Box box ? box.high() : new double[0];
            KafkaPolicyPublisher publisher = new KafkaPolicyPublisher(policyProducer, topics.policy(),
                    config.policyName(), topics.namespace(), kafka.learnerTransactionalId(config.policyName()),
                    firstVersion, low, high, clock, metrics);
            RejectedRecords rejections = new DeadLetterPublisher(deadLetterProducer, topics.deadLetter(),
                    Topics.DEAD_LETTER_MAX_MESSAGE_BYTES, metrics, clock);
            Env evalEnv = Envs.make(config.env(), master.split());

            List<TopicPartition> partitions = segments.partitionsFor(rollouts.name(), kafka.connectTimeout()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            segments.assign(partitions);
            segments.seekToEnd(partitions);
            partitions.forEach(segments::position); // resolve "end" now, before the first policy is out
            publish(publisher, agent);
            log.info("publishing {} from version {} every {} updates; reading {} from its end", config.policyName(),
                    firstVersion, config.publishEvery(), rollouts.name());
            metrics.phase(LearnerPhase.RUNNING);

            long start = clock.millis();
            long nextProgress = start + config.progressInterval().toMillis();
            long stepsReceived = 0;
            long refusedInARow = 0;
            while (!stopRequested) {
                ConsumerRecords<byte[], byte[]> records = segments.poll(POLL);
                int rejected = 0;
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    Segment segment;
                    try {
                        segment = RolloutSegments.open(rollouts.decodeValue(record.value()));
                        String problem = learner.problem(segment);
                        if (problem != null) {
                            throw new IllegalArgumentException(problem);
                        }
                    } catch (RuntimeException e) {
                        rejected++;
                        rejections.reject(record, e);
                        continue;
                    }
                    stepsReceived += segment.steps();
                    SegmentLearner.Outcome outcome;
                    try {
                        outcome = learner.offer(segment, publisher.lastVersion());
                        refusedInARow = 0;
                    } catch (NonFiniteUpdateException e) {
                        metrics.guardTripped(e.quantity() == NonFiniteUpdateException.Quantity.LOSS
                                ? GuardedUpdates.Reason.NON_FINITE_LOSS : GuardedUpdates.Reason.NON_FINITE_GRADIENT,
                                agent.updates());
                        log.warn("A2C update refused ({}): {}", e.quantity(), e.getMessage());
                        if (++refusedInARow >= MAX_CONSECUTIVE_REFUSALS) {
                            return result(LearnerResult.Outcome.UPDATE_FAILED, "A2C update refused " + refusedInARow
                                    + " times in a row: " + e.getMessage());
                        }
                        continue;
                    }
                    if (outcome == SegmentLearner.Outcome.UPDATED) {
                        long updates = agent.updates();
                        metrics.updated(updates, learner.lastStats().valueLoss());
                        if (updates % config.publishEvery() == 0) {
                            publish(publisher, agent);
                        }
                        if (config.evalEvery() > 0 && updates % config.evalEvery() == 0) {
                            Evaluation e = Evaluation.run(evalEnv, greedy(agent, low, high), config.evalEpisodes());
                            metrics.evaluated(e.meanReturn());
                            listener.onEvaluation(new CurvePoint(stepsReceived, (clock.millis() - start) / 1000.0,
                                    updates, e.meanReturn(), e.stdReturn()));
                        }
                    }
                }
                metrics.ingested(records.count(), rejected);
                metrics.rollouts(learner.discarded(), learner.corrected());
                if (clock.millis() >= nextProgress) {
                    nextProgress = clock.millis() + config.progressInterval().toMillis();
                    LearnerStats s = metrics.snapshot();
                    log.info(String.format(Locale.ROOT, "%s: %,d segments received (%,d rejected), %,d discarded,"
                            + " %,d corrected, %,d updates, policy v%d, last eval %.1f", config.policyName(),
                            s.transitionsReceived(), s.transitionsRejected(), s.rolloutsDiscarded(),
                            s.rolloutsCorrected(), s.updates(), s.policyVersion(), s.evalMeanReturn()));
                }
            }
            return result(LearnerResult.Outcome.STOPPED, "stopped on request after " + agent.updates() + " updates");
        } catch (WakeupException e) {
            return result(LearnerResult.Outcome.STOPPED, "stopped on request");
        } catch (PolicyFencedException e) {
            return result(LearnerResult.Outcome.FENCED, e.getMessage());
        } finally {
            consumer = null;
        }
    }

    private void publish(KafkaPolicyPublisher publisher, A2c agent) {
        if (!agent.parametersFinite()) {
            log.error("A2C weights are not finite after {} updates; not published", agent.updates());
            return;
        }
        publisher.publish(version -> agent.snapshot(config.policyName(), version, clock.millis(),
                config.observationNormalizer()), agent.updates());
    }

    /** The greedy action in environment units: the arg max, or the mean clipped and scaled to the box. */
    private Function<float[], double[]> greedy(A2c agent, double[] low, double[] high) {
        return o -> agent.greedyEnvironmentAction(config.observationNormalizer().apply(o), low, high);
    }

    private LearnerResult result(LearnerResult.Outcome outcome, String reason) {
        if (outcome == LearnerResult.Outcome.STOPPED) {
            log.info("A2C learner {} stopped: {}", config.policyName(), reason);
        } else {
            log.error("A2C learner {} ended with {}: {}", config.policyName(), outcome, reason);
        }
        return new LearnerResult(outcome, reason, metrics.snapshot());
    }
}
