package io.streamrl.core.train;

import io.streamrl.core.agent.A2c;
import io.streamrl.core.agent.A2cConfig;
import io.streamrl.core.agent.A2cStats;
import io.streamrl.core.agent.Rollout;
import io.streamrl.core.compute.ComputeBackend;
import io.streamrl.core.env.ActionSpace;
import io.streamrl.core.env.Env;
import io.streamrl.core.env.EnvSpec;
import io.streamrl.core.env.StepResult;
import io.streamrl.core.nn.NonFiniteUpdateException;
import io.streamrl.core.policy.ActionScaling;
import io.streamrl.core.policy.ObservationNormalizer;
import io.streamrl.core.policy.PolicyHead;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains A2C on a simulated environment in one thread, without Kafka, as A2C is meant to run:
 * {@code num-envs} copies of the environment stepped in lock-step (one batched forward pass
 * chooses all their actions), {@code n-steps} steps each, then one update from those
 * {@code num-envs * n-steps} transitions. The greedy policy is evaluated every
 * {@code evalEvery} environment steps (summed over all environments, checked after each
 * update) on a separately seeded environment; curve points and the result are those of
 * {@link LocalTrainer}, so {@code curve.csv} and {@code summary.json} have the same columns
 * and keys for every algorithm.
 *
 * <p>A2C learns on-policy from the rollout it just collected, so there is no replay buffer
 * and no {@code Explorer}: the policy's own distribution explores. The run takes whole
 * rollouts, so it may end up to {@code num-envs * n-steps - 1} steps beyond {@code steps}.
 *
 * <p>Every random stream (environments, evaluation environment, networks, action sampling) is
 * split from the one seed in a fixed order, and nothing depends on time, so the same seed and
 * backend give the same learning curve.
 */
public final class A2cTrainer {

    private static final Logger log = LoggerFactory.getLogger(A2cTrainer.class);
    /** Refused updates in a row that end the run, as {@code max-consecutive-trips} ends DDPG's. */
    private static final int MAX_CONSECUTIVE_REFUSALS = 10;

    private final TrainConfig run;
    private final A2cConfig config;
    private final Function<SplittableRandom, Env> envFactory;
    private final ObservationNormalizer normalizer;
    private final ComputeBackend backend;
    private final Clock clock;

