package io.streamrl.core.explore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamrl.core.env.ActionSpace;
import io.streamrl.core.noise.ExplorationConfig;
import io.streamrl.core.noise.NoiseType;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;

/**
 * {@link BehaviourPolicy}: the policy's action clipped to [-1, 1], plus noise, clipped again,
 * with the log-density of the result. The densities are checked against an empirical histogram
 * and against commons-math's normal distribution, not against the formula in the code.
 */
class BehaviourPolicyTest {

    private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(0, 1);
    /** Bounds that make the environment map visible: normalised -1 is 2, +1 is 10. */
    private static final ActionSpace.Box BOX = new ActionSpace.Box(new double[] {2.0}, new double[] {10.0});

    private static BehaviourPolicy behaviour(ExplorationConfig exploration, long seed, ActionSpace.Box box) {
        return BehaviourPolicy.of(exploration, new SplittableRandom(seed), new SplittableRandom(seed + 1), box);
    }

    /**
     * log-density of {@code x} under {@code clip(N(mu, sigma^2), -1, 1)}, from commons-math: the normal
     * log-pdf inside, the log of the tail probability at a bound.
     */
    private static double expectedLogDensity(double x, double mu, double sigma) {
        if (x >= 1) {
            return Math.log(STANDARD_NORMAL.cumulativeProbability((mu - 1) / sigma)); // P(N(mu, s) > 1)
        }
        if (x <= -1) {
            return Math.log(STANDARD_NORMAL.cumulativeProbability((-1 - mu) / sigma)); // P(N(mu, s) < -1)
        }
        return STANDARD_NORMAL.logDensity((x - mu) / sigma) - Math.log(sigma);
    }

    @Test
    void gaussianLogDensityMatchesTheEmpiricalDistributionInsideAndTheMassOnTheBounds() {
        // policy 0.3, sigma 0.6: P(a = +1) = P(Z > 7/6) = 0.122, P(a = -1) = P(Z < -13/6) = 0.0151
        double sigma = 0.6;
        float policyAction = 0.3f;
        int n = 200_000;
        int bins = 40;
        double width = 2.0 / bins;
        BehaviourPolicy behaviour = behaviour(ExplorationConfig.gaussian(sigma), 7, BOX);
        DeterministicPolicy policy = o -> new float[] {policyAction};

        long[] counts = new long[bins];
        // the reported density nearest each bin's midpoint (the midpoint rule integrates it over the bin)
        double[] nearest = new double[bins];
        double[] midLogDensity = new double[bins];
        java.util.Arrays.fill(nearest, Double.MAX_VALUE);
        long atUpper = 0;
        long atLower = 0;
        double upperLogDensity = Double.NaN;
        double lowerLogDensity = Double.NaN;
        for (int t = 0; t < n; t++) {
            BehaviourAction a = behaviour.act(policy, new float[] {0f});
            float x = a.normalized()[0];
            if (x == 1f) {
                atUpper++;
                upperLogDensity = a.logDensity();
            } else if (x == -1f) {
                atLower++;
                lowerLogDensity = a.logDensity();
            } else {
                assertThat(x).isStrictlyBetween(-1f, 1f);
                int bin = Math.min(bins - 1, (int) ((x + 1) / width));
                counts[bin]++;
                double distance = Math.abs(x - (-1 + (bin + 0.5) * width));
                if (distance < nearest[bin]) {
                    nearest[bin] = distance;
                    midLogDensity[bin] = a.logDensity();
                }
            }
        }
        for (int bin = 0; bin < bins; bin++) {
            // within 1e-3 of the midpoint: the density moves by < 0.4 % there, and the midpoint
            // rule's error over a bin of 0.05 is < 0.1 %, both far inside the tolerance
            assertThat(nearest[bin]).as("bin %d has a sample near its midpoint", bin).isLessThan(1e-3);
            double expected = Math.exp(midLogDensity[bin]) * width;
            double observed = (double) counts[bin] / n;
            double standardError = Math.sqrt(expected * (1 - expected) / n);
            assertThat(observed).as("share of bin %d, [%.2f, %.2f)", bin, -1 + bin * width, -1 + (bin + 1) * width)
                    .isCloseTo(expected, within(5 * standardError));
        }
        double expectedUpper = Math.exp(upperLogDensity);
        double expectedLower = Math.exp(lowerLogDensity);
        assertThat((double) atUpper / n).as("mass on +1")
                .isCloseTo(expectedUpper, within(5 * Math.sqrt(expectedUpper * (1 - expectedUpper) / n)));
        assertThat((double) atLower / n).as("mass on -1")
                .isCloseTo(expectedLower, within(5 * Math.sqrt(expectedLower * (1 - expectedLower) / n)));
        // and the bound masses are the normal tails (0.122 and 0.0151), not each other's
        assertThat(expectedUpper).isCloseTo(1 - STANDARD_NORMAL.cumulativeProbability((1 - 0.3) / sigma),
                within(1e-6));
        assertThat(expectedLower).isCloseTo(STANDARD_NORMAL.cumulativeProbability((-1 - 0.3) / sigma),
                within(1e-6));
    }

