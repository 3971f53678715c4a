package io.streamrl.bench;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/** Number formatting of the result lines. */
public final class Json {

    private Json() {
    }

    /** {@code value} to {@code decimals} places; null (JSON null) for NaN and infinities, which JSON lacks. */
    public static Double round(double value, int decimals) {
        if (!Double.isFinite(value)) {
            return null;
        }
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    /**
     * {@code value} to {@code digits} significant digits, or null when not finite: for rates that
     * span orders of magnitude (a tiny network's product rate is a few MFLOP/s, where a fixed
     * number of decimals would print 0).
     */
    public static Double significant(double value, int digits) {
        if (!Double.isFinite(value)) {
            return null;
        }
        return new BigDecimal(value).round(new MathContext(digits, RoundingMode.HALF_EVEN)).doubleValue();
    }
}
