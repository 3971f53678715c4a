package io.streamrl.kafka;

import io.streamrl.core.policy.InvalidSnapshotException;
import io.streamrl.core.policy.PolicySnapshot;
import io.streamrl.schemas.PayloadChecksum;
import io.streamrl.schemas.PolicyEnvelopeValidator;
import io.streamrl.schemas.RecordValidationException;
import io.streamrl.schemas.avro.PolicyEnvelope;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Wraps the engine's {@link PolicySnapshot} into the Avro envelope of the policy topic and
 * back. Opening an envelope checks both layers: the envelope's SHA-256 over the payload, then
 * the engine's own checksum and shapes, then that the envelope's name, version and layers
 * describe the payload they carry.
 */
public final class PolicyEnvelopes {

    private static final PolicyEnvelopeValidator VALIDATOR = new PolicyEnvelopeValidator();

    private PolicyEnvelopes() {
    }

    public static PolicyEnvelope seal(PolicySnapshot snapshot) {
        byte[] payload = snapshot.toBytes();
        return PolicyEnvelope.newBuilder()
                .setName(snapshot.name())
                .setVersion(snapshot.version())
                .setAlgorithm(snapshot.algorithm())
                .setCreatedAt(Instant.ofEpochMilli(snapshot.createdAtMillis()))
                .setChecksum(PayloadChecksum.sha256Hex(payload))
                .setLayerSizes(Arrays.stream(snapshot.layerSizes()).boxed().toList())
                .setPayload(ByteBuffer.wrap(payload))
                .build();
    }

    /**
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
        if (!snapshot.name().equals(envelope.getName()) || snapshot.version() != envelope.getVersion()
                || !layers.equals(envelope.getLayerSizes())) {
            throw new InvalidSnapshotException("policy envelope " + envelope.getName() + " v" + envelope.getVersion()
                    + " " + envelope.getLayerSizes() + " does not describe its payload " + snapshot.name() + " v"
                    + snapshot.version() + " " + layers);
        }
        return snapshot;
    }
}
