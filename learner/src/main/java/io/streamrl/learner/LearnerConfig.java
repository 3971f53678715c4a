package io.streamrl.learner;

import io.streamrl.core.agent.DdpgConfig;
import io.streamrl.core.compute.ComputeBackends;
import io.streamrl.core.config.Check;
import io.streamrl.core.env.ActionSpace;
import io.streamrl.core.env.EnvSpec;
import io.streamrl.core.env.Envs;
import io.streamrl.core.policy.ObservationNormalizer;
import io.streamrl.core.policy.PolicyName;
import io.streamrl.kafka.MetricsServer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Everything the learner service needs besides the Kafka connection ({@code KafkaSettings}).
 * Validated on construction; every message names the option as the command line spells it.
 * Build one with {@link #builder(String)}, which fills in the defaults.
 *
 * @param env environment the transitions come from (Gymnasium id or short name, see {@code Envs})
 * @param algorithm DDPG/TD3 hyperparameters, including {@code learning-starts}, {@code
 *     replay-ratio}, {@code batch-size} and {@code buffer-capacity}
 * @param seed master seed of the networks' initialisation, replay sampling and evaluation env
 * @param policyName key of the published snapshots on the policy topic; see {@link PolicyName}
 * @param publishEvery publish a snapshot every this many gradient updates
 * @param backend compute backend name ({@code vector} or {@code nd4j})
 * @param evalEvery evaluate the deterministic policy every this many environment steps' worth of
 *     updates online (where a local trainer evaluates), every this many updates offline; 0 turns it off
 * @param evalEpisodes episodes per evaluation
 * @param startPosition where to start reading the transitions topic
 * @param ingestThreads consumers reading the transitions topic, each with a share of its
 *     partitions (more than the partition count leaves the extra ones idle); two by default, so
 *     that decoding runs beside Kafka's own record parsing (docs/benchmarks.md, "Ingest")
 * @param metricsHost address the Prometheus endpoint binds to
 * @param metricsPort port of the Prometheus {@code /metrics} endpoint; -1 for none, 0 for a free one
 * @param progressInterval how often the progress line is logged and updates per second computed
 * @param observationNormalizer observation normalisation applied before the networks; travels with each snapshot
 * @param checkpoint where and how often the training state is stored and resumed from; empty
 *     for none (the {@code learner} command turns it on by default)
 * @param offlineUpdates 0 for online learning (follow the topic, train at the replay ratio, run
 *     until stopped); otherwise offline learning ({@code --offline --updates N}): read the
 *     transitions topic as it stands at start into the buffer, take exactly this many gradient
 *     updates (the replay ratio does not apply: the data will not grow), publish and stop
 * @param standardizeObservations offline only: once the log is in the buffer, standardise
 *     observations with the buffer's own per-dimension mean and standard deviation (TD3+BC,
 *     Fujimoto and Gu 2021, section 5) on top of {@code observationNormalizer}; the published
 *     policies carry the combined map. The builder's default: on for offline td3+bc runs
 */
