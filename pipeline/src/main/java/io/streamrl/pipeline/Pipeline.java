package io.streamrl.pipeline;

import io.streamrl.actor.ActorConfig;
import io.streamrl.actor.ActorService;
import io.streamrl.actor.ActorStats;
import io.streamrl.actor.Pacing;
import io.streamrl.actor.RolloutActorConfig;
import io.streamrl.core.agent.A2cConfig;
import io.streamrl.core.agent.DdpgConfig;
import io.streamrl.core.config.Check;
import io.streamrl.core.env.EnvSpec;
import io.streamrl.core.env.Envs;
import io.streamrl.core.rollout.StalenessPolicy;
import io.streamrl.core.train.CurvePoint;
import io.streamrl.core.train.TrainListener;
import io.streamrl.kafka.KafkaSettings;
import io.streamrl.kafka.MetricsServer;
import io.streamrl.kafka.TopicBootstrap;
import io.streamrl.learner.A2cLearnerConfig;
import io.streamrl.learner.A2cLearnerService;
import io.streamrl.learner.Learner;
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
 * The whole pipeline in one process: a learner and N actors (DDPG/TD3 with simulation actors, or
 * A2C with rollout actors; see {@link Algorithm}) that share nothing but
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

    /** Which learner and actors a run has: DDPG/TD3 with simulation actors, or A2C with rollout actors. */
    public sealed interface Algorithm permits OffPolicy, OnPolicy {
    }

    /**
     * DDPG/TD3: the learner trains from its replay buffer; the simulation actors explore as the
     * hyperparameters say, paced by {@code pacing} (see {@link Pacing#inStepWith}).
     */
    public record OffPolicy(DdpgConfig config, Pacing pacing) implements Algorithm {
        public OffPolicy {
            Objects.requireNonNull(config, "agent");
            Objects.requireNonNull(pacing, "pacing");
        }
    }

    /**
     * A2C over Kafka: rollout actors of {@code envsPerActor} environments each publish segments of
     * the config's {@code n-steps}; the learner updates on {@code num-envs} segments at a time.
     *
     * @param rolloutsPerVersion rollouts an actor collects per policy version before it waits for a newer one
     * @param laggingActors how many actors (the first ones) act with a policy {@code lagVersions} behind
     * @param lagVersions how far behind the lagging actors act
     */
    public record OnPolicy(A2cConfig config, StalenessPolicy staleness, int envsPerActor, long rolloutsPerVersion,
                           int laggingActors, int lagVersions) implements Algorithm {
        public OnPolicy {
            Objects.requireNonNull(config, "a2c");
            Objects.requireNonNull(staleness, "staleness");
            Check.inClosed("envs-per-actor", envsPerActor, 1, 1024);
            Check.inClosed("rollouts-per-version", rolloutsPerVersion, 0, Long.MAX_VALUE);
            Check.inClosed("lagging-actors", laggingActors, 0, MAX_ACTORS);
            Check.inClosed("lag-versions", lagVersions, 0, RolloutActorConfig.MAX_LAG_VERSIONS);
        }

        /** No lagging actors. */
        public static OnPolicy of(A2cConfig config, StalenessPolicy staleness, int envsPerActor,
                                  long rolloutsPerVersion) {
            return new OnPolicy(config, staleness, envsPerActor, rolloutsPerVersion, 0, 0);
        }
    }

    /**
     * @param env environment name
     * @param algorithm the learner's algorithm and how the actors act and are paced
     * @param seed master seed: the learner uses it, actor {@code i} (1-based) uses {@code seed * 1000 + i}
     * @param actors number of actors (threads of this process)
     * @param maxEnvSteps step budget over all actors
     * @param publishEvery learner publishes a snapshot every this many updates
     * @param evalEvery learner evaluates the policy every this many environment steps' worth of updates
     *     (DDPG/TD3; A2C: every this many updates)
     * @param backend compute backend of the learner
     * @param actorPrefix actor ids are {@code PREFIX-1} ... {@code PREFIX-N}
     * @param timeout longest the run may take
     */
    public record Settings(String env, Algorithm algorithm, long seed, int actors, long maxEnvSteps,
                           long publishEvery, long evalEvery, String backend, String actorPrefix, Duration timeout) {
        public Settings {
            Objects.requireNonNull(algorithm, "algorithm");
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
         * DDPG/TD3 with actors paced to hold the learner at its replay ratio
         * ({@link Pacing#inStepWith}), ids {@code actor-N}, no time limit to speak of (a day).
         */
        public static Settings inStep(String env, DdpgConfig agent, long seed, int actors, long maxEnvSteps,
                                      long publishEvery, long evalEvery, String backend) {
            // Checked before pacing divides by it, so the message gives this range.
            Check.inClosed("actors", actors, 1, MAX_ACTORS);
            return new Settings(env, new OffPolicy(agent, Pacing.inStepWith(agent, publishEvery, actors)), seed,
                    actors, maxEnvSteps, publishEvery, evalEvery, backend, "actor", Duration.ofDays(1));
        }

        /** A2C over Kafka, ids {@code actor-N}, no time limit to speak of (a day). */
        public static Settings onPolicy(String env, OnPolicy algorithm, long seed, int actors, long maxEnvSteps,
                                        long publishEvery, long evalEvery, String backend) {
            return new Settings(env, algorithm, seed, actors, maxEnvSteps, publishEvery, evalEvery, backend, "actor",
                    Duration.ofDays(1));
        }

        /**
         * DDPG/TD3 with other pacing.
         *
         * @throws IllegalStateException for an on-policy run, whose actors are paced per rollout
         */
        public Settings withPacing(Pacing value) {
            if (!(algorithm instanceof OffPolicy off)) {
                throw new IllegalStateException("pacing is for off-policy actors; A2C's are paced by"
                        + " rollouts-per-version");
            }
            return new Settings(env, new OffPolicy(off.config(), value), seed, actors, maxEnvSteps, publishEvery,
                    evalEvery, backend, actorPrefix, timeout);
        }

        public Settings withActorPrefix(String value) {
            return new Settings(env, algorithm, seed, actors, maxEnvSteps, publishEvery, evalEvery, backend, value,
                    timeout);
        }

        public Settings withTimeout(Duration value) {
            return new Settings(env, algorithm, seed, actors, maxEnvSteps, publishEvery, evalEvery, backend,
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
        EnvSpec spec = Envs.spec(settings.env());
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
        Learner learner = learner(listener);
        CompletableFuture<LearnerResult> learnerRun = LearnerRuns.start(learner, "pipeline-learner");
        List<ActorService> actors = new ArrayList<>();
        List<CompletableFuture<Void>> actorRuns = new ArrayList<>();
        Ending ending;
        try {
            for (int i = 1; i <= settings.actors(); i++) {
                ActorService actor = startActor(i);
                String id = actorId(i);
                actors.add(actor);
                actorRuns.add(CompletableFuture.runAsync(actor::run, task -> new Thread(task, id).start()));
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

    /** The learner of the settings' algorithm; the pipeline's registry is its own. */
    private Learner learner(TrainListener listener) {
        if (settings.algorithm() instanceof OnPolicy on) {
            return new A2cLearnerService(kafka, A2cLearnerConfig.of(settings.env())
                    .with(on.config(), on.staleness())
                    .withRun(settings.seed(), settings.publishEvery(), settings.evalEvery(), settings.backend()),
                    clock, listener, MetricsServer.newRegistry());
        }
        OffPolicy off = (OffPolicy) settings.algorithm();
        return new LearnerService(kafka, LearnerConfig.builder(settings.env()).algorithm(off.config())
                .seed(settings.seed()).publishEvery(settings.publishEvery()).evalEvery(settings.evalEvery())
                .backend(settings.backend()).build(), clock, listener);
    }

    /**
     * Actor {@code index} (1-based) of the settings' kind: paced to the learner and exploring as
     * the hyperparameters say (DDPG/TD3), or a rollout actor (A2C), the first
     * {@code lagging-actors} of them acting {@code lag-versions} behind.
     */
    private ActorService startActor(int index) {
        long perActor = (settings.maxEnvSteps() + settings.actors() - 1) / settings.actors();
        long seed = settings.seed() * 1000 + index;
        if (settings.algorithm() instanceof OnPolicy on) {
            return ActorService.startRollouts(RolloutActorConfig.of(actorId(index), settings.env(), seed)
                    .withRollouts(on.envsPerActor(), on.config().nSteps(), on.rolloutsPerVersion())
                    .withLagVersions(index <= on.laggingActors() ? on.lagVersions() : 0)
                    .withMaxSteps(perActor), kafka, clock);
        }
        OffPolicy off = (OffPolicy) settings.algorithm();
        return ActorService.start(ActorConfig.builder(actorId(index), settings.env(), seed).maxSteps(perActor)
                .pacing(off.pacing()).exploration(off.config().exploration()).build(), kafka, clock);
    }

    private String actorId(int index) {
        return settings.actorPrefix() + "-" + index;
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
