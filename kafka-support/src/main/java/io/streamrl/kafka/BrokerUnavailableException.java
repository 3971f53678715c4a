package io.streamrl.kafka;

/**
 * Kafka could not be reached within the start-up timeout. Retriable: nothing is wrong with the
 * service's own state, so starting again once the broker is up is the fix.
 */
public final class BrokerUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BrokerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