public record LearnerConfig(
        String env,
        DdpgConfig algorithm,
        long seed,
        String policyName,
        long publishEvery,
        String backend,
        long evalEvery,
        int evalEpisodes,
        StartPosition startPosition,
        int ingestThreads,
        String metricsHost,
        int metricsPort,
        Duration progressInterval,
        ObservationNormalizer observationNormalizer,
        Optional<CheckpointConfig> checkpoint,
        long offlineUpdates,
        boolean standardizeObservations) {

    public static final long DEFAULT_PUBLISH_EVERY = 100;
    public static final int DEFAULT_EVAL_EPISODES = 10;
    public static final int DEFAULT_INGEST_THREADS = 2;
    public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofSeconds(5);
    public static final int NO_METRICS_PORT = -1;
    private static final Duration MIN_PROGRESS_INTERVAL = Duration.ofMillis(100);
    private static final Duration MAX_PROGRESS_INTERVAL = Duration.ofHours(1);
    /** Most gradient updates an offline run may be asked for. */
    public static final long MAX_OFFLINE_UPDATES = 1_000_000_000_000L;

    public LearnerConfig {
        EnvSpec spec = specOf(env);
        if (!(spec.actionSpace() instanceof ActionSpace.Box)) {
            throw new IllegalArgumentException("env is " + spec.id() + ", whose action space is "
                    + spec.actionSpace() + "; the learner trains DDPG/TD3, which needs a continuous (Box) action"
                    + " space, e.g. Pendulum-v1, MountainCarContinuous-v0 or Pricing-v0");
        }
        if (algorithm == null) {
            throw new IllegalArgumentException("algorithm must be set, e.g. DdpgConfig.preset(\"ddpg\") with"
                    + " overrides");
        }
        PolicyName.check("policy-name", policyName);
        Check.inClosed("publish-every", publishEvery, 1, 1_000_000_000L);
        String backendKey = backend == null ? "" : backend.strip().toLowerCase(Locale.ROOT);
        if (!ComputeBackends.NAMES.contains(backendKey)) {
            throw new IllegalArgumentException("backend must be one of " + ComputeBackends.NAMES + ", got '"
                    + backend + "'");
        }
        backend = backendKey;
        Check.inClosed("eval-every", evalEvery, 0, 1_000_000_000L);
        Check.inClosed("eval-episodes", evalEpisodes, 1, 10_000);
        if (startPosition == null) {
            throw new IllegalArgumentException("start-position must be one of "
                    + Arrays.toString(StartPosition.values()) + ", got null");
        }
        Check.inClosed("ingest-threads", ingestThreads, 1, 64);
        MetricsServer.checkHost(metricsHost);
        Check.inClosed("metrics-port", metricsPort, NO_METRICS_PORT, 65_535);
        if (progressInterval == null || progressInterval.compareTo(MIN_PROGRESS_INTERVAL) < 0
                || progressInterval.compareTo(MAX_PROGRESS_INTERVAL) > 0) {
            throw new IllegalArgumentException("progress-interval must be in [" + MIN_PROGRESS_INTERVAL + ", "
                    + MAX_PROGRESS_INTERVAL + "], got " + progressInterval);
        }
        if (observationNormalizer == null || observationNormalizer.dim() != spec.observationDim()) {
            throw new IllegalArgumentException("observation-normalizer must have " + spec.observationDim()
                    + " entries (the observation size of " + spec.id() + "), got "
                    + (observationNormalizer == null ? "none" : observationNormalizer.dim()));
        }
        checkpoint = checkpoint == null ? Optional.empty() : checkpoint;
        Check.inClosed("updates", offlineUpdates, 0, MAX_OFFLINE_UPDATES);
        if (offlineUpdates > 0 && startPosition != StartPosition.EARLIEST) {
            throw new IllegalArgumentException("start-position must be earliest offline: an offline learner trains on"
                    + " the whole transitions topic as it stands at start, got "
                    + startPosition.name().toLowerCase(Locale.ROOT));
        }
        if (standardizeObservations && offlineUpdates == 0) {
            throw new IllegalArgumentException("normalize-observations applies to --offline runs only: online, the"
                    + " data keeps changing and so would the statistics");
        }
    }

    /** Whether this is an offline run ({@link #offlineUpdates()} {@code > 0}). */
    public boolean offline() {
        return offlineUpdates > 0;
    }

    /** Defaults for {@code env}: DDPG preset, seed 0, policy named after the env's Gymnasium id. */
    public static Builder builder(String env) {
        return new Builder(env);
    }

    /** The environment's description: id, dimensions and action bounds. */
    public EnvSpec envSpec() {
        return specOf(env);
    }

    /** The Box action space of {@link #env()}. */
    public ActionSpace.Box actionBox() {
        return (ActionSpace.Box) envSpec().actionSpace();
    }

    /** {@code key=value ...} for the start-up log. */
    public String toLogLine() {
        return "env=" + env + " algorithm=" + algorithm.algorithmName() + " seed=" + seed + " policy-name="
                + policyName + " publish-every=" + publishEvery + " backend=" + backend + " eval-every=" + evalEvery
                + " eval-episodes=" + evalEpisodes + " start-position=" + startPosition.name().toLowerCase(Locale.ROOT)
                + " ingest-threads=" + ingestThreads + " metrics-host=" + metricsHost + " metrics-port=" + metricsPort
                + " progress-interval=" + progressInterval.toMillis() + "ms"
                + checkpoint.map(c -> " checkpoint-dir=" + c.dir() + " checkpoint-every=" + c.every()
                        + " checkpoint-keep=" + c.keep()).orElse(" checkpoints=off")
                + (offline() ? " mode=offline updates=" + offlineUpdates + " normalize-observations="
                        + standardizeObservations : " mode=online");
    }

    private static EnvSpec specOf(String env) {
        try {
            return Envs.spec(env);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("env: " + e.getMessage(), e);
        }
    }

    /** Fills in defaults; {@link #build()} validates. */
    public static final class Builder {
        private final String env;
        private DdpgConfig algorithm = DdpgConfig.ddpg();
        private long seed;
        private String policyName;
        private long publishEvery = DEFAULT_PUBLISH_EVERY;
        private String backend = ComputeBackends.defaultName();
        private long evalEvery;
        private int evalEpisodes = DEFAULT_EVAL_EPISODES;
        private StartPosition startPosition = StartPosition.EARLIEST;
        private int ingestThreads = DEFAULT_INGEST_THREADS;
        private String metricsHost = MetricsServer.DEFAULT_HOST;
        private int metricsPort = NO_METRICS_PORT;
        private Duration progressInterval = DEFAULT_PROGRESS_INTERVAL;
        private ObservationNormalizer observationNormalizer;
        private CheckpointConfig checkpoint;
        private Long offlineUpdates;
        private Boolean standardizeObservations;

        private Builder(String env) {
            this.env = env;
        }

        public Builder algorithm(DdpgConfig value) {
            algorithm = value;
            return this;
        }

        public Builder seed(long value) {
            seed = value;
            return this;
        }

        public Builder policyName(String value) {
            policyName = value;
            return this;
        }

        public Builder publishEvery(long value) {
            publishEvery = value;
            return this;
        }

        public Builder backend(String value) {
            backend = value;
            return this;
        }

        public Builder evalEvery(long value) {
            evalEvery = value;
            return this;
        }

        public Builder evalEpisodes(int value) {
            evalEpisodes = value;
            return this;
        }

        public Builder startPosition(StartPosition value) {
            startPosition = value;
            return this;
        }

        public Builder ingestThreads(int value) {
            ingestThreads = value;
            return this;
        }

        public Builder metricsHost(String value) {
            metricsHost = value;
            return this;
        }

        public Builder metricsPort(int value) {
            metricsPort = value;
            return this;
        }

        public Builder progressInterval(Duration value) {
            progressInterval = value;
            return this;
        }

        public Builder observationNormalizer(ObservationNormalizer value) {
            observationNormalizer = value;
            return this;
        }

        /** Checkpoints to {@code value}; null for none (the default). */
        public Builder checkpoint(CheckpointConfig value) {
            checkpoint = value;
            return this;
        }

        /**
         * Offline learning: train on the transitions topic as it stands at start for exactly
         * {@code updates} gradient updates, then stop (see {@link LearnerConfig#offlineUpdates()}).
         */
        public Builder offline(long updates) {
            offlineUpdates = updates;
            return this;
        }

        /**
         * Offline: whether to standardise observations with the log's statistics (see {@link
         * LearnerConfig#standardizeObservations()}); null for the default, on for td3+bc.
         */
        public Builder standardizeObservations(Boolean value) {
            standardizeObservations = value;
            return this;
        }

        public LearnerConfig build() {
            if (offlineUpdates != null) {
                Check.inClosed("updates", offlineUpdates, 1, MAX_OFFLINE_UPDATES);
            }
            EnvSpec spec = specOf(env);
            return new LearnerConfig(env, algorithm, seed, policyName == null ? spec.id() : policyName,
                    publishEvery, backend, evalEvery, evalEpisodes, startPosition, ingestThreads, metricsHost,
                    metricsPort, progressInterval,
                    observationNormalizer == null ? ObservationNormalizer.identity(spec.observationDim())
                            : observationNormalizer, Optional.ofNullable(checkpoint),
                    offlineUpdates == null ? 0 : offlineUpdates, standardizeObservations == null
                            ? offlineUpdates != null && algorithm != null && algorithm.behaviourCloning()
                            : standardizeObservations);
        }
    }
}
