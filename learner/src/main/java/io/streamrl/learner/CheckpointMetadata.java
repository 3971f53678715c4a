package io.streamrl.learner;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a learner checkpoint says besides the networks and optimizer state: who wrote it, for
 * which networks, and the training loop's counters at that moment.
 *
 * @param env Gymnasium id of the environment the learner trains for
 * @param algorithm {@code ddpg} or {@code td3}
 * @param layout the agent's network shapes ({@code Ddpg.layout()}); a checkpoint fits an agent
 *     with the same layout only
 * @param namespace topic namespace of the learner that wrote it
 * @param policyName policy it publishes
 * @param updates gradient updates taken (the agent's count, which {@code learner_updates_total}
 *     continues from)
 * @param attempted updates attempted, refused ones included: what the replay ratio limits
 * @param forfeited update credit that lapsed with overwritten transitions
 * @param credited transitions that earned update credit (each transition once, however often it is
 *     re-read to refill the buffer)
 * @param bestEval best mean evaluation return so far; negative infinity before the first
 * @param withholding whether publishing was held back because the last evaluation collapsed
 * @param lastPublishedVersion newest policy version committed; -1 before the first
 * @param rngSeed seed the replay sampling and target-noise generators were reseeded from when
 *     this checkpoint was written
 * @param offsets for each partition of the transitions topic, the offset of the first record the
 *     buffer did not yet hold
 * @param writtenAtMillis wall-clock time of writing
 */
public record CheckpointMetadata(String env, String algorithm, String layout, String namespace, String policyName,
                                 long updates, long attempted, long forfeited, long credited, double bestEval,
                                 boolean withholding, long lastPublishedVersion, long rngSeed,
                                 Map<Integer, Long> offsets, long writtenAtMillis) {

    public CheckpointMetadata {
        offsets = Map.copyOf(new TreeMap<>(offsets));
        if (updates < 0 || attempted < 0 || forfeited < 0 || credited < 0) {
            throw new IllegalArgumentException("counters must be >= 0: updates " + updates + ", attempted "
                    + attempted + ", forfeited " + forfeited + ", credited " + credited);
        }
        for (Map.Entry<Integer, Long> e : offsets.entrySet()) {
            if (e.getKey() < 0 || e.getValue() < 0) {
                throw new IllegalArgumentException("offset " + e.getValue() + " of partition " + e.getKey()
                        + " is negative");
            }
        }
    }
}
