package io.streamrl.core.compute;

/**
 * The scalars of one Adam step (Kingma &amp; Ba 2015, Algorithm 1), in the form PyTorch's
 * {@code torch.optim.Adam} evaluates it, so that results can be compared with the reference:
 *
 * <pre>
 *   g  = grad + weightDecay * p                    (coupled L2, as torch's weight_decay)
 *   m  = beta1 * m + (1 - beta1) * g
 *   v  = beta2 * v + (1 - beta2) * g^2
 *   p -= stepSize * m / (sqrt(v) / sqrtBiasCorrection2 + epsilon)
 * </pre>
 *
 * with {@code stepSize = lr / (1 - beta1^t)} and {@code sqrtBiasCorrection2 = sqrt(1 - beta2^t)}.
 */
public record AdamStep(float beta1, float beta2, float epsilon, float weightDecay, float stepSize,
                       float sqrtBiasCorrection2) {

    /** The scalars for step {@code t} (1-based) of an optimizer with the given settings. */
    public static AdamStep of(double lr, double beta1, double beta2, double epsilon, double weightDecay, long t) {
        if (t < 1) {
            throw new IllegalArgumentException("Adam step count starts at 1, got " + t);
        }
        double biasCorrection1 = 1.0 - Math.pow(beta1, t);
        double biasCorrection2 = 1.0 - Math.pow(beta2, t);
        return new AdamStep((float) beta1, (float) beta2, (float) epsilon, (float) weightDecay,
                (float) (lr / biasCorrection1), (float) Math.sqrt(biasCorrection2));
    }
}
