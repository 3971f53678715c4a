package io.streamrl.kafka;

import io.streamrl.core.policy.InvalidSnapshotException;
import io.streamrl.core.policy.PolicySnapshot;
import io.streamrl.schemas.PolicyEnvelopeValidator;
import io.streamrl.schemas.RecordValidationException;
import io.streamrl.schemas.avro.PolicyEnvelope;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Wraps the engine's {@link PolicySnapshot} into the {@link PolicyEnvelope} of the policy topic
 * and back.
 *
 * <p><b>Policy envelope and checksum.</b> One checksum protects a policy: the SHA-256 the
 * engine writes at the end of a snapshot's binary form, over every byte before it ({@link
 * PolicySnapshot#checksumHex()}). The envelope carries that binary form as its payload, next to
 * copies of what a consumer needs without parsing the payload: name, version, algorithm,
 * creation time and layer sizes. {@link #open} checks the envelope's fields, then has {@link
 * PolicySnapshot#fromBytes} verify the payload's SHA-256 before it parses anything, then
 * requires every copy in the envelope to equal the payload's own value. A payload with any byte
 * changed, cut or added is refused, and so is an envelope that misdescribes its payload; Kafka's
 * CRC-32C of each record batch covers all of it in transit besides.
 *
 * <p>Version 1 of the envelope (then named {@code PolicySnapshot}) carried a second SHA-256,
 * over the whole payload. It was dropped because it detected exactly what the engine's own
 * checksum detects (the payload ends with that checksum, so any change to the payload fails
 * one as surely as the other) while costing a second pass over up to 8 MiB on the learner and on
 * every actor. A version 1 envelope is still read; its payload is verified as above. Neither
 * checksum is keyed: they catch corruption, not forgery, which only access control on the
 * policy topic prevents.
 */
public final class PolicyEnvelopes {

    private static final PolicyEnvelopeValidator VALIDATOR = new PolicyEnvelopeValidator();

    private PolicyEnvelopes() {
    }

    public static PolicyEnvelope seal(PolicySnapshot snapshot) {
        return PolicyEnvelope.newBuilder()
                .setName(snapshot.name())
                .setVersion(snapshot.version())
                .setAlgorithm(snapshot.algorithm())
                .setCreatedAt(Instant.ofEpochMilli(snapshot.createdAtMillis()))
                .setLayerSizes(Arrays.stream(snapshot.layerSizes()).boxed().toList())
                .setPayload(ByteBuffer.wrap(snapshot.toBytes()))
                .build();
    }

    /**
     * The snapshot in the envelope, once its checksum and shapes pass and the envelope describes it.
     *
     * @throws InvalidSnapshotException saying which check failed
     */
    public static PolicySnapshot open(PolicyEnvelope envelope) {
        try {
            VALIDATOR.requireValid(envelope);
        } catch (RecordValidationException e) {
            throw new InvalidSnapshotException("policy envelope rejected: " + e.getMessage(), e);
        }
        ByteBuffer buffer = envelope.getPayload().duplicate();
        byte[] payload = new byte[buffer.remaining()];
        buffer.get(payload);
        PolicySnapshot snapshot = PolicySnapshot.fromBytes(payload);
        List<Integer> layers = Arrays.stream(snapshot.layerSizes()).boxed().toList();
        Instant createdAt = Instant.ofEpochMilli(snapshot.createdAtMillis());
        if (!snapshot.name().equals(envelope.getName()) || snapshot.version() != envelope.getVersion()
                || !snapshot.algorithm().equals(envelope.getAlgorithm()) || !createdAt.equals(envelope.getCreatedAt())
                || !layers.equals(envelope.getLayerSizes())) {
            throw new InvalidSnapshotException("policy envelope " + describe(envelope.getName(), envelope.getVersion(),
                    envelope.getAlgorithm(), envelope.getCreatedAt(), envelope.getLayerSizes())
                    + " does not describe its payload " + describe(snapshot.name(), snapshot.version(),
                    snapshot.algorithm(), createdAt, layers));
        }
        return snapshot;
    }

    private static String describe(String name, long version, String algorithm, Instant createdAt,
                                   List<Integer> layers) {
        return name + " v" + version + " " + algorithm + " made " + createdAt + " " + layers;
    }
}
