package io.streamrl.bench;

import io.streamrl.core.agent.DdpgConfig;
import io.streamrl.kafka.KafkaClientConfig;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.pipeline.KafkaTarget;
import io.streamrl.pipeline.Pipeline;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Time to solve Pendulum-v1 through Kafka: the {@link Pipeline} {@code streamrl demo} runs (a
 * learner and simulation actors in this process, talking only through the broker, paced to hold
 * the learner at its replay ratio). Solved means the first evaluation of the
 * deterministic policy (10 episodes) with a mean return of at least -200. Optionally the PyTorch
 * peer trains the same seeds in the same run, one after the other, for the ratio of wall times.
 *
 * <p>Wall time runs from starting the pipeline (creating topics and connecting the learner
 * included; the in-process broker is already up) to the evaluation that solved it; environment steps are the
 * transitions the learner had received by then.
 */
public final class SolveBenchmark {

    private static final Logger log = LoggerFactory.getLogger(SolveBenchmark.class);

    /**
     * The peer's time-to-solve command: {@code PYTHON DIR/ddpg_pendulum.py --seed S
     * --learning-starts L --total-timesteps T --threads N}.
     */
    public record Peer(Path dir, String python, int learningStarts, int totalTimesteps, int threads,
                       Duration timeout) {
        public Peer {
            if (learningStarts < 1 || totalTimesteps <= learningStarts || threads < 1) {
                throw new IllegalArgumentException("peer learning-starts must be >= 1 and below total-timesteps, and"
                        + " threads >= 1; got " + learningStarts + ", " + totalTimesteps + ", " + threads);
            }
        }
    }