    @Test
    void gaussianLogDensityOfAVectorIsTheSumOfTheEntriesClippedNormalLogDensities() {
        double sigma = 0.7;
        ActionSpace.Box box = new ActionSpace.Box(new double[] {-1, 0, -5}, new double[] {1, 1, 5});
        BehaviourPolicy behaviour = behaviour(ExplorationConfig.gaussian(sigma), 17, box);
        SplittableRandom observations = new SplittableRandom(18);
        DeterministicPolicy policy = o -> new float[] {o[0], -o[0], 0.5f * o[0]};
        int clippedEntries = 0;
        for (int t = 0; t < 2_000; t++) {
            float[] observation = {(float) observations.nextDouble(-1, 1)};
            float[] mean = policy.act(observation);
            BehaviourAction a = behaviour.act(policy, observation);
            double expected = 0;
            for (int i = 0; i < 3; i++) {
                float x = a.normalized()[i];
                clippedEntries += Math.abs(x) == 1f ? 1 : 0;
                expected += expectedLogDensity(x, mean[i], sigma);
            }
            assertThat(a.logDensity()).as("step %d", t).isCloseTo(expected, within(1e-9));
        }
        assertThat(clippedEntries).as("both branches exercised").isBetween(100, 5_000);
    }

    @Test
    void ornsteinUhlenbeckLogDensityIsConditionalOnThePreviousState() {
        // x_t = x_{t-1} - theta x_{t-1} + sigma_k g_t: given x_{t-1}, the action is N(policy + (1 - theta) x_{t-1}, sigma_k)
        double theta = 0.15;
        ExplorationConfig exploration = new ExplorationConfig(NoiseType.OU, 0.3, 0.05, 0.5, theta);
        long seed = 23;
        BehaviourPolicy behaviour = behaviour(exploration, seed, BOX);
        SplittableRandom twin = new SplittableRandom(seed); // the same draws, for the test's own recursion
        SplittableRandom observations = new SplittableRandom(24);
        DeterministicPolicy policy = o -> new float[] {o[0]};
        int inside = 0;
        int clipped = 0;
        for (int episode = 0; episode < 4; episode++) {
            behaviour.startEpisode(episode);
            double sigma = Math.max(0.05, 0.3 * Math.pow(0.5, episode));
            assertThat(behaviour.sigma()).isCloseTo(sigma, within(1e-12));
            double previous = 0; // a fresh process per episode
            for (int t = 0; t < 300; t++) {
                float[] observation = {(float) observations.nextDouble(-0.8, 0.8)};
                BehaviourAction a = behaviour.act(policy, observation);
                double x = previous + (-theta * previous + sigma * twin.nextGaussian());
                float expectedAction = Math.max(-1f, Math.min(1f, observation[0] + (float) x));
                float action = a.normalized()[0];
                assertThat(action).as("episode %d step %d", episode, t).isCloseTo(expectedAction, within(1e-6f));
                double mean = observation[0] + (1 - theta) * previous;
                assertThat(a.logDensity()).as("episode %d step %d", episode, t)
                        .isCloseTo(expectedLogDensity(action, mean, sigma), within(1e-9));
                if (Math.abs(action) == 1f) {
                    clipped++;
                } else {
                    inside++;
                }
                previous = x;
            }
        }
        assertThat(clipped).as("the bounds are reached in episode 0").isPositive();
        assertThat(inside).isGreaterThan(clipped);
    }

