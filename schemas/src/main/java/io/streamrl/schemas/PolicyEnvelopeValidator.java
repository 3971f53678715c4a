package io.streamrl.schemas;

import io.streamrl.schemas.avro.PolicyEnvelope;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Rules a {@link PolicyEnvelope} envelope must meet before its payload is handed to the
 * engine, including that the checksum matches the payload bytes. Whether the version is newer
 * than the one in use is the subscriber's call, not a property of one record.
 */
public final class PolicyEnvelopeValidator implements RecordValidator<PolicyEnvelope> {

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

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
        String checksum = p.getChecksum();
        if (payload == null || !payload.hasRemaining()) {
            problems.add("payload is empty; allowed: the engine's snapshot bytes");
        }
        if (checksum == null || !SHA256_HEX.matcher(checksum).matches()) {
            problems.add("checksum is '" + checksum + "'; allowed: SHA-256 as 64 lowercase hex digits");
        } else if (payload != null && !checksum.equals(PayloadChecksum.sha256Hex(payload))) {
            problems.add("checksum " + checksum + " does not match the payload's SHA-256 "
                    + PayloadChecksum.sha256Hex(payload) + "; the payload is corrupt or the checksum was made"
                    + " over other bytes");
        }
        return problems.list();
    }
}
