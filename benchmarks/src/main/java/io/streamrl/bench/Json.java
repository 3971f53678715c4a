package io.streamrl.bench;

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
}
