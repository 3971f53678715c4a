package io.streamrl.bench;

import io.streamrl.core.agent.DdpgConfig;
import io.streamrl.core.noise.ExplorationConfig;
import io.streamrl.core.noise.NoiseType;
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
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Time to solve Pendulum-v1 through Kafka: the {@link Pipeline} {@code streamrl demo} runs (a
 * learner and simulation actors in this process, talking only through the broker, paced to hold
 * the learner at its replay ratio). Solved means the first evaluation of the
 * deterministic policy (10 episodes) with a mean return of at least -200. Optionally the PyTorch
 * peer trains the same seeds in the same run, one after the other, for the ratio of wall times:
 * with its own defaults (256-256, batch 256, lr 3e-4), with streamrl's hyperparameters
 * ({@link #peerArguments}: widths, batch, learning rates, learning-starts, noise, policy delay,
 * evaluation spacing), or both, since a ratio at different settings compares the settings as much
 * as the programs.
 *
 * <p>Wall time runs from starting the pipeline (creating topics and connecting the learner
 * included; the in-process broker is already up) to the evaluation that solved it; environment steps are the
 * transitions the learner had received by then.
 */
public final class SolveBenchmark {

    private static final Logger log = LoggerFactory.getLogger(SolveBenchmark.class);

    /** Which settings the peer trains with. */
    public enum PeerSettings {
        /** its own defaults, with {@code --learning-starts} and {@code --total-timesteps} as given */
        DEFAULTS,
        /** streamrl's hyperparameters ({@link #peerArguments}) */
        SAME,
        /** both, one after the other */
        BOTH;

        boolean defaults() {
            return this != SAME;
        }

        boolean same() {
            return this != DEFAULTS;
        }
    }

    /**
     * The peer's time-to-solve command: {@code PYTHON DIR/ddpg_pendulum.py --seed S
     * --learning-starts L --total-timesteps T --threads N}, and with {@link PeerSettings#SAME}
     * streamrl's hyperparameters after them.
     */
    public record Peer(Path dir, String python, int learningStarts, int totalTimesteps, int threads,
                       Duration timeout, PeerSettings settings) {
        public Peer {
            if (learningStarts < 1 || totalTimesteps <= learningStarts || threads < 1) {
                throw new IllegalArgumentException("peer learning-starts must be >= 1 and below total-timesteps, and"
                        + " threads >= 1; got " + learningStarts + ", " + totalTimesteps + ", " + threads);
            }
            Objects.requireNonNull(settings, "peer settings");
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
            if (peer != null && peer.settings().same()) {
                peerArguments(agent, evalEvery); // refuses settings the peer cannot take before anything runs
            }
        }
    }

    /**
     * streamrl's hyperparameters as the peer's options: {@code --hidden --batch-size --lr --gamma
     * --tau --exploration-noise --policy-frequency --learning-starts --buffer-size --eval-every}.
     * The peer is DDPG with two equal hidden layers in both networks, one learning rate, constant
     * Gaussian noise and one update per environment step.
     *
     * @throws IllegalArgumentException naming every setting the peer has no equal for
     */
    public static List<String> peerArguments(DdpgConfig a, long evalEvery) {
        List<String> unlike = new ArrayList<>();
        List<Integer> hidden = a.actorHidden();
        if (hidden.size() != 2 || !hidden.get(0).equals(hidden.get(1)) || !a.criticHidden().equals(hidden)) {
            unlike.add("actor-hidden " + hidden + " and critic-hidden " + a.criticHidden()
                    + " (the peer has two equal layers in both networks)");
        }
        if (a.actorLr() != a.criticLr()) {
            unlike.add("actor-lr " + a.actorLr() + " and critic-lr " + a.criticLr() + " (the peer has one --lr)");
        }
        if (a.twinCritics() || a.targetNoise() > 0 || a.bcAlpha() > 0) {
            unlike.add("twin-critics, target-noise or bc-alpha (the peer is DDPG; use --algo ddpg)");
        }
        if (a.criticL2() > 0) {
            unlike.add("critic-l2 " + a.criticL2() + " (the peer has no weight decay)");
        }
        if (a.replayRatio() != 1.0) {
            unlike.add("replay-ratio " + a.replayRatio() + " (the peer takes one update per step)");
        }
        ExplorationConfig e = a.exploration();
        if (e.noise() != NoiseType.GAUSSIAN || e.noiseDecay() != 1.0) {
            unlike.add("noise " + e.noise().name().toLowerCase(Locale.ROOT) + " with noise-decay " + e.noiseDecay()
                    + " (the peer adds constant Gaussian noise)");
        }
        if (!unlike.isEmpty()) {
            throw new IllegalArgumentException("the peer cannot train with streamrl's settings: "
                    + String.join("; ", unlike) + ". Use --peer-settings defaults, or change them");
        }
        return List.of("--hidden", hidden.get(0).toString(), "--batch-size", Integer.toString(a.batchSize()),
                "--lr", Double.toString(a.actorLr()), "--gamma", Double.toString(a.gamma()),
                "--tau", Double.toString(a.tau()), "--exploration-noise", Double.toString(e.noiseSigma()),
                "--policy-frequency", Integer.toString(a.policyDelay()),
                "--learning-starts", Integer.toString(a.learningStarts()),
                "--buffer-size", Integer.toString(a.bufferCapacity()), "--eval-every", Long.toString(evalEvery));
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

    /**
     * One seed: streamrl, and the peer when it ran, with its defaults ({@code peer}) and with
     * streamrl's settings ({@code peerSame}); either may be null.
     */
    public record SeedResult(String kafka, long seed, StreamrlRun streamrl, PeerRun peer, PeerRun peerSame) {
        /** streamrl's wall time to solve over the peer's (defaults); the target is at most 0.5. Null unless both solved. */
        public Double wallRatio() {
            return wallRatio(peer);
        }

        /** The same at identical settings. */
        public Double wallRatioSame() {
            return wallRatio(peerSame);
        }

        /** streamrl's environment steps to solve over the peer's at identical settings; null unless both solved. */
        public Double stepsRatioSame() {
            if (!streamrl.solved() || peerSame == null || peerSame.solvedStep() == null) {
                return null;
            }
            return (double) streamrl.envStepsToSolve() / peerSame.solvedStep();
        }

        private Double wallRatio(PeerRun p) {
            if (!streamrl.solved() || p == null || p.solvedWallSeconds() == null) {
                return null;
            }
            return streamrl.wallSecondsToSolve() / p.solvedWallSeconds();
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
            if (peerSame != null) {
                m.put("peer_same_solved_step", peerSame.solvedStep());
                m.put("peer_same_solved_wall_s", peerSame.solvedWallSeconds() == null ? null
                        : Json.round(peerSame.solvedWallSeconds(), 2));
                m.put("peer_same_total_wall_s", Json.round(peerSame.totalWallSeconds(), 2));
                m.put("wall_ratio_same", wallRatioSame() == null ? null : Json.round(wallRatioSame(), 3));
                m.put("steps_ratio_same", stepsRatioSame() == null ? null : Json.round(stepsRatioSame(), 3));
            }
            return m;
        }
    }

    /**
     * Medians over the seeds (an unsolved seed counts as slower than every solved one): streamrl's
     * steps and wall time to solve, and per peer run the median of the per-seed wall ratios
     * (target at most 0.5) and, at identical settings, of the steps ratios (target at most 1.2).
     */
    public static Map<String, Object> summary(List<SeedResult> results) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("benchmark", "solve");
        m.put("summary", "medians over seeds");
        m.put("seeds", results.size());
        m.put("solved", results.stream().filter(r -> r.streamrl().solved()).count());
        m.put("median_solved_step", A2cSolveBenchmark.median(results.stream()
                .map(r -> unsolvedLast(r.streamrl().envStepsToSolve())).toList()));
        Double wall = A2cSolveBenchmark.median(results.stream()
                .map(r -> unsolvedLast(r.streamrl().wallSecondsToSolve())).toList());
        m.put("median_solved_wall_s", wall == null ? null : Json.round(wall, 2));
        if (results.stream().allMatch(r -> r.peer() != null)) {
            m.put("peer_median_solved_step", A2cSolveBenchmark.median(results.stream()
                    .map(r -> unsolvedLast(r.peer().solvedStep())).toList()));
            m.put("median_wall_ratio", medianRatio(results.stream().map(SeedResult::wallRatio).toList()));
        }
        if (results.stream().allMatch(r -> r.peerSame() != null)) {
            m.put("peer_same_median_solved_step", A2cSolveBenchmark.median(results.stream()
                    .map(r -> unsolvedLast(r.peerSame().solvedStep())).toList()));
            m.put("median_wall_ratio_same", medianRatio(results.stream().map(SeedResult::wallRatioSame).toList()));
            m.put("median_steps_ratio_same", medianRatio(results.stream().map(SeedResult::stepsRatioSame).toList()));
        }
        return m;
    }

    /** The median of the ratios, a seed that one side did not solve counting as the largest. */
    private static Double medianRatio(List<Double> ratios) {
        Double median = A2cSolveBenchmark.median(ratios.stream().map(SolveBenchmark::unsolvedLast).toList());
        return median == null ? null : Json.round(median, 3);
    }

    private static double unsolvedLast(Number n) {
        return n == null ? Double.POSITIVE_INFINITY : n.doubleValue();
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
                PeerRun peerRun = null;
                PeerRun peerSame = null;
                if (peer != null) {
                    Peer p = s.peer();
                    List<String> defaults = List.of("--learning-starts", Integer.toString(p.learningStarts()));
                    if (p.settings().defaults()) {
                        peerRun = peer.run(seed, defaults, p.totalTimesteps(), p.threads(), p.timeout());
                        log.info("seed {}: peer with its defaults {}", seed, peerRun);
                    }
                    if (p.settings().same()) {
                        peerSame = peer.run(seed, peerArguments(s.agent(), s.evalEvery()), p.totalTimesteps(),
                                p.threads(), p.timeout());
                        log.info("seed {}: peer with streamrl's settings {}", seed, peerSame);
                    }
                }
                results.add(new SeedResult(target.description(), seed, run, peerRun, peerSame));
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
