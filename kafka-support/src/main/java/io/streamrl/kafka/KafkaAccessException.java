package io.streamrl.kafka;

/**
 * Kafka refused this client: its credentials or TLS settings (authentication), or what its user
 * may do (authorization). Not retriable, unlike {@link BrokerUnavailableException}: the same
 * settings fail the same way, so the fix is in {@code --kafka-config} or the cluster's ACLs. The
 * message names the file and never holds a secret.
 */
public final class KafkaAccessException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public KafkaAccessException(String message, Throwable cause) {
        super(message, cause);
    }
}
