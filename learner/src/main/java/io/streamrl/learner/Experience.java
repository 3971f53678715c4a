package io.streamrl.learner;

/**
 * One transition as the replay buffer stores it: observations normalised, the action mapped into
 * [-1, 1], and {@code terminal} set only for a true terminal state (a time-limit truncation
 * still bootstraps). The arrays are owned by this record; nobody writes to them after it is made.
 */
record Experience(float[] observation, float[] action, double reward, float[] nextObservation, boolean terminal) {
}
