package io.streamrl.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrl.core.agent.A2cConfig;
import io.streamrl.core.compute.ComputeBackend;
import io.streamrl.core.compute.ComputeBackends;
import io.streamrl.core.env.Envs;
import io.streamrl.core.policy.ObservationNormalizer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class A2cTrainerTest {

    @Test
    void theSameSeedGivesTheSameCurveAndEvaluationsComeEveryEvalEverySteps() {
        List<CurvePoint> first = run(7);
        List<CurvePoint> second = run(7);
        assertThat(first).hasSize(3);
        assertThat(first.stream().map(CurvePoint::envSteps)).containsExactly(1_000L, 2_000L, 3_000L);
        assertThat(first.stream().map(CurvePoint::updates)).containsExactly(25L, 50L, 75L);
        for (int i = 0; i < first.size(); i++) {
            assertThat(second.get(i).evalMeanReturn()).isEqualTo(first.get(i).evalMeanReturn());
        }
    }

    @Test
    void everyEnvironmentWorksWithTheRightHead() {
        for (String env : List.of("cartpole", "pendulum", "mountaincar", "pricing")) {
            try (ComputeBackend backend = ComputeBackends.create(ComputeBackends.SCALAR)) {
                TrainResult r = new A2cTrainer(new TrainConfig(env, 1, 400, 400, 1, false), A2cConfig.a2c(),
                        random -> Envs.make(env, random),
                        ObservationNormalizer.identity(Envs.spec(env).observationDim()), backend, Clock.systemUTC())
                        .run(TrainListener.NONE);
                assertThat(r.algo()).isEqualTo("a2c");
                assertThat(r.envSteps()).isEqualTo(400);
                assertThat(r.updates()).isEqualTo(10);
                assertThat(r.curve()).hasSize(1);
                assertThat(r.finalEvalMeanReturn()).as(env).isFinite();
            }
        }
    }

    private static List<CurvePoint> run(long seed) {
        List<CurvePoint> curve = new ArrayList<>();
        try (ComputeBackend backend = ComputeBackends.create(ComputeBackends.SCALAR)) {
            new A2cTrainer(new TrainConfig("cartpole", seed, 3_000, 1_000, 2, false), A2cConfig.a2c(),
                    random -> Envs.make("cartpole", random), ObservationNormalizer.identity(4), backend,
                    Clock.systemUTC()).run(curve::add);
        }
        return curve;
    }
}
