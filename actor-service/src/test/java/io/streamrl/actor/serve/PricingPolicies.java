package io.streamrl.actor.serve;

import io.streamrl.actor.TestPolicies;
import io.streamrl.core.policy.PolicySnapshot;

/** Small deterministic Pricing-v0 policies: 4 inputs, one action (the price) in [1, 20]. */
final class PricingPolicies {

    static final String PRICING = "Pricing-v0";

    private PricingPolicies() {
    }

    /** A {@code 4-8-1} tanh policy whose weights are drawn from {@code version}. */
    static PolicySnapshot pricing(long version) {
        return TestPolicies.snapshot(PRICING, version, new int[] {4, 8, 1}, new double[] {1}, new double[] {20}, 0.5);
    }
}
