package io.streamrl.learner;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamrl.core.agent.Ddpg;
import io.streamrl.core.compute.ComputeBackend;
import io.streamrl.core.compute.ComputeBackends;
import io.streamrl.core.env.ActionSpace;
import io.streamrl.core.env.EnvSpec;
import io.streamrl.core.env.Envs;
import io.streamrl.core.replay.ReplayBuffer;
import io.streamrl.core.train.TrainListener;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.kafka.ServiceStop;
import io.streamrl.kafka.MetricsServer;
import io.streamrl.kafka.TopicBootstrap;
import io.streamrl.schemas.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The learner service: Kafka transitions in, DDPG/TD3 training, policy snapshots out.
 *
 * <pre>{@code
 * LearnerService learner = new LearnerService(kafka, config, Clock.systemUTC(), TrainListener.NONE);
 * Runtime.getRuntime().addShutdownHook(new Thread(learner::close));
 * LearnerResult result = learner.run();   // blocks until close() or a failure
 * }</pre>
 *
 * <p>{@link #run()} waits for the broker and creates the topics, takes over the policy's
 * transactional id (fencing any other learner of the same namespace and policy, which then ends
 * {@link LearnerResult.Outcome#FENCED}), finds the newest version of the policy already
 * published, then runs the ingest threads ({@link IngestLoop}, one per
 * {@code ingest-threads}) and
 * training ({@link TrainingLoop}), joined by an {@link ExperienceInbox}. When either ends, both
 * stop; {@code run()} then flushes and closes the producers, releases the compute backend and
 * returns why it ended. Every resource is made and released by the thread calling {@code run()}.
 *
 * <p>Offline ({@link LearnerConfig#offline()}) is a mode of the same service: it captures the end
 * offsets of the transitions topic at start, the ingest threads read up to them (writing no
 * dead letters), and the training loop takes exactly {@code offline-updates} updates once the
 * whole log is in the buffer, publishes and ends; {@code run()} then returns
 * {@link LearnerResult.Outcome#COMPLETED} (or {@link LearnerResult.Outcome#NO_DATA} for a log too
 * small to learn from). Its checkpoints carry the mode, so online and offline runs never resume
 * from each other's.
 */
public final class LearnerService implements Learner {

    private static final Logger log = LoggerFactory.getLogger(LearnerService.class);
    /**
     * How long {@link #close()} waits for {@link #run()} to end: enough for the producers to flush
     * ({@link #PRODUCER_CLOSE_TIMEOUT} each) and the consumers to close.
     */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration PRODUCER_CLOSE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CONSUMER_CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final KafkaSettings kafka;
    private final LearnerConfig config;
    private final Clock clock;
    private final TrainListener listener;
    private final PrometheusMeterRegistry registry;
    private final LearnerMetrics metrics;
    private final AtomicBoolean runCalled = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean stopRequested;
    private volatile List<IngestLoop> ingest = List.of();
    private volatile TrainingLoop training;
    private volatile Set<Thread> workers = Set.of();
    private volatile MetricsServer metricsServer;

    /** A learner with a registry of its own (served on {@code metrics-port} when one is set). */
    public LearnerService(KafkaSettings kafka, LearnerConfig config, Clock clock, TrainListener listener) {
        this(kafka, config, clock, listener, MetricsServer.newRegistry());
    }

    /**
     * @param listener receives each evaluation point, on the training thread; it may call {@link #close()}
     *     (e.g. to stop once the task is solved)
     * @param registry where the {@code learner.*} meters are registered (shared, e.g., with actors in a demo)
     */
    public LearnerService(KafkaSettings kafka, LearnerConfig config, Clock clock, TrainListener listener,
                          PrometheusMeterRegistry registry) {
        this.kafka = Objects.requireNonNull(kafka, "kafka");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.metrics = new LearnerMetrics(registry, config.policyName(), config.algorithm().bufferCapacity());
    }

    /**
     * Runs the learner until {@link #close()} or a failure. Call once.
     *
     * @return why it ended, with the final counters; a failed update or ingest is reported here
     * @throws io.streamrl.kafka.BrokerUnavailableException when Kafka cannot be reached at start-up
     *     (retriable: start again once the broker is up)
     * @throws IllegalStateException when start-up fails otherwise (topics, metrics port, policy topic),
     *     or when called a second time
     */
    @Override
    public LearnerResult run() {
        if (!runCalled.compareAndSet(false, true)) {
            throw new IllegalStateException("run() was already called; create a new LearnerService to run again");
        }
        metrics.phase(LearnerPhase.STARTING);
        try {
            return runToEnd();
        } finally {
            metrics.phase(LearnerPhase.STOPPED);
            finished.countDown();
        }
    }

    /**
     * Stops the learner: wakes the consumer, stops training between updates, and waits (up to 30 s)
     * until {@link #run()} has flushed the producers and released the backend. Idempotent, callable
     * from any thread, including a shutdown hook; called from the evaluation listener it only
     * requests the stop, which {@code run()} then completes.
     */
    @Override
    public void close() {
        requestStop();
        if (workers.contains(Thread.currentThread()) || !runCalled.get()) {
            return;
        }
        ServiceStop.await(finished, CLOSE_TIMEOUT, log, "learner " + config.policyName());
    }

    /** The counters now; safe from any thread at any time. */
    @Override
    public LearnerStats stats() {
        return metrics.snapshot();
    }

    /** The port {@code /metrics} is served on, once {@link #run()} has started serving it. */
    public OptionalInt metricsPort() {
        MetricsServer server = metricsServer;
        return server == null ? OptionalInt.empty() : OptionalInt.of(server.port());
    }

    public LearnerConfig config() {
        return config;
    }

    private LearnerResult runToEnd() {
        log.info("learner starting: {}", config.toLogLine());
        log.info("{} hyperparameters: {}", config.algorithm().algorithmName(), config.algorithm().toLogLine());
        if (stopRequested) {
            return result(LearnerResult.Outcome.STOPPED, "closed before it started");
        }
        List<AutoCloseable> resources = new ArrayList<>();
        TrainingLoop.Failure failure;
        try {
            if (config.metricsPort() != LearnerConfig.NO_METRICS_PORT) {
                MetricsServer server = MetricsServer.start(registry, config.metricsHost(), config.metricsPort());
                resources.add(server);
                metricsServer = server;
                log.info("serving metrics on port {} at /metrics", server.port());
            }
            // Before Kafka: an unusable checkpoint-dir is the user's to fix, and says so at once.
            Optional<CheckpointStore> checkpoints = config.checkpoint().map(c -> new CheckpointStore(c, metrics));
            checkpoints.ifPresent(CheckpointStore::open);
            TopicBootstrap.ensureTopics(kafka, kafka.topics().all(), clock);
            if (stopRequested) {
                return result(LearnerResult.Outcome.STOPPED, "stopped during start-up");
            }
            failure = startAndJoinWorkers(resources, checkpoints);
        } finally {
            closeAll(resources);
        }
        if (failure != null) {
            return result(failure.outcome(), failure.reason());
        }
        TrainingLoop t = training;
        if (t != null && t.completed()) {
            LearnerStats s = metrics.snapshot();
            return result(LearnerResult.Outcome.COMPLETED, String.format(Locale.ROOT, "offline run completed: %,d"
                    + " updates on %,d transitions, policy %s v%d the last published", s.updates(), s.bufferSize(),
                    config.policyName(), s.policyVersion()));
        }
        return result(LearnerResult.Outcome.STOPPED, "stopped on request after " + metrics.snapshot().updates()
                + " updates" + (config.offline() ? String.format(Locale.ROOT, " of the %,d of the offline run",
                config.offlineUpdates()) : ""));
    }

    /** Builds the engine and the Kafka clients, runs both threads to their end; null when nothing failed. */
    private TrainingLoop.Failure startAndJoinWorkers(List<AutoCloseable> resources,
                                                     Optional<CheckpointStore> checkpoints) {
        Topics topics = kafka.topics();
        // One learner per policy: initTransactions() fences any other learner of this policy (same
        // transactional id) and aborts its open transaction. Only then is the newest version read,
        // so that everything the fenced learner committed is seen and versions go on above it.
        String transactionalId = kafka.learnerTransactionalId(config.policyName());
        Producer<byte[], byte[]> policyProducer = KafkaPolicyPublisher.open(kafka, clientId("policy"),
                config.policyName());
        resources.add(() -> policyProducer.close(PRODUCER_CLOSE_TIMEOUT));
        long newestOnTopic = firstVersion(topics) - 1;
        // Offline: the log is the transitions topic as it stands now; what is written later is not read.
        Map<Integer, Long> endOffsets = config.offline() ? captureLog(topics) : null;

        EnvSpec spec = config.envSpec();
        ActionSpace.Box box = config.actionBox();
        ComputeBackend backend = ComputeBackends.create(config.backend());
        resources.add(backend);
        SplittableRandom master = new SplittableRandom(config.seed());
        Ddpg agent = new Ddpg(config.algorithm(), spec.observationDim(), box.dim(), backend, master.split());
        // Offline checkpoints name the mode too, so that an online learner never resumes from one (nor the reverse).
        CheckpointStore.Identity identity = new CheckpointStore.Identity(spec.id(),
                config.algorithm().algorithmName() + (config.offline() ? " offline" : ""), agent.layout(),
                topics.namespace(), config.policyName());
        CheckpointMetadata resumed = checkpoints.flatMap(store -> resume(store, identity, agent)).orElse(null);
        // Versions go on above both the topic's newest and the checkpoint's last, in case the
        // policy topic was emptied (a new cluster) while the checkpoint survived.
        long firstVersion = Math.max(newestOnTopic, resumed == null ? -1 : resumed.lastPublishedVersion()) + 1;
        log.info("publishing {} from version {} every {} updates to {}", config.policyName(), firstVersion,
                config.publishEvery(), topics.policy().name());
        SplittableRandom replayRandom = master.split();
        PolicyEvaluator evaluator = config.evalEvery() > 0
                ? PolicyEvaluator.of(Envs.make(config.env(), master.split()), config.evalEpisodes())
                : null;
        ReplayBuffer buffer = new ReplayBuffer(config.algorithm().bufferCapacity(), spec.observationDim(), box.dim());

        int slots = config.ingestThreads();
        ExperienceInbox inbox = new ExperienceInbox(slots);
        RejectedRecords rejections;
        if (config.offline()) {
            rejections = RejectedRecords.logOnly(); // an offline learner reads the log and writes nothing back
        } else {
            Producer<byte[], byte[]> deadLetterProducer = new KafkaProducer<>(kafka.producer(clientId("dead-letter")));
            resources.add(() -> deadLetterProducer.close(PRODUCER_CLOSE_TIMEOUT));
            rejections = new DeadLetterPublisher(deadLetterProducer, topics.deadLetter(),
                    Topics.DEAD_LETTER_MAX_MESSAGE_BYTES, metrics, clock);
        }
        AtomicInteger positioning = new AtomicInteger(slots);
        Runnable onPositioned = () -> {
            if (positioning.decrementAndGet() == 0) {
                metrics.phase(LearnerPhase.RUNNING);
            }
        };
        List<IngestLoop> ingestLoops = new ArrayList<>(slots);
        for (int slot = 0; slot < slots; slot++) {
            Consumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumer(clientId("ingest-" + slot), null));
            // The ingest thread closes it; this covers a start-up that fails before that thread runs.
            resources.add(() -> consumer.close(CONSUMER_CLOSE_TIMEOUT));
            ingestLoops.add(new IngestLoop(consumer, topics.transitions().name(), config.startPosition(),
                    kafka.connectTimeout(), new TransitionConverter(topics.transitions(), spec,
                    config.observationNormalizer()), rejections, inbox, metrics, onPositioned, slot, slots,
                    resumed == null || config.offline() ? Map.of() : resumed.offsets(), buffer.capacity(),
                    endOffsets));
        }
        KafkaPolicyPublisher publisher = new KafkaPolicyPublisher(policyProducer, topics.policy(), config.policyName(),
                topics.namespace(), transactionalId, firstVersion, box.low(), box.high(), clock, metrics);
        TrainingLoop trainingLoop = new TrainingLoop(agent, buffer, replayRandom, inbox, config.publishEvery(),
                publisher, config.evalEvery(), evaluator, listener, metrics,
                new ProgressLog(config.policyName(), buffer.capacity(), metrics, clock.millis()), clock,
                config.progressInterval(),
                checkpoints.map(store -> new CheckpointWriter(store, config.checkpoint().orElseThrow().every(),
                        identity, metrics, agent.updates())).orElse(null),
                resumed, config.offlineUpdates(), config.observationNormalizer(), config.standardizeObservations());

        List<Thread> threads = new ArrayList<>();
        for (int slot = 0; slot < slots; slot++) {
            threads.add(worker(ingestLoops.get(slot), "learner-ingest-" + slot + "-" + config.policyName()));
        }
        Thread trainingThread = worker(trainingLoop, "learner-train-" + config.policyName());
        threads.add(trainingThread);
        workers = Set.copyOf(threads);
        ingest = List.copyOf(ingestLoops);
        training = trainingLoop;
        if (stopRequested) { // close() came while the loops were being built and could not reach them
            requestStop();
        }
        threads.forEach(Thread::start);
        joinAll(threads.toArray(Thread[]::new));

        if (trainingLoop.failure().isPresent()) {
            return trainingLoop.failure().get();
        }
        return ingestLoops.stream().map(IngestLoop::failure).flatMap(Optional::stream).findFirst()
                .map(e -> new TrainingLoop.Failure(LearnerResult.Outcome.INGEST_FAILED,
                        "reading " + topics.transitions().name() + " failed: " + e))
                .orElse(null);
    }

    /** Loads the newest valid checkpoint into {@code agent}; empty (and said so) when there is none. */
    private Optional<CheckpointMetadata> resume(CheckpointStore store, CheckpointStore.Identity identity, Ddpg agent) {
        Ddpg.Checkpoint state = agent.checkpoint(null);
        Optional<CheckpointMetadata> found = store.loadNewest(identity, state);
        if (found.isPresent()) {
            agent.resume(state, found.get().updates());
        } else {
            log.info("no checkpoint in {}: starting from fresh networks (seed {})", store.dir().toAbsolutePath(),
                    config.seed());
        }
        return found;
    }

    /**
     * Offline: the end offset of every partition of the transitions topic now, which the ingest
     * threads read up to; logs how many records that is, and warns when they cannot all fit the
     * buffer.
     */
    private Map<Integer, Long> captureLog(Topics topics) {
        String topic = topics.transitions().name();
        try (Consumer<byte[], byte[]> scan = new KafkaConsumer<>(kafka.consumer(clientId("log-scan"), null))) {
            List<TopicPartition> partitions = scan.partitionsFor(topic, kafka.connectTimeout()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            Map<TopicPartition, Long> begin = scan.beginningOffsets(partitions, kafka.connectTimeout());
            Map<TopicPartition, Long> end = scan.endOffsets(partitions, kafka.connectTimeout());
            Map<Integer, Long> ends = new TreeMap<>();
            long records = 0;
            for (TopicPartition p : partitions) {
                ends.put(p.partition(), end.get(p));
                records += end.get(p) - begin.get(p);
            }
            int capacity = config.algorithm().bufferCapacity();
            log.info(String.format(Locale.ROOT, "offline: %s holds %,d records in %d partitions (end offsets %s);"
                    + " reading them into the buffer, then taking %,d gradient updates (replay-ratio does not apply"
                    + " offline)", topic, records, partitions.size(), ends, config.offlineUpdates()));
            if (records > capacity) {
                log.warn(String.format(Locale.ROOT, "offline: %s holds %,d records, more than buffer-capacity (%,d):"
                        + " the buffer will keep the newest %,d transitions by arrival and overwrite the rest; raise"
                        + " --set buffer-capacity=%d to train on all of them", topic, records, capacity, capacity,
                        records));
            }
            return ends;
        }
    }

    private long firstVersion(Topics topics) {
        try (Consumer<byte[], byte[]> scan = new KafkaConsumer<>(kafka.consumer(clientId("policy-scan"), null))) {
            return PolicyVersions.highest(scan, topics.policy(), config.policyName(), kafka.connectTimeout(), clock)
                    .orElse(-1) + 1;
        }
    }

    private Thread worker(Runnable loop, String name) {
        // Whichever loop ends first, for whatever reason, takes the other one down with it.
        return new Thread(() -> {
            try {
                loop.run();
            } finally {
                requestStop();
            }
        }, name);
    }

    private void requestStop() {
        stopRequested = true;
        ingest.forEach(IngestLoop::shutdown);
        TrainingLoop t = training;
        if (t != null) {
            t.shutdown();
        }
    }

    private void joinAll(Thread... threads) {
        boolean interrupted = false;
        for (Thread thread : threads) {
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                    requestStop();
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes in reverse order of creation: producers flush before the metrics endpoint goes away. */
    private void closeAll(List<AutoCloseable> resources) {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                log.warn("error while shutting down the learner: {}", e.toString());
            }
        }
        resources.clear();
    }

    private LearnerResult result(LearnerResult.Outcome outcome, String reason) {
        metrics.phase(LearnerPhase.STOPPED);
        LearnerStats stats = metrics.snapshot();
        if (outcome == LearnerResult.Outcome.STOPPED) {
            log.info("learner {} stopped: {}", config.policyName(), reason);
        } else if (outcome == LearnerResult.Outcome.COMPLETED) {
            log.info("learner {}: {}", config.policyName(), reason);
        } else if (outcome == LearnerResult.Outcome.FENCED) {
            log.warn("{}", reason);
        } else {
            log.error("learner {} ended with {}: {}", config.policyName(), outcome, reason);
        }
        return new LearnerResult(outcome, reason, stats);
    }

    /** Policy names keep to characters a client id may hold ({@code PolicyName}), so the name goes in as it is. */
    private String clientId(String purpose) {
        return "streamrl-learner-" + purpose + "-" + config.policyName();
    }
}