    /**
     * @param seeds master seeds; the learner uses the seed, actor {@code i} uses {@code seed * 1000 + i}
     * @param agent the learner's hyperparameters
     * @param actors simulation actors (threads of this process)
     * @param maxEnvSteps step budget over all actors per seed
     * @param timeout longest one seed may run
     * @param bootstrapServer an existing cluster, or null for an in-process broker
     * @param kafkaConfig the cluster's client properties ({@code --kafka-config}); none for the in-process broker
     * @param peer the PyTorch peer to run for the same seeds, or null
     */
    public record Settings(List<Long> seeds, DdpgConfig agent, String backend, int actors, long maxEnvSteps,
                           long publishEvery, long evalEvery, Duration timeout, String bootstrapServer,
                           KafkaClientConfig kafkaConfig, Peer peer) {
        public Settings {
            Objects.requireNonNull(kafkaConfig, "kafkaConfig must not be null; use KafkaClientConfig.none()");
            seeds = List.copyOf(seeds);
            if (seeds.isEmpty()) {
                throw new IllegalArgumentException("seeds must name at least one seed");
            }
            if (agent == null || backend == null) {
                throw new IllegalArgumentException("agent and backend must be set");
            }
            if (actors < 1 || actors > 64) {
                throw new IllegalArgumentException("actors must be in [1, 64], got " + actors);
            }
            if (maxEnvSteps < 1 || publishEvery < 1 || evalEvery < 1) {
                throw new IllegalArgumentException("max-steps, publish-every and eval-every must be >= 1, got "
                        + maxEnvSteps + ", " + publishEvery + ", " + evalEvery);
            }
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, got " + timeout);
            }
        }
    }

    /**
     * streamrl's run of one seed.
     *
     * @param outcome {@code solved}, {@code budget spent}, {@code timed out}, or why the learner failed
     * @param envStepsToSolve transitions received at the solving evaluation; null when unsolved
     * @param wallSecondsToSolve seconds from start to the solving evaluation; null when unsolved
     */
    public record StreamrlRun(String outcome, Long envStepsToSolve, Double wallSecondsToSolve, double wallSeconds,
                              long envSteps, long updates, double lastEvalReturn) {
        public boolean solved() {
            return envStepsToSolve != null;
        }
    }

    /** The peer's {@code SUMMARY} line; {@code solvedStep} and {@code solvedWallSeconds} are null when unsolved. */
    public record PeerRun(Long solvedStep, Double solvedWallSeconds, double totalWallSeconds, double finalMeanReturn) {
    }

    /** One seed: streamrl, and the peer when it ran. */
    public record SeedResult(String kafka, long seed, StreamrlRun streamrl, PeerRun peer) {
        /** streamrl's wall time to solve over the peer's; the target is at most 0.5. Null unless both solved. */
        public Double wallRatio() {
            if (!streamrl.solved() || peer == null || peer.solvedWallSeconds() == null) {
                return null;
            }
            return streamrl.wallSecondsToSolve() / peer.solvedWallSeconds();
        }

        public Map<String, Object> line() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("benchmark", "solve");
            m.put("kafka", kafka);
            m.put("seed", seed);
            m.put("outcome", streamrl.outcome());
            m.put("solved_step", streamrl.envStepsToSolve());
            m.put("solved_wall_s", streamrl.wallSecondsToSolve() == null ? null
                    : Json.round(streamrl.wallSecondsToSolve(), 2));
            m.put("env_steps", streamrl.envSteps());
            m.put("updates", streamrl.updates());
            m.put("wall_s", Json.round(streamrl.wallSeconds(), 2));
            m.put("last_eval_return", Json.round(streamrl.lastEvalReturn(), 1));
            if (peer != null) {
                m.put("peer_solved_step", peer.solvedStep());
                m.put("peer_solved_wall_s", peer.solvedWallSeconds() == null ? null
                        : Json.round(peer.solvedWallSeconds(), 2));
                m.put("peer_total_wall_s", Json.round(peer.totalWallSeconds(), 2));
                m.put("wall_ratio", wallRatio() == null ? null : Json.round(wallRatio(), 3));
            }
            return m;
        }
    }

    private final Clock clock;

    public SolveBenchmark(Clock clock) {
        this.clock = clock;
    }

    public List<SeedResult> run(Settings s) throws InterruptedException {
        // Check the peer before spending minutes on streamrl's seeds.
        PyTorchPeer peer = s.peer() == null ? null : new PyTorchPeer(s.peer().dir(), s.peer().python());
        List<SeedResult> results = new ArrayList<>();
        try (KafkaTarget target = KafkaTarget.open(s.bootstrapServer(), s.kafkaConfig(), clock)) {
            for (long seed : s.seeds()) {
                StreamrlRun run = streamrl(target.fresh("bench-solve-seed" + seed), s, seed);
                log.info("seed {}: streamrl {}", seed, run);
                PeerRun peerRun = peer == null ? null : peer.run(seed, s.peer().learningStarts(),
                        s.peer().totalTimesteps(), s.peer().threads(), s.peer().timeout());
                if (peerRun != null) {
                    log.info("seed {}: peer {}", seed, peerRun);
                }
                results.add(new SeedResult(target.description(), seed, run, peerRun));
            }
        }
        return results;
    }

    private StreamrlRun streamrl(KafkaSettings kafka, Settings s, long seed) throws InterruptedException {
        Pipeline.Settings settings = Pipeline.Settings.inStep(PendulumRecords.ENV, s.agent(), seed, s.actors(),
                s.maxEnvSteps(), s.publishEvery(), s.evalEvery(), s.backend())
                .withActorPrefix("solve-actor").withTimeout(s.timeout());
        Pipeline.Outcome o = new Pipeline(kafka, settings, clock).run(point -> { }, progress -> { },
                Duration.ofSeconds(1));
        String outcome = o.ending().toString();
        if (o.learnerFailed() && !o.solved()) {
            outcome = "learner failed: " + o.learnerResult().reason();
        }
        return new StreamrlRun(outcome, o.envStepsToSolve(), o.wallSecondsToSolve(), o.wallSeconds(), o.envSteps(),
                o.learner().updates(), o.learner().evalMeanReturn());
    }
}
