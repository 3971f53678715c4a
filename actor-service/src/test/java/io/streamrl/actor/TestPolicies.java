package io.streamrl.actor;

import io.streamrl.core.compute.Activation;
import io.streamrl.core.policy.ObservationNormalizer;
import io.streamrl.core.policy.PolicySnapshot;
import java.util.SplittableRandom;

/** Small deterministic policies for Pendulum-v1 (3 observations, 1 action in [-2, 2]). */
public final class TestPolicies {

    public static final String PENDULUM = "Pendulum-v1";

    private TestPolicies() {
    }

    /** A {@code 3-8-1} tanh policy whose weights are drawn from {@code version} (so versions act differently). */
    public static PolicySnapshot pendulum(String name, long version) {
        return snapshot(name, version, new int[] {3, 8, 1}, new double[] {-2}, new double[] {2}, 0.5);
    }

    /** As {@link #pendulum}, with weights so small that the policy's action stays near 0 (no clipping of noise). */
    public static PolicySnapshot quietPendulum(String name, long version) {
        return snapshot(name, version, new int[] {3, 8, 1}, new double[] {-2}, new double[] {2}, 0.01);
    }

    public static PolicySnapshot snapshot(String name, long version, int[] sizes, double[] low, double[] high,
                                   double weightScale) {
        int count = 0;
        for (int l = 1; l < sizes.length; l++) {
            count += sizes[l - 1] * sizes[l] + sizes[l];
        }
        SplittableRandom random = new SplittableRandom(version * 7919 + 17);
        float[] weights = new float[count];
        for (int i = 0; i < count; i++) {
            weights[i] = (float) (weightScale * random.nextGaussian());
        }
        return PolicySnapshot.create(name, "ddpg", version, 1_700_000_000_000L + version, sizes, Activation.TANH,
                Activation.TANH, ObservationNormalizer.identity(sizes[0]), low, high, weights);
    }
}
