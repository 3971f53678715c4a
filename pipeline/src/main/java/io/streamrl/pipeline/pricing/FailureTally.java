package io.streamrl.pipeline.pricing;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts by kind (with the first example of each), from any thread. */
final class FailureTally {

    private final ConcurrentMap<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, String> examples = new ConcurrentHashMap<>();

    void add(String kind, String example) {
        counts.computeIfAbsent(kind, k -> new LongAdder()).increment();
        if (example != null) {
            examples.putIfAbsent(kind, example);
        }
    }

    long total() {
        return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    Failures snapshot() {
        Map<String, Long> c = new TreeMap<>();
        counts.forEach((k, v) -> c.put(k, v.sum()));
        return new Failures(c, examples);
    }
}
