package io.streamrl.bench;

import io.streamrl.core.agent.A2cConfig;
import io.streamrl.core.agent.VTrace;
import io.streamrl.core.compute.ComputeBackend;
import io.streamrl.core.compute.ComputeBackends;
import io.streamrl.core.env.Envs;
import io.streamrl.core.policy.ObservationNormalizer;
import io.streamrl.core.rollout.StalenessPolicy;
import io.streamrl.core.train.A2cTrainer;
import io.streamrl.core.train.TrainConfig;
import io.streamrl.core.train.TrainListener;
import io.streamrl.core.train.TrainResult;
import io.streamrl.kafka.KafkaClientConfig;
import io.streamrl.pipeline.KafkaTarget;
import io.streamrl.pipeline.Pipeline;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Environment steps and wall time to solve CartPole-v1 (a 10-episode greedy mean of at least
 * 475) with A2C, locally and through Kafka, in one run: local A2C ({@code A2cTrainer}, 8
 * environments in lock-step, in this JVM), then the {@link Pipeline} with 1, 2 and 4 rollout
 * actors sharing the same 8 environments (8, 4 and 2 each) and an update per version of one
 * rollout each, which is synchronous A2C with the same batch as the local run; then three
 * actors of 4 environments, the first held {@value #LAG} versions behind the newest policy,
 * with {@code discard} (max-staleness 2, updates of the two current actors' 8 segments) and with
 * {@code vtrace} (updates of all 12 segments). Every case starts from SB3's A2C defaults on the
 * scalar backend and evaluates every 2,000 environment steps (the Kafka learner every 50
 * updates of 40 steps; the lagging cases every 50 updates of 40 or 60 steps).
 *
 * <p>Wall time runs from the start of training (for Kafka: the pipeline's start, topics and
 * clients included, the in-process broker already up) to the solving evaluation; the steps are
 * those the learner had received then.
 */
public final class A2cKafkaBenchmark {

    private static final Logger log = LoggerFactory.getLogger(A2cKafkaBenchmark.class);
    static final int LAG = 6;
    private static final int EVAL_EVERY_STEPS = 2_000;
    private static final int EVAL_EVERY_UPDATES = 50;

    /**
     * One configuration.
     *
     * @param actors 0 for local A2C
     * @param laggingVersions how far the first actor lags (0: none)
     */
    public record Case(String name, int actors, int envsPerActor, int segmentsPerUpdate, StalenessPolicy staleness,
                       int laggingVersions) {
    }

    /** The cases in the order they run. */
    public static List<Case> cases() {
        StalenessPolicy discard = new StalenessPolicy(StalenessPolicy.Mode.DISCARD, 2, VTrace.defaults());
        StalenessPolicy vtrace = new StalenessPolicy(StalenessPolicy.Mode.VTRACE, 2, VTrace.defaults());
        return List.of(new Case("local", 0, 8, 8, discard, 0),
                new Case("kafka-1-actor", 1, 8, 8, discard, 0),
                new Case("kafka-2-actors", 2, 4, 8, discard, 0),
                new Case("kafka-4-actors", 4, 2, 8, discard, 0),
                new Case("lagging-discard", 3, 4, 8, discard, LAG),
                new Case("lagging-vtrace", 3, 4, 12, vtrace, LAG));
    }

    /** One case's run of one seed. */
    public record Run(Case c, long seed, String outcome, Long solvedStep, Double solvedWallSeconds,
                      double wallSeconds, long envSteps, long updates, long discarded, long corrected) {

        public Map<String, Object> line() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("benchmark", "a2c-kafka");
            m.put("case", c.name());
            m.put("actors", c.actors());
            m.put("envs_per_actor", c.envsPerActor());
            m.put("staleness", c.actors() == 0 ? null : c.staleness().toLogLine());
            m.put("seed", seed);
            m.put("outcome", outcome);
            m.put("solved_step", solvedStep);
            m.put("solved_wall_s", solvedWallSeconds == null ? null : Json.round(solvedWallSeconds, 2));
            m.put("env_steps", envSteps);
            m.put("updates", updates);
            m.put("wall_s", Json.round(wallSeconds, 2));
            m.put("rollouts_discarded", discarded);
            m.put("rollouts_corrected", corrected);
            return m;
        }
    }

    private final Clock clock;

    public A2cKafkaBenchmark(Clock clock) {
        this.clock = clock;
    }

    /**
     * Runs every case for every seed, case by case, and hands each run's line to {@code lines}
     * as it ends.
     *
     * @param bootstrapServer an existing cluster, or null for an in-process broker
     */
    public List<Run> run(List<Long> seeds, long maxSteps, Duration timeout, String bootstrapServer,
                         KafkaClientConfig kafkaConfig, Consumer<Map<String, Object>> lines)
            throws InterruptedException {
        List<Run> runs = new ArrayList<>();
        try (KafkaTarget target = KafkaTarget.open(bootstrapServer, kafkaConfig, clock)) {
            for (Case c : cases()) {
                for (long seed : seeds) {
                    Run run = c.actors() == 0 ? local(c, seed, maxSteps) : kafka(target, c, seed, maxSteps, timeout);
                    log.info("{} seed {}: {}", c.name(), seed, run);
                    runs.add(run);
                    lines.accept(run.line());
                }
            }
        }
        return runs;
    }

    /** Per case: the median steps and wall seconds to solve, over the seeds that solved, and how many did. */
    public static List<Map<String, Object>> summary(List<Run> runs) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Case c : cases()) {
            List<Run> mine = runs.stream().filter(r -> r.c().equals(c)).toList();
            List<Run> solved = mine.stream().filter(r -> r.solvedStep() != null).toList();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("benchmark", "a2c-kafka-summary");
            m.put("case", c.name());
            m.put("solved", solved.size() + "/" + mine.size());
            m.put("median_solved_step", roundedMedian(solved.stream().mapToDouble(r -> r.solvedStep()).toArray()));
            Double wall = median(solved.stream().mapToDouble(Run::solvedWallSeconds).toArray());
            m.put("median_solved_wall_s", wall == null ? null : Json.round(wall, 2));
            m.put("median_discarded", roundedMedian(mine.stream().mapToDouble(Run::discarded).toArray()));
            m.put("median_corrected", roundedMedian(mine.stream().mapToDouble(Run::corrected).toArray()));
            out.add(m);
        }
        return out;
    }

    private Run local(Case c, long seed, long maxSteps) {
        try (ComputeBackend backend = ComputeBackends.create(ComputeBackends.SCALAR)) {
            TrainResult r = new A2cTrainer(new TrainConfig("cartpole", seed, maxSteps, EVAL_EVERY_STEPS, 10, true),
                    A2cConfig.a2c(), random -> Envs.make("cartpole", random),
                    ObservationNormalizer.identity(Envs.spec("cartpole").observationDim()), backend, clock)
                    .run(TrainListener.NONE);
            return new Run(c, seed, r.solved() ? "solved" : "budget spent", r.envStepsToSolve(),
                    r.wallSecondsToSolve(), r.wallSeconds(), r.envSteps(), r.updates(), 0, 0);
        }
    }

    private Run kafka(KafkaTarget target, Case c, long seed, long maxSteps, Duration timeout)
            throws InterruptedException {
        A2cConfig config = A2cConfig.a2c().with(Map.of("num-envs", Integer.toString(c.segmentsPerUpdate())));
        Pipeline.Settings settings = Pipeline.Settings.onPolicy("cartpole", new Pipeline.OnPolicy(config,
                c.staleness(), c.envsPerActor(), 1, c.laggingVersions() > 0 ? 1 : 0, c.laggingVersions()), seed,
                c.actors(), maxSteps, 1, EVAL_EVERY_UPDATES, ComputeBackends.SCALAR)
                .withActorPrefix("bench-a2c").withTimeout(timeout);
        Pipeline.Outcome o = new Pipeline(target.fresh("bench-a2c-" + c.name() + "-seed" + seed), settings, clock)
                .run(point -> { }, progress -> { }, Duration.ofSeconds(1));
        String outcome = o.learnerFailed() && !o.solved() ? "learner failed: " + o.learnerResult().reason()
                : o.ending().toString();
        return new Run(c, seed, outcome, o.envStepsToSolve(), o.wallSecondsToSolve(), o.wallSeconds(), o.envSteps(),
                o.learner().updates(), o.learner().rolloutsDiscarded(), o.learner().rolloutsCorrected());
    }

    private static Long roundedMedian(double[] values) {
        Double median = median(values);
        return median == null ? null : Math.round(median);
    }

    private static Double median(double[] values) {
        if (values.length == 0) {
            return null;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
