package io.streamrl.schemas;

import io.streamrl.schemas.avro.Control;
import java.util.List;

/**
 * Rules a {@link Control} must meet before serve instances apply it: every number finite, bounds
 * of one length with low not above high, a fallback action that the bounds would not change.
 * Whether the bounds lie within the environment's own, and whether the revision is newer than
 * the one in force, is the serve instance's call: neither is a property of one record.
 */
public final class ControlValidator implements RecordValidator<Control> {

    @Override
    public List<String> validate(Control c) {
        Problems problems = new Problems();
        problems.requireText("loop", c.getLoop());
        problems.requireAtLeast("revision", c.getRevision(), 0);
        List<Double> low = c.getActionLow();
        List<Double> high = c.getActionHigh();
        int lowLength = low == null ? -1 : problems.requireFiniteNumbers("action_low", low, false);
        int highLength = high == null ? -1 : problems.requireFiniteNumbers("action_high", high, false);
        if (lowLength > 0 && highLength > 0) {
            if (lowLength != highLength) {
                problems.add("action_high has " + highLength + " values but action_low has " + lowLength
                        + "; allowed: the same length");
            } else {
                requireOrdered(problems, low, high);
            }
        }
        Double maxChange = c.getMaxChange();
        if (maxChange != null && !(Double.isFinite(maxChange) && maxChange > 0)) {
            problems.add("max_change is " + maxChange + "; allowed: a finite number > 0, or null for no limit");
        }
        double holdoutShare = c.getHoldoutShare();
        // Written so that NaN fails too.
        if (!(holdoutShare >= 0 && holdoutShare <= 1)) {
            problems.add("holdout_share is " + holdoutShare + "; allowed: 0 to 1");
        }
        Long pinnedVersion = c.getPinnedVersion();
        if (pinnedVersion != null) {
            problems.requireAtLeast("pinned_version", pinnedVersion, 0);
        }
        List<Double> fallback = c.getFallbackAction();
        if (fallback != null) {
            int length = problems.requireFiniteNumbers("fallback_action", fallback, false);
            requireWithinBounds(problems, fallback, length, low, lowLength, high, highLength);
        }
        if (c.getUpdatedBy() == null) {
            problems.add("updated_by is missing; allowed: text, empty when unknown");
        }
        problems.requirePresent("event_time", c.getEventTime());
        return problems.list();
    }

    /** Reports the first entry whose low bound is above its high bound. */
    private static void requireOrdered(Problems problems, List<Double> low, List<Double> high) {
        for (int i = 0; i < low.size(); i++) {
            if (isAbove(low.get(i), high.get(i))) {
                problems.add("action_low[" + i + "] is " + low.get(i) + " but action_high[" + i + "] is "
                        + high.get(i) + "; allowed: action_low <= action_high");
                return;
            }
        }
    }

    /**
     * A fallback outside the bounds would be clipped on every request, so the action answered would
     * not be the one the operator set; report that instead. Checked against each bound that is set
     * and of the fallback's length (a length mismatch is reported once, per bound).
     */
    private static void requireWithinBounds(Problems problems, List<Double> fallback, int length,
                                            List<Double> low, int lowLength, List<Double> high, int highLength) {
        if (length <= 0) {
            return;
        }
        if (lowLength > 0 && lowLength != length) {
            problems.add("fallback_action has " + length + " values but action_low has " + lowLength
                    + "; allowed: the same length");
            return;
        }
        if (highLength > 0 && highLength != length) {
            problems.add("fallback_action has " + length + " values but action_high has " + highLength
                    + "; allowed: the same length");
            return;
        }
        for (int i = 0; i < length; i++) {
            Double value = fallback.get(i);
            if (lowLength > 0 && isAbove(low.get(i), value)) {
                problems.add("fallback_action[" + i + "] is " + value + ", below action_low[" + i + "] "
                        + low.get(i) + "; allowed: within action_low and action_high");
                return;
            }
            if (highLength > 0 && isAbove(value, high.get(i))) {
                problems.add("fallback_action[" + i + "] is " + value + ", above action_high[" + i + "] "
                        + high.get(i) + "; allowed: within action_low and action_high");
                return;
            }
        }
    }

    /** {@code a > b} when both are present; missing or NaN entries are reported elsewhere. */
    private static boolean isAbove(Double a, Double b) {
        return a != null && b != null && a > b;
    }
}
