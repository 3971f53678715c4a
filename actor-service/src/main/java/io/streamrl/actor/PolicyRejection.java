package io.streamrl.actor;

/**
 * A policy record for this actor's policy name that was not accepted.
 *
 * @param version the version the record claims, or -1 when it could not be decoded
 * @param reason why it was refused, e.g. a checksum mismatch or a version not newer than the held one
 * @param partition partition of the policy topic it was read from
 * @param offset its offset there
 */
public record PolicyRejection(long version, String reason, int partition, long offset) {
}
