package io.streamrl.core.nn;

import io.streamrl.core.compute.ComputeBackend;
import io.streamrl.core.compute.Matrix;
import io.streamrl.core.compute.RmsPropStep;
import java.util.ArrayList;
import java.util.List;

/**
 * RMSprop as PyTorch's {@code torch.optim.RMSprop} defines it (no momentum, not centred, no
 * weight decay; epsilon outside the square root, see {@link RmsPropStep}), over any set of
 * parameters on one backend, with the global gradient-norm clipping of
 * {@code torch.nn.utils.clip_grad_norm_} in front of it.
 *
 * <p>Unlike {@link Adam}, which trains one network, one RMSprop instance here trains every
 * parameter of an agent together (A2C's policy, value function and log-std), because the
 * clipping is over the norm of all their gradients at once, as Stable-Baselines3 clips.
 */
public final class RmsProp {

    /** {@code clip_grad_norm_} divides by {@code norm + 1e-6}, so a zero gradient does not divide by zero. */
    private static final double CLIP_EPSILON = 1e-6;

    private final String name;
    private final ComputeBackend backend;
    private final double lr;
    private final double alpha;
    private final double epsilon;
    private final List<Matrix> params;
    private final List<Matrix> grads;
    private final Matrix[] squareAverages;
    private long steps;

    /**
     * @param name what the optimizer trains, used in error messages
     * @param params the parameters, each on {@code backend}
     * @param grads their gradients, in the same order and shapes; read at each {@link #step}
     */
    public RmsProp(String name, ComputeBackend backend, List<Matrix> params, List<Matrix> grads, double lr,
                   double alpha, double epsilon) {
        if (params.size() != grads.size()) {
            throw new IllegalArgumentException(params.size() + " parameters but " + grads.size() + " gradients");
        }
        for (int i = 0; i < params.size(); i++) {
            Matrix p = params.get(i);
            Matrix g = grads.get(i);
            if (p.rows() != g.rows() || p.cols() != g.cols()) {
                throw new IllegalArgumentException("parameter " + i + " is " + p.rows() + "x" + p.cols()
                        + " but its gradient " + g.rows() + "x" + g.cols());
            }
        }
        RmsPropStep.of(lr, alpha, epsilon, 1.0); // validates the settings once, up front
        this.name = name;
        this.backend = backend;
        this.lr = lr;
        this.alpha = alpha;
        this.epsilon = epsilon;
        this.params = List.copyOf(params);
        this.grads = List.copyOf(grads);
        this.squareAverages = new Matrix[params.size()];
        for (int i = 0; i < params.size(); i++) {
            squareAverages[i] = backend.allocate(params.get(i).rows(), params.get(i).cols());
        }
    }

    /** The parameters and gradients of several networks, in network order, then the extra ones. */
    public static RmsProp over(String name, List<Mlp> networks, List<Matrix> extraParams, List<Matrix> extraGrads,
                               double lr, double alpha, double epsilon) {
        if (networks.isEmpty()) {
            throw new IllegalArgumentException("RMSprop needs at least one network");
        }
        List<Matrix> p = new ArrayList<>();
        List<Matrix> g = new ArrayList<>();
        for (Mlp network : networks) {
            p.addAll(network.parameters());
            g.addAll(network.gradients());
        }
        p.addAll(extraParams);
        g.addAll(extraGrads);
        return new RmsProp(name, networks.get(0).backend(), p, g, lr, alpha, epsilon);
    }

    /**
     * Clips the gradients to a global L2 norm of at most {@code maxGradNorm} (scale
     * {@code min(1, maxGradNorm / (norm + 1e-6))}, as {@code clip_grad_norm_}) and applies one
     * step, unless a gradient entry is NaN or infinite: then nothing changes and
     * {@link NonFiniteUpdateException} says where.
     *
     * @param maxGradNorm the largest global norm; {@code Double.POSITIVE_INFINITY} does not clip
     * @return the global L2 norm of the gradient before clipping
     */
    public double step(double maxGradNorm) {
        if (!(maxGradNorm > 0)) {
            throw new IllegalArgumentException("max-grad-norm must be > 0, got " + maxGradNorm);
        }
        double squares = 0;
        for (int i = 0; i < grads.size(); i++) {
            double s = backend.sumOfSquares(grads.get(i));
            if (!Double.isFinite(s)) {
                throw new NonFiniteUpdateException(NonFiniteUpdateException.Quantity.GRADIENT, name
                        + " update refused: the gradient of parameter " + i + " is not finite; parameters are"
                        + " unchanged (check the rollout for NaN or infinite values, or lower the learning rate)");
            }
            squares += s;
        }
        double norm = Math.sqrt(squares);
        double scale = Math.min(1.0, maxGradNorm / (norm + CLIP_EPSILON));
        RmsPropStep s = RmsPropStep.of(lr, alpha, epsilon, scale);
        for (int i = 0; i < params.size(); i++) {
            backend.rmsprop(params.get(i), grads.get(i), squareAverages[i], s);
        }
        steps++;
        return norm;
    }

    /** Steps taken so far. */
    public long steps() {
        return steps;
    }

    /** The running averages of squared gradients in parameter order, for checkpoints. */
    public List<Matrix> state() {
        return List.of(squareAverages);
    }
}
