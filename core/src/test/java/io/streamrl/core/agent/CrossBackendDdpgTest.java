package io.streamrl.core.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrl.core.compute.ComputeBackend;
import io.streamrl.core.compute.ComputeBackends;
import io.streamrl.core.replay.Batch;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same sequence of updates on the {@code vector} and the {@code nd4j} backend ends with the
 * same parameters within 1e-5 relative: the backends differ only in float32 summation order.
 * Relative is measured against the largest magnitude of the parameter tensor, so that weights
 * that are near zero by chance do not turn rounding noise into a large ratio.
 */
class CrossBackendDdpgTest {

    private static final double RELATIVE = 1e-5;

    @ParameterizedTest
    @ValueSource(strings = {"ddpg", "td3", "td3+bc"})
    void bothBackendsTrainToTheSameParameters(String algo) {
        DdpgConfig config = DdpgConfig.preset(algo).with(Map.of("batch-size", "64", "policy-delay",
                algo.startsWith("td3") ? "2" : "1"));
        Batch[] batches = new Batch[8];
        for (int i = 0; i < batches.length; i++) {
            batches[i] = DdpgTest.randomBatch(64, 100 + i);
        }
        float[][] vector = train(ComputeBackends.VECTOR, config, batches);
        float[][] nd4j = train(ComputeBackends.ND4J, config, batches);
        String[] names = {"actor", "critic"};
        for (int net = 0; net < 2; net++) {
            float[] a = vector[net];
            float[] b = nd4j[net];
            assertThat(b).hasSameSizeAs(a);
            double scale = 0;
            double maxDiff = 0;
            for (int i = 0; i < a.length; i++) {
                scale = Math.max(scale, Math.abs(a[i]));
                maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
            }
            assertThat(maxDiff / scale).as("%s max |vector - nd4j| / max |param|", names[net])
                    .isLessThanOrEqualTo(RELATIVE);
        }
    }

    private static float[][] train(String backendName, DdpgConfig config, Batch[] batches) {
        try (ComputeBackend backend = ComputeBackends.create(backendName)) {
            Ddpg agent = new Ddpg(config, 3, 1, backend, new SplittableRandom(2024));
            float[] initial = agent.actor().parametersToArray();
            for (int i = 0; i < 40; i++) {
                agent.update(batches[i % batches.length]);
            }
            assertThat(agent.actor().parametersToArray()).as("the actor moved").isNotEqualTo(initial);
            return new float[][] {agent.actor().parametersToArray(), agent.critic().parametersToArray()};
        }
    }
}
