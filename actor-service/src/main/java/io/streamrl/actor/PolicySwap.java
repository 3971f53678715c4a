package io.streamrl.actor;

import io.streamrl.core.policy.PolicySnapshot;
import java.time.Instant;

/**
 * One accepted policy, with the times a benchmark needs for publish-to-swap latency.
 *
 * @param snapshot the policy now held
 * @param createdAt when the learner made it (the envelope's {@code created_at}, learner clock)
 * @param recordTimestamp the Kafka record's timestamp (producer or broker clock, per topic config)
 * @param acceptedAt when this subscriber accepted it, from the subscriber's clock
 * @param acceptedAtNanos {@link System#nanoTime()} at acceptance, for same-JVM latency
 */
public record PolicySwap(PolicySnapshot snapshot, Instant createdAt, Instant recordTimestamp, Instant acceptedAt,
                         long acceptedAtNanos) {
}
