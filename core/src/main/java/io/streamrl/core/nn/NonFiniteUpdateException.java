package io.streamrl.core.nn;

/**
 * An update was refused because a gradient (or a loss) was NaN or infinite; the parameters are
 * unchanged. Usually the data is bad (a NaN reward that slipped past validation) or the
 * learning rate is far too high.
 */
public final class NonFiniteUpdateException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** What was found not finite. */
    public enum Quantity { LOSS, GRADIENT }

    private final Quantity quantity;

    public NonFiniteUpdateException(Quantity quantity, String message) {
        super(message);
        this.quantity = quantity;
    }

    public Quantity quantity() {
        return quantity;
    }
}
