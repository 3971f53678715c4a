package io.streamrl.core.explore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamrl.core.env.ActionSpace;
import io.streamrl.core.env.Env;
import io.streamrl.core.env.Envs;
import io.streamrl.core.env.StepResult;
import io.streamrl.core.noise.ExplorationConfig;
import io.streamrl.core.noise.NoiseType;
import io.streamrl.core.policy.ActionScaling;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Explorer}: the one experience loop, checked on Pendulum-v1 (a torque in [-2, 2],
 * truncated at 200 steps, never terminated) against a twin environment stepped by the test.
 */
class ExplorerTest {

    private static final int PENDULUM_LIMIT = 200;
    /** Pendulum's torque bound: the environment action is 2 x the normalised one. */
    private static final double MAX_TORQUE = 2.0;

    /** A simple deterministic policy in [-1, 1]: push against the angular velocity. */
    private static final DeterministicPolicy DAMPING = o -> new float[] {(float) Math.tanh(-0.5 * o[2])};

    private static ActionSpace.Box pendulumBox() {
        return (ActionSpace.Box) Envs.spec("pendulum").actionSpace();
    }

    private static Explorer explorer(ExplorationConfig exploration, long envSeed, long noiseSeed, long uniformSeed,
                                     TransitionSink sink) {
        Env env = Envs.make("pendulum", new SplittableRandom(envSeed));
        BehaviourPolicy behaviour = BehaviourPolicy.of(exploration, new SplittableRandom(noiseSeed),
                new SplittableRandom(uniformSeed), pendulumBox());
        return new Explorer(env, behaviour, sink);
    }

