package io.streamrl.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrl.core.agent.DdpgConfig;
import io.streamrl.core.compute.ComputeBackend;
import io.streamrl.core.compute.ComputeBackends;
import io.streamrl.core.env.Envs;
import io.streamrl.core.policy.ObservationNormalizer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The learning engine must solve Pendulum-v1 (10-episode mean evaluation return >= -200)
 * within 15,000 environment steps with the default hyperparameters and fixed seeds: DDPG on at
 * least 4 of 5 seeds, TD3 on both of 2. A wrong sign in the actor loss, a critic target
 * without the discount or a broken soft update leaves the returns near -1,200 and fails this.
 */
@Tag("learning")
class PendulumLearningTest {

    private static final Logger log = LoggerFactory.getLogger(PendulumLearningTest.class);
    private static final long BUDGET = 15_000;

    @Test
    void ddpgSolvesPendulumOnAtLeastFourOfFiveSeeds() throws Exception {
        List<TrainResult> results = trainAll("ddpg", new long[] {1, 2, 3, 4, 5});
        assertThat(results.stream().filter(TrainResult::solved).count())
                .as("seeds solved within %d steps: %s", BUDGET, summary(results))
                .isGreaterThanOrEqualTo(4);
        assertThat(results).as("a healthy run trips no guard").allMatch(r -> r.guardTrips() == 0);
    }

    @Test
    void td3SolvesPendulumOnBothSeeds() throws Exception {
        List<TrainResult> results = trainAll("td3", new long[] {1, 2});
        assertThat(results).as("seeds solved within %d steps: %s", BUDGET, summary(results))
                .allMatch(TrainResult::solved);
        assertThat(results).as("a healthy run trips no guard").allMatch(r -> r.guardTrips() == 0);
    }

    @Test
    void theSameSeedGivesTheSameCurve() {
        TrainResult a = train("ddpg", 11, 3_000, 1_000);
        TrainResult b = train("ddpg", 11, 3_000, 1_000);
        assertThat(a.curve()).hasSize(3);
        assertThat(a.curve().stream().map(CurvePoint::evalMeanReturn).toList())
                .isEqualTo(b.curve().stream().map(CurvePoint::evalMeanReturn).toList());
        assertThat(a.updates()).isEqualTo(b.updates()).isEqualTo(2_000);
    }

    /** Seeds run two at a time: the machine has two cores and each run is single-threaded. */
    private static List<TrainResult> trainAll(String algo, long[] seeds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<TrainResult>> futures = new ArrayList<>();
            for (long seed : seeds) {
                futures.add(pool.submit(() -> train(algo, seed, BUDGET, 1_000)));
            }
            List<TrainResult> out = new ArrayList<>();
            for (Future<TrainResult> f : futures) {
                out.add(f.get());
            }
            log.info("{}: {}", algo, summary(out));
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static TrainResult train(String algo, long seed, long steps, long evalEvery) {
        try (ComputeBackend backend = ComputeBackends.create(ComputeBackends.VECTOR)) {
            LocalTrainer trainer = new LocalTrainer(new TrainConfig("pendulum", seed, steps, evalEvery, 10, true),
                    DdpgConfig.preset(algo), random -> Envs.make("pendulum", random), ObservationNormalizer.identity(3),
                    backend, Clock.systemUTC());
            return trainer.run(TrainListener.NONE);
        }
    }

    private static String summary(List<TrainResult> results) {
        StringBuilder sb = new StringBuilder();
        for (TrainResult r : results) {
            sb.append(String.format("seed %d: %s at %s steps (last eval %.0f, %.1f s, %d guard trips); ",
                    r.seed(), r.solved() ? "solved" : "NOT solved", r.envStepsToSolve(), r.finalEvalMeanReturn(),
                    r.wallSeconds(), r.guardTrips()));
        }
        return sb.toString();
    }
}