    @Test
    void aScaleOfZeroLeavesThePolicyActionWithANaNDensity() {
        for (NoiseType type : NoiseType.values()) {
            BehaviourPolicy behaviour = behaviour(new ExplorationConfig(type, 0.0, 0.0, 1.0, 0.15), 3, BOX);
            behaviour.startEpisode(0);
            BehaviourAction a = behaviour.act(o -> new float[] {0.25f}, new float[] {0f});
            assertThat(a.normalized()).as("%s", type).containsExactly(0.25f);
            assertThat(a.environment()).containsExactly(7.0); // 2 + 1.25 / 2 * 8
            assertThat(a.explorationNoise()).containsExactly(0f);
            assertThat(a.logDensity()).as("%s", type).isNaN();
        }
    }

    @Test
    void thePolicysActionIsClippedToTheBoxBeforeTheNoiseIsAdded() {
        double sigma = 0.1;
        long seed = 5;
        BehaviourPolicy behaviour = behaviour(ExplorationConfig.gaussian(sigma), seed, BOX);
        SplittableRandom twin = new SplittableRandom(seed);
        int atBound = 0;
        int below = 0;
        for (int t = 0; t < 400; t++) {
            boolean up = t % 2 == 0;
            BehaviourAction a = behaviour.act(o -> new float[] {up ? 3f : -3f}, new float[] {0f});
            double bound = up ? 10.0 : 2.0;
            assertThat(a.policyEnvironment()).as("the policy's own action, clipped").containsExactly(bound);
            // the noise moves the clipped action: half the time back inside the box, else onto the bound
            float expected = Math.max(-1f, Math.min(1f, (up ? 1f : -1f) + (float) (sigma * twin.nextGaussian())));
            float action = a.normalized()[0];
            assertThat(action).isCloseTo(expected, within(1e-6f));
            assertThat(a.environment()[0]).isBetween(2.0, 10.0);
            if (Math.abs(action) == 1f) {
                atBound++;
                // the behaviour distribution is centred on the bound, so half its mass lies beyond it
                assertThat(a.logDensity()).isCloseTo(Math.log(0.5), within(1e-12));
            } else {
                below++;
                assertThat(a.logDensity()).isCloseTo(expectedLogDensity(action, up ? 1 : -1, sigma), within(1e-9));
            }
        }
        // about half and half (binomial, n = 400: 5 standard errors is 50)
        assertThat(atBound).isBetween(150, 250);
        assertThat(below).isBetween(150, 250);
    }

    @Test
    void uniformActionsHaveTheDensityOfTheCubeAndNoPolicyAction() {
        ActionSpace.Box box = new ActionSpace.Box(new double[] {-1, 0, -5}, new double[] {1, 1, 5});
        BehaviourPolicy behaviour = behaviour(ExplorationConfig.gaussian(0.2), 9, box);
        for (int t = 0; t < 500; t++) {
            BehaviourAction a = behaviour.uniform();
            // U([-1, 1]^3) has density 1/8
            assertThat(a.logDensity()).isCloseTo(Math.log(1.0 / 8), within(1e-12));
            assertThat(a.fromPolicy()).isFalse();
            assertThat(a.explorationNoise()).isEmpty();
            for (int i = 0; i < 3; i++) {
                assertThat(a.normalized()[i]).isBetween(-1f, 1f);
                assertThat(a.environment()[i]).isBetween(box.low(i), box.high(i));
            }
            assertThat(a.environment()[2]).isCloseTo(5.0 * a.normalized()[2], within(1e-5));
        }
    }

    @Test
    void noiseOfAnotherDimensionIsRefused() {
        ExplorationConfig exploration = ExplorationConfig.gaussian(0.1);
        assertThatThrownBy(() -> new BehaviourPolicy(exploration.newNoise(2, new SplittableRandom(1)),
                new SplittableRandom(2), BOX))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("noise of 2 entries for actions of 1");
    }
}
