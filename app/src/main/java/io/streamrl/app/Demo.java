package io.streamrl.app;

import io.streamrl.actor.ActorConfig;
import io.streamrl.actor.ActorService;
import io.streamrl.actor.ActorStats;
import io.streamrl.actor.Pacing;
import io.streamrl.core.agent.DdpgConfig;
import io.streamrl.core.env.EnvSpec;
import io.streamrl.core.train.CurvePoint;
import io.streamrl.core.train.TrainListener;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.learner.LearnerConfig;
import io.streamrl.learner.LearnerResult;
import io.streamrl.learner.LearnerService;
import io.streamrl.learner.LearnerStats;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The whole pipeline in one process: a learner and several simulation actors talking only
 * through Kafka, run until the policy solves the environment or the step budget is spent.
 * Used by {@code streamrl demo} and by the end-to-end tests.
 */
final class Demo {

    /**
     * @param env environment name
     * @param agent hyperparameters of the learner
     * @param seed master seed: the learner uses it, actor {@code i} uses {@code seed * 1000 + i}
     * @param actors number of simulation actors
     * @param maxEnvSteps step budget over all actors
     * @param publishEvery learner publishes a snapshot every this many updates
     * @param evalEvery learner evaluates the policy every this many updates
     * @param maxPolicyLag steps an actor takes on one policy version before it waits for a newer one
     * @param backend compute backend of the learner
     */
    record Settings(String env, DdpgConfig agent, long seed, int actors, long maxEnvSteps, long publishEvery,
                    long evalEvery, long maxPolicyLag, String backend) {
        Settings {
            if (actors < 1 || actors > 64) {
                throw new IllegalArgumentException("actors must be in [1, 64], got " + actors);
            }
            if (maxEnvSteps < 1) {
                throw new IllegalArgumentException("max-steps must be >= 1, got " + maxEnvSteps);
            }
        }
    }

    /** Everything the progress line shows, sampled once. */
    record Progress(double wallSeconds, long envSteps, long transitionsReceived, long updates, long policyVersion,
                    double lastEvalReturn, double transitionsPerSecond, double updatesPerSecond) {
    }

    /** How the run ended. */
    record Outcome(boolean solved, Long envStepsToSolve, Double wallSecondsToSolve, double wallSeconds, long envSteps,
                   LearnerStats learner, List<ActorStats> actors, List<CurvePoint> curve, LearnerResult learnerResult) {
        double finalEvalMeanReturn() {
            return curve.isEmpty() ? Double.NaN : curve.get(curve.size() - 1).evalMeanReturn();
        }
    }

    private final KafkaSettings kafka;
    private final Settings settings;
    private final Clock clock;

    Demo(KafkaSettings kafka, Settings settings, Clock clock) {
        this.kafka = kafka;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Runs to the end. {@code onEvaluation} sees each curve point as it arrives (the command writes
     * it to curve.csv); {@code onProgress} is called about every {@code progressEvery}.
     */
    Outcome run(Consumer<CurvePoint> onEvaluation, Consumer<Progress> onProgress, Duration progressEvery)
            throws InterruptedException {
        LearnerConfig learnerConfig = LearnerConfig.builder(settings.env()).algorithm(settings.agent())
                .seed(settings.seed()).publishEvery(settings.publishEvery()).evalEvery(settings.evalEvery())
                .backend(settings.backend()).build();
        EnvSpec spec = learnerConfig.envSpec();
        long start = clock.millis();
        List<CurvePoint> curve = new CopyOnWriteArrayList<>();
        CompletableFuture<CurvePoint> solved = new CompletableFuture<>();
        TrainListener listener = point -> {
            curve.add(point);
            onEvaluation.accept(point);
            if (spec.isSolvedBy(point.evalMeanReturn())) {
                solved.complete(point);
            }
        };
        List<ActorService> actors = new ArrayList<>();
        List<CompletableFuture<Void>> actorRuns = new ArrayList<>();
        try (LearnerService learner = new LearnerService(kafka, learnerConfig, clock, listener)) {
            CompletableFuture<LearnerResult> learnerRun = CompletableFuture.supplyAsync(learner::run,
                    runnable -> new Thread(runnable, "demo-learner").start());
            long perActor = (settings.maxEnvSteps() + settings.actors() - 1) / settings.actors();
            // Random steps before the first policy: enough for learning-starts plus the transitions the
            // replay-ratio limiter needs before the first publish, shared by the actors.
            long warmupSteps = Pacing.inStepWith(settings.agent(), settings.publishEvery(), settings.actors())
                    .warmupSteps();
            try {
                for (int i = 1; i <= settings.actors(); i++) {
                    ActorConfig config = ActorConfig.builder("demo-actor-" + i, settings.env(), settings.seed() * 1000 + i)
                            .maxSteps(perActor).maxPolicyLag(settings.maxPolicyLag()).warmupSteps(warmupSteps)
                            .exploration(settings.agent().exploration()).build();
                    ActorService actor = ActorService.start(config, kafka, clock);
                    actors.add(actor);
                    actorRuns.add(CompletableFuture.runAsync(actor::run,
                            runnable -> new Thread(runnable, config.actorId()).start()));
                }
                CompletableFuture<Void> budgetSpent = CompletableFuture.allOf(actorRuns.toArray(CompletableFuture[]::new));
                Progress previous = null;
                while (!solved.isDone() && !budgetSpent.isDone() && !learnerRun.isDone()) {
                    CompletableFuture.anyOf(solved, budgetSpent, learnerRun)
                            .completeOnTimeout(null, progressEvery.toMillis(), TimeUnit.MILLISECONDS).join();
                    previous = progress(start, learner.stats(), actors, previous, curve);
                    onProgress.accept(previous);
                }
            } finally {
                actors.forEach(ActorService::close);
            }
            // A solve found on the last evaluation may still be arriving when the actors run out.
            CurvePoint solvedAt = solved.getNow(null);
            learner.close();
            LearnerResult result = join(learnerRun);
            for (CompletableFuture<Void> run : actorRuns) {
                join(run);
            }
            List<ActorStats> actorStats = actors.stream().map(ActorService::stats).toList();
            long envSteps = actorStats.stream().mapToLong(ActorStats::envSteps).sum();
            return new Outcome(solvedAt != null, solvedAt == null ? null : solvedAt.envSteps(),
                    solvedAt == null ? null : solvedAt.wallSeconds(), (clock.millis() - start) / 1000.0, envSteps,
                    result.stats(), actorStats, List.copyOf(curve), result);
        }
    }

    private Progress progress(long start, LearnerStats learner, List<ActorService> actors, Progress previous,
                              List<CurvePoint> curve) {
        double wall = (clock.millis() - start) / 1000.0;
        long steps = actors.stream().mapToLong(a -> a.stats().envSteps()).sum();
        double dt = previous == null ? wall : wall - previous.wallSeconds();
        double tps = dt <= 0 ? 0 : (learner.transitionsReceived() - (previous == null ? 0 : previous.transitionsReceived())) / dt;
        double ups = dt <= 0 ? 0 : (learner.updates() - (previous == null ? 0 : previous.updates())) / dt;
        double lastEval = curve.isEmpty() ? Double.NaN : curve.get(curve.size() - 1).evalMeanReturn();
        return new Progress(wall, steps, learner.transitionsReceived(), learner.updates(), learner.policyVersion(),
                lastEval, tps, ups);
    }

    private static <T> T join(CompletableFuture<T> future) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
