package io.streamrl.pipeline;

import io.streamrl.actor.ActorConfig;
import io.streamrl.actor.ActorService;
import io.streamrl.actor.ActorStats;
import io.streamrl.actor.Pacing;
import io.streamrl.core.agent.DdpgConfig;
import io.streamrl.core.config.Check;
import io.streamrl.core.env.EnvSpec;
import io.streamrl.core.train.CurvePoint;
import io.streamrl.core.train.TrainListener;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.kafka.TopicBootstrap;
import io.streamrl.learner.LearnerConfig;
import io.streamrl.learner.LearnerResult;
import io.streamrl.learner.LearnerService;
import io.streamrl.learner.LearnerStats;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline in one process: a learner and N simulation actors that share nothing but
 * Kafka, run until the policy solves the environment, the step budget is spent, the learner
 * stops, or the time limit passes. {@code streamrl demo}, {@code bench solve} and the
 * end-to-end tests all run it; the broker comes from a {@link KafkaTarget}.
 *
 * <pre>{@code
 * try (KafkaTarget kafka = KafkaTarget.open(null, clock)) {
 *     Pipeline.Outcome outcome = new Pipeline(kafka.settings("streamrl"), settings, clock)
 *             .run(point -> { }, progress -> { }, Duration.ofSeconds(1));
 * }
 * }</pre>
 */
public final class Pipeline {

