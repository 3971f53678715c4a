package io.streamrl.core.explore;

/**
 * A deterministic policy as exploration sees it: an observation in the environment's own units
 * in, an action in the normalised range [-1, 1] out (the caller clips). A policy snapshot's
 * {@code actNormalized} is one; so is a learner's actor network behind its observation
 * normaliser.
 */
@FunctionalInterface
public interface DeterministicPolicy {

    float[] act(float[] observation);
}
