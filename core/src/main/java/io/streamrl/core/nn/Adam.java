package io.streamrl.core.nn;

import io.streamrl.core.compute.AdamStep;
import io.streamrl.core.compute.ComputeBackend;
import io.streamrl.core.compute.Matrix;
import java.util.List;

/**
 * Adam (Kingma &amp; Ba 2015, Algorithm 1) over the parameters of one {@link Mlp}, with
 * PyTorch's evaluation order and optional coupled L2 weight decay (see {@link AdamStep}).
 * The moment estimates live on the network's backend next to the parameters.
 */
public final class Adam {

    private final String name;
    private final ComputeBackend backend;
    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final List<Matrix> params;
    private final List<Matrix> grads;
    private final Matrix[] firstMoments;
    private final Matrix[] secondMoments;
    private long steps;

    /**
     * @param name what the optimizer trains ("critic", "actor"), used in error messages
     */
    public Adam(String name, Mlp network, double lr, double beta1, double beta2, double epsilon, double weightDecay) {
        this.name = name;
        this.backend = network.backend();
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        this.params = network.parameters();
        this.grads = network.gradients();
        this.firstMoments = new Matrix[params.size()];
        this.secondMoments = new Matrix[params.size()];
        for (int i = 0; i < params.size(); i++) {
            firstMoments[i] = backend.allocate(params.get(i).rows(), params.get(i).cols());
            secondMoments[i] = backend.allocate(params.get(i).rows(), params.get(i).cols());
        }
    }

    /**
     * Applies one step with the network's current gradients, unless any gradient entry is NaN
     * or infinite: then nothing changes and {@link NonFiniteUpdateException} says where.
     *
     * @return the global L2 norm of the gradient that was applied
     */
    public double step() {
        double squares = 0;
        for (int i = 0; i < grads.size(); i++) {
            double s = backend.sumOfSquares(grads.get(i));
            if (!Double.isFinite(s)) {
                throw new NonFiniteUpdateException(NonFiniteUpdateException.Quantity.GRADIENT, name
                        + " update refused: the gradient of "
                        + (i % 2 == 0 ? "weights" : "biases") + " of layer " + i / 2
                        + " is not finite; parameters are unchanged (check the batch for NaN or infinite"
                        + " values, or lower the learning rate)");
            }
            squares += s;
        }
        steps++;
        AdamStep s = AdamStep.of(lr, beta1, beta2, epsilon, weightDecay, steps);
        for (int i = 0; i < params.size(); i++) {
            backend.adam(params.get(i), grads.get(i), firstMoments[i], secondMoments[i], s);
        }
        return Math.sqrt(squares);
    }

    /** Number of steps taken so far (Adam's {@code t}). */
    public long steps() {
        return steps;
    }

    /**
     * Sets Adam's {@code t} back, with {@link #state()} restored alongside, when a rolled-back
     * checkpoint is reinstated: the bias corrections must match the moments they correct.
     */
    public void restoreSteps(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + value);
        }
        steps = value;
    }

    /** Moment estimates in parameter order, for checkpoints: {@code [m0, v0, m1, v1, ...]}. */
    public List<Matrix> state() {
        Matrix[] out = new Matrix[2 * params.size()];
        for (int i = 0; i < params.size(); i++) {
            out[2 * i] = firstMoments[i];
            out[2 * i + 1] = secondMoments[i];
        }
        return List.of(out);
    }
}
