package io.streamrl.core.policy;

/** A policy snapshot could not be accepted: corrupt bytes, bad checksum or inconsistent shapes. */
public final class InvalidSnapshotException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidSnapshotException(String message) {
        super(message);
    }

    public InvalidSnapshotException(String message, Throwable cause) {
        super(message, cause);
    }
}
