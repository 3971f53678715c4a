package io.streamrl.core.train;

import io.streamrl.core.agent.Ddpg;
import io.streamrl.core.agent.DdpgConfig;
import io.streamrl.core.agent.GuardedUpdates;
import io.streamrl.core.compute.ComputeBackend;
import io.streamrl.core.env.ActionSpace;
import io.streamrl.core.env.Env;
import io.streamrl.core.env.EnvSpec;
import io.streamrl.core.explore.BehaviourPolicy;
import io.streamrl.core.explore.DeterministicPolicy;
import io.streamrl.core.explore.Experience;
import io.streamrl.core.explore.Explorer;
import io.streamrl.core.explore.ReplayBufferSink;
import io.streamrl.core.policy.ActionScaling;
import io.streamrl.core.policy.ObservationNormalizer;
import io.streamrl.core.replay.Batch;
import io.streamrl.core.replay.ReplayBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains DDPG/TD3 on a simulated environment in one thread, without Kafka: act with noise and
 * store through the {@link Explorer} (the same loop a simulation actor runs, writing into the
 * replay buffer instead of Kafka), update at the configured replay ratio, and evaluate the deterministic policy every
 * {@code evalEvery} steps on a separately seeded environment.
 *
 * <p>Every random stream (network initialisation, environments, exploration, replay sampling,
 * target smoothing) is split from the one seed in a fixed order, and nothing depends on time,
 * so the same seed and backend give the same learning curve.
 */
public final class LocalTrainer {

    private static final Logger log = LoggerFactory.getLogger(LocalTrainer.class);

    private final TrainConfig run;
    private final DdpgConfig config;
    private final Function<SplittableRandom, Env> envFactory;
    private final ComputeBackend backend;
    private final Clock clock;
    private final ObservationNormalizer normalizer;

    public LocalTrainer(TrainConfig run, DdpgConfig config, Function<SplittableRandom, Env> envFactory,
                        ObservationNormalizer normalizer, ComputeBackend backend, Clock clock) {
        this.run = run;
        this.config = config;
        this.envFactory = envFactory;
        this.normalizer = normalizer;
        this.backend = backend;
        this.clock = clock;
    }

    public TrainResult run(TrainListener listener) {
        SplittableRandom master = new SplittableRandom(run.seed());
        Env env = envFactory.apply(master.split());
        Env evalEnv = envFactory.apply(master.split());
        EnvSpec spec = env.spec();
        if (!(spec.actionSpace() instanceof ActionSpace.Box box)) {
            throw new IllegalArgumentException(config.algorithmName() + " needs a continuous (Box) action space; "
                    + spec.id() + " has " + spec.actionSpace());
        }
        if (normalizer.dim() != spec.observationDim()) {
            throw new IllegalArgumentException("observation normaliser has " + normalizer.dim() + " entries, "
                    + spec.id() + " observations have " + spec.observationDim());
        }
        double[] low = box.low();
        double[] high = box.high();
        int obsDim = spec.observationDim();
        int actDim = box.dim();
        Ddpg agent = new Ddpg(config, obsDim, actDim, backend, master.split());
        SplittableRandom actionRandom = master.split();
        SplittableRandom replayRandom = master.split();
        BehaviourPolicy behaviour = BehaviourPolicy.of(config.exploration(), master.split(), actionRandom, box);
        ReplayBuffer buffer = new ReplayBuffer((int) Math.min(config.bufferCapacity(), Math.max(run.steps(), 1)),
                obsDim, actDim);
        Explorer explorer = new Explorer(env, behaviour, new ReplayBufferSink(buffer, normalizer));
        DeterministicPolicy policy = o -> agent.act(normalizer.apply(o));
        Batch batch = new Batch(config.batchSize(), obsDim, actDim);
        // The same guard as the learner's; the checkpoint a refusal returns to is taken at each evaluation.
        GuardedUpdates guarded = new GuardedUpdates(agent);

        long start = clock.millis();
        List<CurvePoint> curve = new ArrayList<>();
        Long solvedAt = null;
        Double solvedWall = null;
        double updateCredit = 0;
        long step = 0;
        while (step < run.steps()) {
            step++;
            boolean warmingUp = step <= config.learningStarts();
            Experience experience = explorer.step(warmingUp ? null : policy, agent.updates());
            if (experience.done()) {
                listener.onEpisode(experience.episode(), experience.episodeReturn(), step);
            }

            if (step > config.learningStarts()) {
                updateCredit += config.replayRatio();
                while (updateCredit >= 1.0) {
                    buffer.sample(batch, replayRandom);
                    guarded.update(batch).ifPresent(t -> refused(t, guarded, config));
                    updateCredit -= 1.0;
                }
            }

            if (step % run.evalEvery() == 0 || step == run.steps()) {
                guarded.checkpoint().ifPresent(t -> refused(t, guarded, config));
                Evaluation e = Evaluation.run(evalEnv, o -> ActionScaling.toEnvironment(policy.act(o), low, high),
                        run.evalEpisodes());
                double wall = (clock.millis() - start) / 1000.0;
                CurvePoint point = new CurvePoint(step, wall, agent.updates(), e.meanReturn(), e.stdReturn());
                curve.add(point);
                listener.onEvaluation(point);
                if (solvedAt == null && e.meanReturn() >= spec.solvedThreshold()) {
                    solvedAt = step;
                    solvedWall = wall;
                    if (run.stopWhenSolved()) {
                        break;
                    }
                }
            }
        }
        listener.onFinished(agent.snapshot(spec.id(), agent.updates(), clock.millis(), normalizer, low, high));
        double wall = (clock.millis() - start) / 1000.0;
        double finalReturn = curve.isEmpty() ? Double.NaN : curve.get(curve.size() - 1).evalMeanReturn();
        return new TrainResult(spec.id(), config.algorithmName(), run.seed(), backend.name(), solvedAt != null,
                solvedAt, solvedWall, wall, step, agent.updates(), finalReturn, curve, guarded.trips());
    }

    /** One line per refusal; too many in a row end the run, as they end a learner's training. */
    private static void refused(GuardedUpdates.Trip trip, GuardedUpdates guarded, DdpgConfig config) {
        log.warn("update {} refused ({}): {}; weights rolled back to the checkpoint of update {}", trip.update(),
                trip.reason().label(), trip.detail(), guarded.checkpointUpdate());
        if (trip.consecutive() >= config.guard().maxConsecutiveTrips()) {
            throw new IllegalStateException("gradient update " + trip.update() + " was refused (" + trip.reason()
                    .label() + ": " + trip.detail() + "), refusal " + trip.consecutive() + " in a row; training"
                    + " stopped. Lower actor-lr/critic-lr or check the environment's rewards.");
        }
    }
}
