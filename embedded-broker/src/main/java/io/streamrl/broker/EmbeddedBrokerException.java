package io.streamrl.broker;

/**
 * The embedded broker could not start or could not carry out an admin request. The message says
 * what went wrong and what to do about it, so a command line can print it as it is.
 */
public final class EmbeddedBrokerException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public EmbeddedBrokerException(String message) {
        super(message);
    }

    public EmbeddedBrokerException(String message, Throwable cause) {
        super(message, cause);
    }
}
