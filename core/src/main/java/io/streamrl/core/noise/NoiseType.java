package io.streamrl.core.noise;

/** Exploration noise process for continuous actions. */
public enum NoiseType {
    /** Independent Gaussian noise per step. */
    GAUSSIAN,
    /** Ornstein–Uhlenbeck noise, correlated in time (DDPG's original choice). */
    OU
}