    /** More actor threads than this in one process only compete for its cores. */
    public static final int MAX_ACTORS = 64;

    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);
    /** How long a closed learner may take to stop before the run is reported without its result. */

    /**
     * @param env environment name
     * @param agent hyperparameters of the learner; the actors explore as they say
     * @param seed master seed: the learner uses it, actor {@code i} (1-based) uses {@code seed * 1000 + i}
     * @param actors number of simulation actors (threads of this process)
     * @param maxEnvSteps step budget over all actors
     * @param publishEvery learner publishes a snapshot every this many updates
     * @param evalEvery learner evaluates the policy every this many environment steps' worth of updates
     * @param pacing actors' flow control (see {@link Pacing#inStepWith})
     * @param backend compute backend of the learner
     * @param actorPrefix actor ids are {@code PREFIX-1} ... {@code PREFIX-N}
     * @param timeout longest the run may take
     */
    public record Settings(String env, DdpgConfig agent, long seed, int actors, long maxEnvSteps, long publishEvery,
                           long evalEvery, Pacing pacing, String backend, String actorPrefix, Duration timeout) {
        public Settings {
            Objects.requireNonNull(agent, "agent");
            Objects.requireNonNull(pacing, "pacing");
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(actorPrefix, "actorPrefix");
            Check.inClosed("actors", actors, 1, MAX_ACTORS);
            Check.inClosed("max-steps", maxEnvSteps, 1, Long.MAX_VALUE);
            Check.inClosed("publish-every", publishEvery, 1, Long.MAX_VALUE);
            Check.inClosed("eval-every", evalEvery, 1, Long.MAX_VALUE);
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw Check.invalid("timeout", timeout, "a positive duration");
            }
        }

        /**
         * Actors paced to hold the learner at its replay ratio ({@link Pacing#inStepWith}), ids
         * {@code actor-N}, no time limit to speak of (a day).
         */
        public static Settings inStep(String env, DdpgConfig agent, long seed, int actors, long maxEnvSteps,
                                      long publishEvery, long evalEvery, String backend) {
            // Checked before pacing divides by it, so the message gives this range.
            Check.inClosed("actors", actors, 1, MAX_ACTORS);
            return new Settings(env, agent, seed, actors, maxEnvSteps, publishEvery, evalEvery,
                    Pacing.inStepWith(agent, publishEvery, actors), backend, "actor", Duration.ofDays(1));
        }

        public Settings withPacing(Pacing value) {
            return new Settings(env, agent, seed, actors, maxEnvSteps, publishEvery, evalEvery, value, backend,
                    actorPrefix, timeout);
        }

        public Settings withActorPrefix(String value) {
            return new Settings(env, agent, seed, actors, maxEnvSteps, publishEvery, evalEvery, pacing, backend,
                    value, timeout);
        }

        public Settings withTimeout(Duration value) {
            return new Settings(env, agent, seed, actors, maxEnvSteps, publishEvery, evalEvery, pacing, backend,
                    actorPrefix, value);
        }
    }

    /** Everything a progress line shows, sampled once. */
    public record Progress(double wallSeconds, long envSteps, long transitionsReceived, long updates,
                           long policyVersion, double lastEvalReturn, double transitionsPerSecond,
                           double updatesPerSecond) {
    }

    /** Why a run ended. */
    public enum Ending {
        SOLVED("solved"),
        BUDGET_SPENT("budget spent"),
        LEARNER_STOPPED("learner stopped"),
        TIMED_OUT("timed out");

        private final String text;

        Ending(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /**
     * How the run ended.
     *
     * @param envStepsToSolve transitions the learner had received at the solving evaluation; null when unsolved
     * @param wallSecondsToSolve seconds from the start of the run to the solving evaluation; null when unsolved
     * @param envSteps steps the actors took in all
     * @param learnerResult how the learner stopped; null when it did not stop within a minute of being closed
     */
    public record Outcome(Ending ending, Long envStepsToSolve, Double wallSecondsToSolve, double wallSeconds,
                          long envSteps, LearnerStats learner, List<ActorStats> actors, List<CurvePoint> curve,
                          LearnerResult learnerResult) {

        public boolean solved() {
            return envStepsToSolve != null;
        }

        public boolean learnerFailed() {
            return learnerResult != null && learnerResult.failed();
        }

        public double finalEvalMeanReturn() {
            return curve.isEmpty() ? Double.NaN : curve.get(curve.size() - 1).evalMeanReturn();
        }

        public long transitionsAcknowledged() {
            return actors.stream().mapToLong(ActorStats::transitionsAcked).sum();
        }
    }

    private record Solved(CurvePoint point, long atMillis) {
    }

    private final KafkaSettings kafka;
    private final Settings settings;
    private final Clock clock;

    public Pipeline(KafkaSettings kafka, Settings settings, Clock clock) {
        this.kafka = Objects.requireNonNull(kafka, "kafka");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Runs to the end. {@code onEvaluation} sees each curve point as it arrives (on the learner's
     * thread); {@code onProgress} is called on the calling thread about every {@code progressEvery}.
     */
    public Outcome run(Consumer<CurvePoint> onEvaluation, Consumer<Progress> onProgress, Duration progressEvery)
            throws InterruptedException {
        LearnerConfig learnerConfig = LearnerConfig.builder(settings.env()).algorithm(settings.agent())
                .seed(settings.seed()).publishEvery(settings.publishEvery()).evalEvery(settings.evalEvery())
                .backend(settings.backend()).build();
        EnvSpec spec = learnerConfig.envSpec();
        long start = clock.millis();
        List<CurvePoint> curve = new CopyOnWriteArrayList<>();
        CompletableFuture<Solved> solved = new CompletableFuture<>();
        TrainListener listener = point -> {
            curve.add(point);
            onEvaluation.accept(point);
            if (spec.isSolvedBy(point.evalMeanReturn())) {
                solved.complete(new Solved(point, clock.millis()));
            }
        };
        TopicBootstrap.ensureTopics(kafka, kafka.topics().all(), clock);
        LearnerService learner = new LearnerService(kafka, learnerConfig, clock, listener);
        CompletableFuture<LearnerResult> learnerRun = LearnerRuns.start(learner, "pipeline-learner");
        List<ActorService> actors = new ArrayList<>();
        List<CompletableFuture<Void>> actorRuns = new ArrayList<>();
        Ending ending;
        try {
            for (int i = 1; i <= settings.actors(); i++) {
                ActorConfig config = actorConfig(i);
                ActorService actor = ActorService.start(config, kafka, clock);
                actors.add(actor);
                actorRuns.add(CompletableFuture.runAsync(actor::run,
                        task -> new Thread(task, config.actorId()).start()));
            }
            CompletableFuture<Void> budgetSpent = CompletableFuture.allOf(actorRuns.toArray(CompletableFuture[]::new));
            long deadline = start + settings.timeout().toMillis();
            Progress previous = null;
            while (!solved.isDone() && !budgetSpent.isDone() && !learnerRun.isDone() && clock.millis() < deadline) {
                long wait = Math.min(progressEvery.toMillis(), Math.max(1, deadline - clock.millis()));
                CompletableFuture.anyOf(solved, budgetSpent, learnerRun)
                        .completeOnTimeout(null, wait, TimeUnit.MILLISECONDS).join();
                previous = progress(start, learner.stats(), actors, previous, curve);
                onProgress.accept(previous);
            }
            ending = solved.isDone() ? Ending.SOLVED : budgetSpent.isDone() ? Ending.BUDGET_SPENT
                    : learnerRun.isDone() ? Ending.LEARNER_STOPPED : Ending.TIMED_OUT;
        } finally {
            actors.forEach(ActorService::close);
            learner.close();
        }
        LearnerResult result = LearnerRuns.awaitStopped(learnerRun);
        // A solve found on the last evaluation may still have arrived while the actors were closing.
        Solved at = solved.getNow(null);
        if (at != null) {
            ending = Ending.SOLVED;
        }
        List<ActorStats> actorStats = actors.stream().map(ActorService::stats).toList();
        long envSteps = actorStats.stream().mapToLong(ActorStats::envSteps).sum();
        return new Outcome(ending, at == null ? null : at.point().envSteps(),
                at == null ? null : (at.atMillis() - start) / 1000.0, (clock.millis() - start) / 1000.0, envSteps,
                result == null ? learner.stats() : result.stats(), actorStats, List.copyOf(curve), result);
    }

    /** Paced to the learner, exploring as the hyperparameters say. */
    private ActorConfig actorConfig(int index) {
        long perActor = (settings.maxEnvSteps() + settings.actors() - 1) / settings.actors();
        return ActorConfig.builder(settings.actorPrefix() + "-" + index, settings.env(), settings.seed() * 1000 + index)
                .maxSteps(perActor).pacing(settings.pacing()).exploration(settings.agent().exploration()).build();
    }

    private Progress progress(long start, LearnerStats learner, List<ActorService> actors, Progress previous,
                              List<CurvePoint> curve) {
        double wall = (clock.millis() - start) / 1000.0;
        long steps = actors.stream().mapToLong(a -> a.stats().envSteps()).sum();
        double dt = previous == null ? wall : wall - previous.wallSeconds();
        long received = learner.transitionsReceived() - (previous == null ? 0 : previous.transitionsReceived());
        long updates = learner.updates() - (previous == null ? 0 : previous.updates());
        double lastEval = curve.isEmpty() ? Double.NaN : curve.get(curve.size() - 1).evalMeanReturn();
        return new Progress(wall, steps, learner.transitionsReceived(), learner.updates(), learner.policyVersion(),
                lastEval, dt <= 0 ? 0 : received / dt, dt <= 0 ? 0 : updates / dt);
    }

}
