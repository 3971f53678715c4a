package io.streamrl.core.compute;

/**
 * The scalars of one RMSprop step (Tieleman &amp; Hinton 2012) in the form PyTorch's
 * {@code torch.optim.RMSprop} evaluates it (no momentum, not centred, no weight decay), with
 * the gradient scaled first as {@code torch.nn.utils.clip_grad_norm_} scales it in place:
 *
 * <pre>
 *   g  = gradScale * grad
 *   v  = alpha * v + (1 - alpha) * g^2
 *   p -= lr * g / (sqrt(v) + epsilon)
 * </pre>
 *
 * Epsilon is added outside the square root, as PyTorch does (TensorFlow adds it inside);
 * Stable-Baselines3's A2C passes {@code eps=1e-5} for that reason.
 */
public record RmsPropStep(float lr, float alpha, float epsilon, float gradScale) {

    public RmsPropStep {
        if (!(lr > 0) || !(alpha >= 0 && alpha < 1) || !(epsilon > 0) || !(gradScale >= 0 && gradScale <= 1)) {
            throw new IllegalArgumentException("RMSprop needs lr > 0, alpha in [0, 1), epsilon > 0 and a gradient"
                    + " scale in [0, 1]; got " + lr + ", " + alpha + ", " + epsilon + ", " + gradScale);
        }
    }

    /** The step for {@code torch.optim.RMSprop(lr, alpha, eps)} after clipping to a scale of {@code gradScale}. */
    public static RmsPropStep of(double lr, double alpha, double epsilon, double gradScale) {
        return new RmsPropStep((float) lr, (float) alpha, (float) epsilon, (float) gradScale);
    }
}
