package io.streamrl.schemas;

import io.streamrl.schemas.avro.PolicyEnvelope;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Rules a {@link PolicyEnvelope} must meet before its payload is handed to the engine. The
 * payload's integrity is not checked here: the payload is opaque to this module, and the
 * engine verifies the SHA-256 it ends with when it reads it. Whether the version is newer than
 * the one in use is the subscriber's call, not a property of one record.
 */
public final class PolicyEnvelopeValidator implements RecordValidator<PolicyEnvelope> {

    @Override
    public List<String> validate(PolicyEnvelope p) {
        Problems problems = new Problems();
        problems.requireText("name", p.getName());
        problems.requireAtLeast("version", p.getVersion(), 0);
        problems.requireText("algorithm", p.getAlgorithm());
        problems.requirePresent("created_at", p.getCreatedAt());
        List<Integer> layers = p.getLayerSizes();
        if (layers == null || layers.size() < 2) {
            problems.add("layer_sizes is " + layers + "; allowed: at least two sizes (input and output)");
        } else if (layers.stream().anyMatch(size -> size == null || size < 1)) {
            problems.add("layer_sizes is " + layers + "; allowed: every size >= 1");
        }
        ByteBuffer payload = p.getPayload();
        if (payload == null || !payload.hasRemaining()) {
            problems.add("payload is empty; allowed: the engine's snapshot bytes");
        }
        return problems.list();
    }
}
