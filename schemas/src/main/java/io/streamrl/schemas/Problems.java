package io.streamrl.schemas;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Collects validation problems, each naming the field and what is allowed. */
final class Problems {

    /** Created by the first problem: nearly every record has none, and a learner validates millions per second. */
    private List<String> found;

    void add(String problem) {
        if (found == null) {
            found = new ArrayList<>();
        }
        found.add(problem);
    }

    void requireText(String field, String value) {
        if (value == null) {
            add(field + " is missing; allowed: non-blank text");
        } else if (value.isBlank()) {
            add(field + " is blank; allowed: non-blank text");
        }
    }

    void requirePresent(String field, Instant value) {
        if (value == null) {
            add(field + " is missing; allowed: a timestamp");
        }
    }

    void requireAtLeast(String field, long value, long min) {
        if (value < min) {
            add(field + " is " + value + "; allowed: >= " + min);
        }
    }

    void requireFinite(String field, double value) {
        if (!Double.isFinite(value)) {
            add(field + " is " + value + "; allowed: a finite number");
        }
    }

    /**
     * Requires finite floats, non-empty unless {@code mayBeEmpty}. Returns the length, or -1
     * when the array is missing, so callers can compare lengths only when both exist.
     */
    int requireFiniteVector(String field, float[] values, boolean mayBeEmpty) {
        if (values == null) {
            add(field + " is missing; allowed: a list of finite numbers");
            return -1;
        }
        if (values.length == 0 && !mayBeEmpty) {
            add(field + " is empty; allowed: at least one finite number");
        }
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                add(field + "[" + i + "] is " + values[i] + "; allowed: a finite number");
                // One bad element is enough to reject; listing a thousand NaNs helps no one.
                break;
            }
        }
        return values.length;
    }

    /**
     * As {@link #requireFiniteVector} for the {@code List<Float>} or {@code List<Double>} of a
     * generated record, without copying it; a null entry is reported as missing.
     */
    int requireFiniteNumbers(String field, List<? extends Number> values, boolean mayBeEmpty) {
        if (values == null) {
            add(field + " is missing; allowed: a list of finite numbers");
            return -1;
        }
        if (values.isEmpty() && !mayBeEmpty) {
            add(field + " is empty; allowed: at least one finite number");
        }
        for (int i = 0; i < values.size(); i++) {
            Number value = values.get(i);
            if (value == null) {
                add(field + "[" + i + "] is missing; allowed: a finite number");
                break;
            }
            if (!Double.isFinite(value.doubleValue())) {
                add(field + "[" + i + "] is " + value + "; allowed: a finite number");
                break;
            }
        }
        return values.size();
    }

    List<String> list() {
        return found == null ? List.of() : List.copyOf(found);
    }
}
