package io.streamrl.core.ope;

import java.util.Locale;
import java.util.Objects;

/**
 * Why a log cannot support an estimate, in words that say what to change.
 *
 * @param reason the kind of refusal
 * @param message one sentence with the counts involved and the option that would change the outcome
 */
public record Refusal(Reason reason, String message) {

    public enum Reason {
        /** No row carries a behaviour log-density. */
        NO_DENSITIES,
        /** Some rows carry none (and dropping them was not asked for). */
        MISSING_DENSITIES,
        /** Fewer usable rows than {@code min-rows}. */
        TOO_FEW_ROWS,
        /** Fewer independent units (episodes, actors) than {@code min-units}. */
        TOO_FEW_UNITS,
        /** The effective sample size of the weights is below {@code min-ess}. */
        LOW_ESS,
        /** The environment's states depend on the actions, so a per-decision value is not the policy's value. */
        STATE_DEPENDS_ON_ACTION;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Refusal {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
    }
}
