package io.streamrl.core.train;

import io.streamrl.core.config.Check;

/**
 * A local training run: which environment, how long, how often to evaluate.
 *
 * @param env environment name (see {@code Envs})
 * @param seed master seed; every random stream of the run is split from it
 * @param steps environment steps to train for
 * @param evalEvery evaluate the deterministic policy every this many environment steps
 * @param evalEpisodes episodes per evaluation
 * @param stopWhenSolved end the run at the first evaluation that reaches the env's threshold
 */
public record TrainConfig(String env, long seed, long steps, long evalEvery, int evalEpisodes, boolean stopWhenSolved) {

    public TrainConfig {
        if (env == null || env.isBlank()) {
            throw new IllegalArgumentException("env must not be blank");
        }
        Check.inClosed("steps", steps, 1, 1_000_000_000L);
        Check.inClosed("eval-every", evalEvery, 1, 1_000_000_000L);
        Check.inClosed("eval-episodes", evalEpisodes, 1, 10_000);
    }
}