    /** {@code steps} steps: uniform actions for the first {@code warmUp}, then the policy (version 7). */
    private static List<Experience> run(ExplorationConfig exploration, long envSeed, long noiseSeed,
                                        long uniformSeed, int warmUp, int steps) {
        InMemorySink sink = new InMemorySink();
        Explorer explorer = explorer(exploration, envSeed, noiseSeed, uniformSeed, sink);
        List<Experience> returned = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            returned.add(explorer.step(t < warmUp ? null : DAMPING, 7));
        }
        assertThat(sink.experiences()).as("the sink saw every step, in order").containsExactlyElementsOf(returned);
        return returned;
    }

    @Test
    void stepsArriveInOrderWithEpisodeAndStepNumbersAndPendulumTruncatesAt200() {
        InMemorySink sink = new InMemorySink();
        Explorer explorer = explorer(ExplorationConfig.gaussian(0.2), 1, 2, 3, sink);
        assertThat(explorer.spec().id()).isEqualTo("Pendulum-v1");
        int steps = 3 * PENDULUM_LIMIT + 50;
        for (int t = 0; t < steps; t++) {
            Experience e = explorer.step(t < 100 ? null : DAMPING, 7);
            // the explorer counts finished episodes as it goes
            assertThat(explorer.episodesDone()).isEqualTo((t + 1) / PENDULUM_LIMIT);
            assertThat(sink.experiences()).hasSize(t + 1).last().isSameAs(e);
        }
        List<Experience> all = sink.experiences();
        for (int t = 0; t < steps; t++) {
            Experience e = all.get(t);
            assertThat(e.episode()).as("episode of step %d", t).isEqualTo(t / PENDULUM_LIMIT);
            assertThat(e.step()).as("1-based step within the episode, step %d", t).isEqualTo(t % PENDULUM_LIMIT + 1);
            assertThat(e.terminated()).as("Pendulum never terminates").isFalse();
            assertThat(e.truncated()).as("truncated exactly at step 200, step %d", t).isEqualTo(e.step() == 200);
            assertThat(e.done()).isEqualTo(e.truncated());
        }
    }

    @Test
    void observationsChainWithinAnEpisodeAndMatchATwinEnvironmentSteppedWithTheRecordedActions() {
        List<Experience> all = run(ExplorationConfig.gaussian(0.3), 11, 12, 13, 150, 2 * PENDULUM_LIMIT + 30);
        Env twin = Envs.make("pendulum", new SplittableRandom(11));
        float[] expectedObservation = twin.reset();
        double expectedReturn = 0;
        for (int t = 0; t < all.size(); t++) {
            Experience e = all.get(t);
            if (e.step() > 1) {
                Experience previous = all.get(t - 1);
                assertThat(e.observation()).as("step %d continues from the previous next observation", t)
                        .containsExactly(previous.nextObservation());
            }
            assertThat(e.observation()).as("observation of step %d", t).containsExactly(expectedObservation);
            StepResult r = twin.step(e.action().environment());
            assertThat(e.nextObservation()).as("next observation of step %d", t).containsExactly(r.observation());
            assertThat(e.reward()).isEqualTo(r.reward());
            assertThat(e.truncated()).isEqualTo(r.truncated());
            assertThat(e.terminated()).isEqualTo(r.terminated());
            expectedReturn += r.reward();
            assertThat(e.episodeReturn()).as("running return at step %d", t)
                    .isCloseTo(expectedReturn, within(1e-9 * Math.max(1, Math.abs(expectedReturn))));
            if (r.done()) {
                // a new episode starts from a fresh reset, not from the last state
                expectedObservation = twin.reset();
                expectedReturn = 0;
            } else {
                expectedObservation = r.observation();
            }
        }
        // the returns of the finished episodes are the sums of their rewards
        for (int episode = 0; episode < 2; episode++) {
            double sum = 0;
            for (int t = episode * PENDULUM_LIMIT; t < (episode + 1) * PENDULUM_LIMIT; t++) {
                sum += all.get(t).reward();
            }
            assertThat(all.get((episode + 1) * PENDULUM_LIMIT - 1).episodeReturn())
                    .isCloseTo(sum, within(1e-9 * Math.abs(sum)));
        }
    }

    @Test
    void withoutAPolicyTheActionIsUniformWithVersionMinusOneNoNoiseAndLogDensityMinusLn2() {
        List<Experience> all = run(ExplorationConfig.gaussian(0.2), 5, 6, 7, 2_000, 2_000);
        double sum = 0;
        float lowest = 1;
        float highest = -1;
        for (Experience e : all) {
            BehaviourAction a = e.action();
            assertThat(e.policyVersion()).isEqualTo(-1);
            assertThat(a.fromPolicy()).isFalse();
            assertThat(a.policyEnvironment()).isNull();
            assertThat(a.explorationNoise()).isEmpty();
            // uniform on [-1, 1]: density 1/2 for Pendulum's one entry
            assertThat(a.logDensity()).isCloseTo(Math.log(0.5), within(1e-15));
            assertThat(a.normalized()).hasSize(1);
            assertThat(a.normalized()[0]).isBetween(-1f, 1f);
            assertThat(a.environment()[0]).isCloseTo(MAX_TORQUE * a.normalized()[0], within(1e-6));
            sum += a.normalized()[0];
            lowest = Math.min(lowest, a.normalized()[0]);
            highest = Math.max(highest, a.normalized()[0]);
        }
        // spread over [-1, 1]: mean 0 within 5 standard errors (sd of U[-1, 1] is 1/sqrt(3))
        assertThat(sum / all.size()).isCloseTo(0.0, within(5 / Math.sqrt(3.0 * all.size())));
        assertThat(lowest).isLessThan(-0.99f);
        assertThat(highest).isGreaterThan(0.99f);
    }

    @Test
    void withAPolicyTheEnvironmentActionIsTheScaledNormalisedOneAndTheNoiseItsDistanceFromThePolicy() {
        List<Experience> all = run(ExplorationConfig.gaussian(0.5), 21, 22, 23, 0, PENDULUM_LIMIT + 100);
        double[] low = pendulumBox().low();
        double[] high = pendulumBox().high();
        int clipped = 0;
        for (Experience e : all) {
            BehaviourAction a = e.action();
            assertThat(e.policyVersion()).isEqualTo(7);
            assertThat(a.fromPolicy()).isTrue();
            float[] normalized = a.normalized();
            assertThat(normalized[0]).isBetween(-1f, 1f);
            clipped += Math.abs(normalized[0]) == 1f ? 1 : 0;
            assertThat(a.environment()).containsExactly(ActionScaling.toEnvironment(normalized, low, high));
            // Pendulum's box is [-2, 2]: the map is a factor of 2
            assertThat(a.environment()[0]).isCloseTo(MAX_TORQUE * normalized[0], within(1e-6));
            // the policy acted on the observation the step records
            float policyAction = DAMPING.act(e.observation())[0];
            assertThat(a.policyEnvironment()[0]).isCloseTo(MAX_TORQUE * policyAction, within(1e-6));
            assertThat(a.explorationNoise()).hasSize(1);
            assertThat((double) a.explorationNoise()[0])
                    .isCloseTo(a.environment()[0] - a.policyEnvironment()[0], within(1e-6));
            assertThat(a.logDensity()).isFinite();
        }
        assertThat(clipped).as("sigma 0.5 pushes some actions onto the bounds").isPositive();
    }

    @Test
    void theNoiseScaleFollowsThePerEpisodeSchedule() {
        // sigma_k = max(0.1, 0.8 * 0.5^k): 0.8, 0.4, 0.2, 0.1, 0.1
        ExplorationConfig exploration = new ExplorationConfig(NoiseType.GAUSSIAN, 0.8, 0.1, 0.5, 0.15);
        long noiseSeed = 31;
        Env env = Envs.make("pendulum", new SplittableRandom(30));
        BehaviourPolicy behaviour = BehaviourPolicy.of(exploration, new SplittableRandom(noiseSeed),
                new SplittableRandom(32), pendulumBox());
        List<Double> sigmaAtStep = new ArrayList<>();
        InMemorySink memory = new InMemorySink();
        Explorer explorer = new Explorer(env, behaviour, e -> {
            sigmaAtStep.add(behaviour.sigma());
            memory.accept(e);
        });
        // the process draws sigma_k * N(0, 1) from the noise generator: a twin generator predicts every draw
        SplittableRandom twin = new SplittableRandom(noiseSeed);
        int episodes = 5;
        for (int t = 0; t < episodes * PENDULUM_LIMIT; t++) {
            explorer.step(DAMPING, 1);
        }
        List<Experience> all = memory.experiences();
        for (int t = 0; t < all.size(); t++) {
            Experience e = all.get(t);
            double expectedSigma = Math.max(0.1, 0.8 * Math.pow(0.5, e.episode()));
            assertThat(sigmaAtStep.get(t)).as("sigma in episode %d", e.episode())
                    .isCloseTo(expectedSigma, within(1e-12));
            float policyAction = DAMPING.act(e.observation())[0];
            float draw = (float) (expectedSigma * twin.nextGaussian());
            float expected = Math.max(-1f, Math.min(1f, policyAction + draw));
            assertThat(e.action().normalized()[0]).as("action of step %d", t).isCloseTo(expected, within(1e-6f));
        }
        assertThat(explorer.episodesDone()).isEqualTo(episodes);
        assertThat(behaviour.sigma()).as("episode 5 started at the floor").isCloseTo(0.1, within(1e-12));
    }

    @Test
    void everyEpisodeStartsAFreshOrnsteinUhlenbeckProcess() {
        // OU state restarts at 0 per episode: x <- x - theta x + sigma_k g, with the twin's own recursion
        double theta = 0.15;
        ExplorationConfig exploration = new ExplorationConfig(NoiseType.OU, 0.4, 0.1, 0.5, theta);
        long noiseSeed = 41;
        List<Experience> all = run(exploration, 40, noiseSeed, 42, 0, 3 * PENDULUM_LIMIT);
        SplittableRandom twin = new SplittableRandom(noiseSeed);
        double x = 0;
        for (Experience e : all) {
            if (e.step() == 1) {
                x = 0;
            }
            double sigma = Math.max(0.1, 0.4 * Math.pow(0.5, e.episode()));
            x += -theta * x + sigma * twin.nextGaussian();
            float policyAction = DAMPING.act(e.observation())[0];
            float expected = Math.max(-1f, Math.min(1f, policyAction + (float) x));
            assertThat(e.action().normalized()[0])
                    .as("episode %d step %d", e.episode(), e.step()).isCloseTo(expected, within(1e-5f));
        }
    }

    @Test
    void theSameSeedsRepeatTheRunAndAnotherSeedChangesIt() {
        ExplorationConfig exploration = ExplorationConfig.gaussian(0.3);
        int steps = PENDULUM_LIMIT + 60;
        int warmUp = 50;
        List<Experience> run = run(exploration, 1, 2, 3, warmUp, steps);
        assertThat(run(exploration, 1, 2, 3, warmUp, steps)).usingRecursiveFieldByFieldElementComparator()
                .containsExactlyElementsOf(run);

        // another environment seed: another start state
        List<Experience> otherEnv = run(exploration, 99, 2, 3, warmUp, steps);
        assertThat(otherEnv.get(0).observation()).isNotEqualTo(run.get(0).observation());
        // another uniform seed: other warm-up actions
        List<Experience> otherUniform = run(exploration, 1, 2, 99, warmUp, steps);
        assertThat(otherUniform.get(0).observation()).containsExactly(run.get(0).observation());
        assertThat(differingActions(run, otherUniform, 0, warmUp)).isEqualTo(warmUp);
        // another noise seed: the warm-up is unchanged, the noisy policy actions differ (except
        // where both runs clip onto the same bound)
        List<Experience> otherNoise = run(exploration, 1, 99, 3, warmUp, steps);
        assertThat(differingActions(run, otherNoise, 0, warmUp)).isZero();
        int inside = 0;
        for (int t = warmUp; t < steps; t++) {
            float a = run.get(t).action().normalized()[0];
            if (Math.abs(a) < 1f) {
                inside++;
                assertThat(otherNoise.get(t).action().normalized()[0]).as("step %d", t).isNotEqualTo(a);
            }
        }
        assertThat(inside).isGreaterThan((steps - warmUp) / 2);
        assertThat(otherNoise.get(warmUp + 1).observation()).isNotEqualTo(run.get(warmUp + 1).observation());
    }

    private static int differingActions(List<Experience> a, List<Experience> b, int from, int to) {
        int different = 0;
        for (int t = from; t < to; t++) {
            different += a.get(t).action().normalized()[0] == b.get(t).action().normalized()[0] ? 0 : 1;
        }
        return different;
    }

    @Test
    void aTerminatedEpisodeAlsoStartsANewOne() {
        // MountainCarContinuous terminates at the flag; pushing along the velocity gets there well before 999
        Env env = Envs.make("mountaincar", new SplittableRandom(50));
        ActionSpace.Box box = (ActionSpace.Box) env.spec().actionSpace();
        BehaviourPolicy behaviour = BehaviourPolicy.of(ExplorationConfig.gaussian(0.1), new SplittableRandom(51),
                new SplittableRandom(52), box);
        InMemorySink sink = new InMemorySink();
        Explorer explorer = new Explorer(env, behaviour, sink);
        DeterministicPolicy pump = o -> new float[] {o[1] >= 0 ? 1f : -1f};
        while (explorer.episodesDone() < 2) {
            explorer.step(pump, 3);
            assertThat(sink.experiences().size()).as("reaches the flag").isLessThan(2 * 999);
        }
        List<Experience> all = sink.experiences();
        List<Experience> ends = all.stream().filter(Experience::done).toList();
        assertThat(ends).hasSize(2);
        for (Experience end : ends) {
            assertThat(end.terminated()).isTrue();
            assertThat(end.truncated()).isFalse();
            assertThat(end.step()).isLessThan(999);
        }
        Experience firstOfSecond = all.get(ends.get(0).step());
        assertThat(firstOfSecond.episode()).isEqualTo(1);
        assertThat(firstOfSecond.step()).isEqualTo(1);
        assertThat(firstOfSecond.episodeReturn()).isEqualTo(firstOfSecond.reward());
        assertThat(all).last().isSameAs(ends.get(1));
    }

    @Test
    void aDiscreteEnvironmentIsRefusedWithItsName() {
        Env cartPole = Envs.make("cartpole", new SplittableRandom(1));
        BehaviourPolicy behaviour = BehaviourPolicy.of(ExplorationConfig.gaussian(0.1), new SplittableRandom(2),
                new SplittableRandom(3), pendulumBox());
        assertThatThrownBy(() -> new Explorer(cartPole, behaviour, new InMemorySink()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CartPole-v1")
                .hasMessageContaining("Box");
    }
}
