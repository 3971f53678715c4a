package io.streamrl.actor.serve;

import java.util.Arrays;
import java.util.Objects;

/**
 * The guardrail settings of one control loop, as the control topic holds them; every serve
 * instance obeys the newest revision it has read.
 *
 * @param revision revision on the control topic; -1 for the built-in defaults
 * @param actionLow lowest action per entry (environment units), or null for the environment's bound
 * @param actionHigh highest action per entry, or null for the environment's bound
 * @param maxChange largest change of any action entry from the entity's previous answered
 *     action (on this instance), or null for none
 * @param holdoutShare share of entities, chosen by a stable hash, that the fallback always answers
 * @param shadow the fallback answers every decision; the learned action is only logged
 * @param pinnedVersion answer with this policy version instead of the newest, or null
 * @param killSwitch the fallback answers everything at once
 * @param fallbackAction the fallback's fixed action, or null for the one serve was started with
 */
public record Guardrails(long revision, double[] actionLow, double[] actionHigh, Double maxChange,
                         double holdoutShare, boolean shadow, Long pinnedVersion, boolean killSwitch,
                         double[] fallbackAction) {

    /** No guardrails beyond the environment's bounds. */
    public static final Guardrails NONE = new Guardrails(-1, null, null, null, 0, false, null, false, null);

    public Guardrails {
        actionLow = actionLow == null ? null : actionLow.clone();
        actionHigh = actionHigh == null ? null : actionHigh.clone();
        fallbackAction = fallbackAction == null ? null : fallbackAction.clone();
        if (!(holdoutShare >= 0 && holdoutShare <= 1)) {
            throw new IllegalArgumentException("holdout-share must be in [0, 1], got " + holdoutShare);
        }
        if (maxChange != null && !(maxChange > 0 && Double.isFinite(maxChange))) {
            throw new IllegalArgumentException("max-change must be a positive number, got " + maxChange);
        }
    }

    @Override
    public double[] actionLow() {
        return actionLow == null ? null : actionLow.clone();
    }

    @Override
    public double[] actionHigh() {
        return actionHigh == null ? null : actionHigh.clone();
    }

    @Override
    public double[] fallbackAction() {
        return fallbackAction == null ? null : fallbackAction.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Guardrails g && revision == g.revision && Arrays.equals(actionLow, g.actionLow)
                && Arrays.equals(actionHigh, g.actionHigh) && Objects.equals(maxChange, g.maxChange)
                && Double.compare(holdoutShare, g.holdoutShare) == 0 && shadow == g.shadow
                && Objects.equals(pinnedVersion, g.pinnedVersion) && killSwitch == g.killSwitch
                && Arrays.equals(fallbackAction, g.fallbackAction);
    }

    @Override
    public int hashCode() {
        return Objects.hash(revision, Arrays.hashCode(actionLow), Arrays.hashCode(actionHigh), maxChange,
                holdoutShare, shadow, pinnedVersion, killSwitch, Arrays.hashCode(fallbackAction));
    }

    @Override
    public String toString() {
        return "revision=" + revision + " action-low=" + Arrays.toString(actionLow) + " action-high="
                + Arrays.toString(actionHigh) + " max-change=" + maxChange + " holdout-share=" + holdoutShare
                + " shadow=" + shadow + " pinned-version=" + pinnedVersion + " kill-switch=" + killSwitch
                + " fallback-action=" + Arrays.toString(fallbackAction);
    }
}