    public A2cTrainer(TrainConfig run, A2cConfig config, Function<SplittableRandom, Env> envFactory,
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
        int numEnvs = config.numEnvs();
        Env[] envs = new Env[numEnvs];
        for (int i = 0; i < numEnvs; i++) {
            envs[i] = envFactory.apply(master.split());
        }
        Env evalEnv = envFactory.apply(master.split());
        EnvSpec spec = envs[0].spec();
        if (normalizer.dim() != spec.observationDim()) {
            throw new IllegalArgumentException("observation normaliser has " + normalizer.dim() + " entries, "
                    + spec.id() + " observations have " + spec.observationDim());
        }
        int obsDim = spec.observationDim();
        A2c agent = new A2c(config, obsDim, spec.actionSpace(), backend, master.split());
        SplittableRandom actionRandom = master.split();
        int actDim = agent.actionDim();
        boolean discrete = agent.head() == PolicyHead.CATEGORICAL;
        double[] low = discrete ? null : ((ActionSpace.Box) spec.actionSpace()).low();
        double[] high = discrete ? null : ((ActionSpace.Box) spec.actionSpace()).high();

        Rollout rollout = new Rollout(numEnvs, config.nSteps(), obsDim, actDim);
        float[] obs = new float[numEnvs * obsDim];
        float[] actions = new float[numEnvs * actDim];
        float[] finalObs = new float[obsDim];
        double[] episodeReturns = new double[numEnvs];
        for (int i = 0; i < numEnvs; i++) {
            normalizer.apply(envs[i].reset(), obs, i * obsDim);
        }

        long start = clock.millis();
        List<CurvePoint> curve = new ArrayList<>();
        Long solvedAt = null;
        Double solvedWall = null;
        long step = 0;
        long episodes = 0;
        long nextEval = run.evalEvery();
        int refusedInARow = 0;
        long refusals = 0;
        while (step < run.steps()) {
            for (int t = 0; t < config.nSteps(); t++) {
                agent.sample(obs, numEnvs, actionRandom, actions);
                rollout.putStep(t, obs, actions);
                for (int i = 0; i < numEnvs; i++) {
                    StepResult result = envs[i].step(environmentAction(actions, i, actDim, discrete, low, high));
                    episodeReturns[i] += result.reward();
                    double reward = learningReward(result, config, () -> {
                        normalizer.apply(result.observation(), finalObs, 0);
                        return agent.bootstrapValues(finalObs, 1)[0];
                    });
                    rollout.putOutcome(t, i, reward, result.done());
                    if (result.done()) {
                        listener.onEpisode(episodes++, episodeReturns[i], step + i + 1);
                        episodeReturns[i] = 0;
                        normalizer.apply(envs[i].reset(), obs, i * obsDim);
                    } else {
                        normalizer.apply(result.observation(), obs, i * obsDim);
                    }
                }
                step += numEnvs;
            }
            rollout.putLastObservations(obs);
            try {
                A2cStats stats = agent.update(rollout);
                refusedInARow = 0;
                if (log.isTraceEnabled()) {
                    log.trace("update {}: {}", agent.updates(), stats);
                }
            } catch (NonFiniteUpdateException e) {
                refusals++;
                refusedInARow++;
                log.warn("update refused ({}): {}", e.quantity(), e.getMessage());
                if (refusedInARow >= MAX_CONSECUTIVE_REFUSALS) {
                    throw new IllegalStateException("A2C update refused " + refusedInARow + " times in a row ("
                            + e.getMessage() + "); training stopped. Lower lr or check the environment's rewards.", e);
                }
            }

            if (step >= nextEval || step >= run.steps()) {
                while (nextEval <= step) {
                    nextEval += run.evalEvery();
                }
                Evaluation e = Evaluation.run(evalEnv, o -> environmentAction(agent.greedy(normalizer.apply(o)), 0,
                        actDim, discrete, low, high), run.evalEpisodes());
                double wall = (clock.millis() - start) / 1000.0;
                CurvePoint point = new CurvePoint(step, wall, agent.updates(), e.meanReturn(), e.stdReturn());
                curve.add(point);
                listener.onEvaluation(point);
                if (solvedAt == null && spec.isSolvedBy(e.meanReturn())) {
                    solvedAt = step;
                    solvedWall = wall;
                    if (run.stopWhenSolved()) {
                        break;
                    }
                }
            }
        }
        listener.onFinished(agent.snapshot(spec.id(), agent.updates(), clock.millis(), normalizer));
        double wall = (clock.millis() - start) / 1000.0;
        double finalReturn = curve.isEmpty() ? Double.NaN : curve.get(curve.size() - 1).evalMeanReturn();
        return new TrainResult(spec.id(), config.algorithmName(), run.seed(), backend.name(), solvedAt != null,
                solvedAt, solvedWall, wall, step, agent.updates(), finalReturn, curve, refusals);
    }

    /**
     * What a step's reward stands for in the rollout: the reward (times {@code reward-scale}),
     * plus {@code gamma V(final observation)} when the time limit cut the episode. A time limit
     * is not a terminal state, so the return goes on beyond it and the value estimates it; a
     * terminated step (also one that hit the limit at the same time) ends the return.
     */
    static double learningReward(StepResult result, A2cConfig config, DoubleSupplier finalObservationValue) {
        double reward = result.reward() * config.rewardScale();
        if (result.truncated() && !result.terminated()) {
            reward += config.gamma() * finalObservationValue.getAsDouble();
        }
        return reward;
    }

    /**
     * Row {@code i} of {@code actions} as the environment takes it: the index, or the Gaussian
     * sample clipped to [-1, 1] and scaled to the box (the rollout keeps the unclipped sample).
     */
    private static double[] environmentAction(float[] actions, int i, int actDim, boolean discrete, double[] low,
                                              double[] high) {
        if (discrete) {
            return new double[] {actions[i]};
        }
        float[] clipped = new float[actDim];
        for (int k = 0; k < actDim; k++) {
            clipped[k] = PolicyHead.clipUnit(actions[i * actDim + k]);
        }
        return ActionScaling.toEnvironment(clipped, low, high);
    }
}
