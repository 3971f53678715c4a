package io.streamrl.producer;

import java.io.IOException;

/**
 * A file that cannot be read as transitions at all, or not beyond some point: a header without
 * a required column, a truncated or corrupt Avro file, a quote that never closes. The message
 * names the file and where it broke.
 */
public final class BadFileException extends IOException {

    private static final long serialVersionUID = 1L;

    public BadFileException(String message) {
        super(message);
    }

    public BadFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
