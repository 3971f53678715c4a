package io.streamrl.core.ope;

import java.util.Arrays;
import java.util.Locale;

/**
 * What the confidence intervals treat as independent. Rows of one episode share their states
 * (Pricing-v0's competitor price drifts for a year), so treating them as independent draws gives
 * intervals far too narrow; the intervals are cluster-robust over the unit chosen here.
 */
public enum IntervalUnit {
    /** Every row on its own: right only when each row's state was drawn independently. */
    ROW,
    /** The rows of one episode of one actor (a transition's {@code actor_id} and {@code episode}). */
    EPISODE,
    /**
     * All rows of one actor id: for logs whose episodes are single decisions but whose entities
     * carry their state from one decision to the next (the reward join's {@code --bandit} mode
     * keys transitions by entity and starts an episode per decision).
     */
    ACTOR;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The unit an option value names, any case. */
    public static IntervalUnit named(String option, String value) {
        for (IntervalUnit u : values()) {
            if (u.label().equalsIgnoreCase(value == null ? "" : value.strip())) {
                return u;
            }
        }
        throw new IllegalArgumentException(option + " must be one of "
                + Arrays.toString(Arrays.stream(values()).map(IntervalUnit::label).toArray()) + ", got '" + value + "'");
    }
}
