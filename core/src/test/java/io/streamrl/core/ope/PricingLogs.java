package io.streamrl.core.ope;

import io.streamrl.core.env.ActionSpace;
import io.streamrl.core.env.PricingEnv;
import io.streamrl.core.env.StepResult;
import io.streamrl.core.explore.BehaviourAction;
import io.streamrl.core.explore.BehaviourPolicy;
import io.streamrl.core.explore.DeterministicPolicy;
import io.streamrl.core.noise.ExplorationConfig;
import java.util.SplittableRandom;

/**
 * Pricing-v0 decision logs from a known Gaussian behaviour policy, and the true per-step value
 * of a smoothed policy measured by running it: the two sides of the off-policy evaluation tests.
 */
final class PricingLogs {

    static final ActionSpace.Box PRICES = (ActionSpace.Box) new PricingEnv(new SplittableRandom(0)).spec()
            .actionSpace();

    private PricingLogs() {
    }

    /** The normalised action of {@code price}: the inverse of {@link PricingEnv#priceFor}. */
    static float action(double price) {
        return (float) (2 * (price - PricingEnv.MIN_PRICE) / (PricingEnv.MAX_PRICE - PricingEnv.MIN_PRICE) - 1);
    }

    /** Always {@code price}. */
    static DeterministicPolicy fixedPrice(double price) {
        float a = action(price);
        return observation -> new float[] {a};
    }

    /** The optimal price {@code p* = 4 + c / 2}, with {@code c = 10 obs[1]}. */
    static DeterministicPolicy optimalPrice() {
        return observation -> new float[] {action(PricingEnv.optimalPrice(10.0 * observation[1]))};
    }

    /**
     * {@code shops} episodes of {@code days} days (one per shop, as a decision log of many
     * entities holds them), priced by {@code behaviour} plus Gaussian noise of {@code sigma}
     * through the simulation actor's own {@link BehaviourPolicy}, logged as a transition records
     * them (the price as float32, the behaviour's log-density; none when {@code densities} is false).
     */
    static LoggedDecisions log(long seed, int shops, int days, DeterministicPolicy behaviour, double sigma,
                               boolean densities) {
        SplittableRandom random = new SplittableRandom(seed);
        PricingEnv env = new PricingEnv(random.split());
        BehaviourPolicy explore = BehaviourPolicy.of(ExplorationConfig.gaussian(sigma), random.split(), random.split(),
                PRICES);
        LoggedDecisions.Builder log = LoggedDecisions.builder(env.spec());
        for (int shop = 0; shop < shops; shop++) {
            float[] obs = env.reset();
            explore.startEpisode(shop);
            for (int day = 0; day < days; day++) {
                BehaviourAction a = explore.act(behaviour, obs);
                StepResult step = env.step(a.environment());
                log.add("shop-" + shop, 0, obs, new float[] {(float) a.environment()[0]}, step.reward(),
                        densities ? a.logDensity() : null);
                obs = step.observation();
            }
        }
        return log.build();
    }

    /**
     * The true value per step of {@code policy} smoothed with {@code bandwidth}, measured by
     * running that smoothed policy for {@code episodes} episodes of {@code days} days: the mean
     * expected reward of the prices it set (the environment's own {@code expectedReward}, which
     * leaves out the Poisson noise of the sales, not the randomness of the states or prices).
     *
     * @return the value and its standard error over episodes
     */
    static double[] trueValue(DeterministicPolicy policy, double bandwidth, long seed, int episodes, int days) {
        SplittableRandom random = new SplittableRandom(seed);
        PricingEnv env = new PricingEnv(random.split());
        BehaviourPolicy smoothed = new SmoothedPolicy(policy, bandwidth).behaviour(random.split(), PRICES);
        double sum = 0;
        double sumSq = 0;
        for (int e = 0; e < episodes; e++) {
            float[] obs = env.reset();
            smoothed.startEpisode(e);
            double episode = 0;
            for (int day = 0; day < days; day++) {
                StepResult step = env.step(smoothed.act(policy, obs).environment());
                episode += env.lastStep().expectedReward();
                obs = step.observation();
            }
            episode /= days;
            sum += episode;
            sumSq += episode * episode;
        }
        double mean = sum / episodes;
        double variance = (sumSq / episodes - mean * mean) * episodes / (episodes - 1.0);
        return new double[] {mean, Math.sqrt(variance / episodes)};
    }
}
