package io.streamrl.pipeline.pricing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Failed requests of one kind of call, by kind: the HTTP status ({@code "503"}),
 * {@code timeout}, {@code connect}, {@code io}, {@code bad_response} (a 2xx decision without a
 * decision id or a one-number action) or {@code client} (refused by the client before it left).
 *
 * @param counts failures per kind, sorted by kind
 * @param examples the first response body or message seen per kind
 */
public record Failures(Map<String, Long> counts, Map<String, String> examples) {

    public static final Failures NONE = new Failures(Map.of(), Map.of());

    public Failures {
        counts = Map.copyOf(counts);
        examples = Map.copyOf(examples);
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            if (e.getValue() < 0) {
                throw new IllegalArgumentException("counts must be >= 0, got " + e);
            }
        }
    }

    @Override
    public Map<String, Long> counts() {
        return new TreeMap<>(counts);
    }

    public long total() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** {@code "503 x12 (no policy yet), timeout x1 (...)"}, or {@code "none"}. */
    public String describe() {
        if (counts.isEmpty()) {
            return "none";
        }
        List<String> parts = new ArrayList<>();
        new TreeMap<>(counts).forEach((kind, n) -> {
            String example = examples.get(kind);
            parts.add(String.format(Locale.ROOT, "%s x%,d", kind, n) + (example == null ? "" : " (" + example + ")"));
        });
        return String.join(", ", parts);
    }
}
