package io.streamrl.learner;

/**
 * Thrown by {@link KafkaPolicyPublisher#publish} when another learner for the same namespace and
 * policy has taken over the policy's transactional id: this learner must stop publishing, and
 * stops training ({@link LearnerResult.Outcome#FENCED}).
 */
final class PolicyFencedException extends RuntimeException {

    PolicyFencedException(String message, Throwable cause) {
        super(message, cause);
    }
}
