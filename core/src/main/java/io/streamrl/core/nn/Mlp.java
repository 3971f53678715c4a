package io.streamrl.core.nn;

import io.streamrl.core.compute.Activation;
import io.streamrl.core.compute.ComputeBackend;
import io.streamrl.core.compute.Matrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A fully connected network {@code x -> f(... g(x W0 + b0) ...) }, float32, on a
 * {@link ComputeBackend}. Rows are samples: an input batch is {@code B x sizes[0]}, weights of
 * layer {@code l} are {@code sizes[l] x sizes[l+1]}.
 *
 * <p>The forward pass caches each layer's output for the backward pass; the cache belongs to
 * the batch size, so a network can serve a batch of 256 and a single observation in turn. A
 * backward pass always refers to the most recent forward pass.
 *
 * <p>Backward products {@code delta W^T} pass the transpose as a flag: the backends absorb it
 * (the {@code vector} backend while packing the operand, ND4J in BLAS), so no transposed
 * copies of the weights need to be kept in step with them.
 */
public final class Mlp {

    private final ComputeBackend backend;
    private final int[] sizes;
    private final Activation hidden;
    private final Activation output;
    private final Matrix[] weights;
    private final Matrix[] biases;
    private final Matrix[] weightGrads;
    private final Matrix[] biasGrads;
    private final Map<Integer, Workspace> workspaces = new HashMap<>();
    private Workspace last;

    /**
     * Creates a network with PyTorch's default {@code nn.Linear} initialisation: weights and
     * biases uniform in {@code +-1/sqrt(fan_in)}.
     */
    public Mlp(ComputeBackend backend, int[] sizes, Activation hidden, Activation output, SplittableRandom random) {
        if (sizes.length < 2) {
            throw new IllegalArgumentException("an MLP needs at least input and output sizes, got "
                    + Arrays.toString(sizes));
        }
        for (int s : sizes) {
            if (s < 1) {
                throw new IllegalArgumentException("layer sizes must be >= 1, got " + Arrays.toString(sizes));
            }
        }
        this.backend = backend;
        this.sizes = sizes.clone();
        this.hidden = hidden;
        this.output = output;
        int layers = sizes.length - 1;
        weights = new Matrix[layers];
        biases = new Matrix[layers];
        weightGrads = new Matrix[layers];
        biasGrads = new Matrix[layers];
        for (int l = 0; l < layers; l++) {
            int in = sizes[l];
            int out = sizes[l + 1];
            float bound = (float) (1.0 / Math.sqrt(in));
            weights[l] = backend.fromArray(in, out, uniform(in * out, bound, random));
            biases[l] = backend.fromArray(1, out, uniform(out, bound, random));
            weightGrads[l] = backend.allocate(in, out);
            biasGrads[l] = backend.allocate(1, out);
        }
    }

    /** Layer sizes including input and output. */
    public int[] sizes() {
        return sizes.clone();
    }

    public int inputSize() {
        return sizes[0];
    }

    public int outputSize() {
        return sizes[sizes.length - 1];
    }

    public Activation hiddenActivation() {
        return hidden;
    }

    public Activation outputActivation() {
        return output;
    }

    public ComputeBackend backend() {
        return backend;
    }

    /**
     * Runs the network on {@code input} ({@code B x inputSize}). The returned matrix belongs to
     * the network and is overwritten by the next forward pass with the same batch size;
     * {@code input} must stay unchanged until the matching {@link #backward}.
     */
    public Matrix forward(Matrix input) {
        if (input.cols() != sizes[0]) {
            throw new IllegalArgumentException("network input must have " + sizes[0] + " columns, got "
                    + input.cols());
        }
        Workspace ws = workspaces.computeIfAbsent(input.rows(), this::newWorkspace);
        ws.input = input;
        Matrix x = input;
        for (int l = 0; l < weights.length; l++) {
            Matrix y = ws.activations[l];
            backend.matmul(x, false, weights[l], false, y, false);
            backend.addBiasActivate(y, biases[l], l == weights.length - 1 ? output : hidden, y);
            x = y;
        }
        last = ws;
        return x;
    }

    /**
     * Backpropagates {@code outputGrad} (dLoss/dOutput, {@code B x outputSize}) through the most
     * recent forward pass.
     *
     * @param weightGradients whether to compute the parameter gradients (overwritten, not
     *     accumulated); an actor step only needs the critic's input gradient
     * @param inputGrad receives dLoss/dInput ({@code B x inputSize}) when not null
     */
    public void backward(Matrix outputGrad, boolean weightGradients, Matrix inputGrad) {
        Workspace ws = last;
        if (ws == null || outputGrad.rows() != ws.batch || outputGrad.cols() != outputSize()) {
            throw new IllegalStateException("backward needs a preceding forward pass with the same batch; gradient is "
                    + outputGrad.rows() + "x" + outputGrad.cols());
        }
        int top = weights.length - 1;
        Matrix delta = ws.deltas[top];
        backend.copy(outputGrad, delta);
        backend.activationBackward(ws.activations[top], output, delta);
        for (int l = top; l >= 0; l--) {
            Matrix layerInput = l == 0 ? ws.input : ws.activations[l - 1];
            if (weightGradients) {
                backend.matmul(layerInput, true, delta, false, weightGrads[l], false);
                backend.columnSums(delta, biasGrads[l], false);
            }
            if (l > 0) {
                Matrix below = ws.deltas[l - 1];
                backend.matmul(delta, false, weights[l], true, below, false);
                backend.activationBackward(ws.activations[l - 1], hidden, below);
                delta = below;
            } else if (inputGrad != null) {
                backend.matmul(delta, false, weights[0], true, inputGrad, false);
            }
        }
    }

    /** Parameters in a fixed order: W0, b0, W1, b1, ... (shared with {@link #gradients()}). */
    public List<Matrix> parameters() {
        List<Matrix> out = new ArrayList<>(2 * weights.length);
        for (int l = 0; l < weights.length; l++) {
            out.add(weights[l]);
            out.add(biases[l]);
        }
        return out;
    }

    /** Gradients from the last {@link #backward} with weight gradients, in parameter order. */
    public List<Matrix> gradients() {
        List<Matrix> out = new ArrayList<>(2 * weights.length);
        for (int l = 0; l < weights.length; l++) {
            out.add(weightGrads[l]);
            out.add(biasGrads[l]);
        }
        return out;
    }

    /** Total number of scalar parameters. */
    public int parameterCount() {
        int n = 0;
        for (int l = 0; l < weights.length; l++) {
            n += weights[l].size() + biases[l].size();
        }
        return n;
    }

    /** Copies every parameter of {@code source} (same architecture) into this network. */
    public void copyFrom(Mlp source) {
        requireSameArchitecture(source);
        for (int l = 0; l < weights.length; l++) {
            backend.copy(source.weights[l], weights[l]);
            backend.copy(source.biases[l], biases[l]);
        }
    }

    /** Soft update {@code theta' = tau * theta + (1 - tau) * theta'} from {@code source}. */
    public void polyakFrom(Mlp source, float tau) {
        requireSameArchitecture(source);
        for (int l = 0; l < weights.length; l++) {
            backend.polyak(source.weights[l], weights[l], tau);
            backend.polyak(source.biases[l], biases[l], tau);
        }
    }

    /** All parameters flattened in {@link #parameters()} order (row-major each). */
    public float[] parametersToArray() {
        float[] out = new float[parameterCount()];
        int offset = 0;
        float[] buf = new float[0];
        for (Matrix p : parameters()) {
            if (buf.length < p.size()) {
                buf = new float[p.size()];
            }
            p.read(buf);
            System.arraycopy(buf, 0, out, offset, p.size());
            offset += p.size();
        }
        return out;
    }

    /** Loads parameters written by {@link #parametersToArray()}. */
    public void loadParameters(float[] values) {
        if (values.length != parameterCount()) {
            throw new IllegalArgumentException("expected " + parameterCount() + " parameters for layer sizes "
                    + Arrays.toString(sizes) + ", got " + values.length);
        }
        int offset = 0;
        for (Matrix p : parameters()) {
            p.write(Arrays.copyOfRange(values, offset, offset + p.size()));
            offset += p.size();
        }
    }

    private void requireSameArchitecture(Mlp other) {
        if (!Arrays.equals(sizes, other.sizes)) {
            throw new IllegalArgumentException("architectures differ: " + Arrays.toString(sizes) + " vs "
                    + Arrays.toString(other.sizes));
        }
    }

    private Workspace newWorkspace(int batch) {
        Workspace ws = new Workspace(batch, weights.length);
        for (int l = 0; l < weights.length; l++) {
            ws.activations[l] = backend.allocate(batch, sizes[l + 1]);
            ws.deltas[l] = backend.allocate(batch, sizes[l + 1]);
        }
        return ws;
    }

    private static float[] uniform(int n, float bound, SplittableRandom random) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) random.nextDouble(-bound, bound);
        }
        return out;
    }

    /** Per-batch-size buffers: each layer's output and its gradient. */
    private static final class Workspace {
        final int batch;
        final Matrix[] activations;
        final Matrix[] deltas;
        Matrix input;

        Workspace(int batch, int layers) {
            this.batch = batch;
            this.activations = new Matrix[layers];
            this.deltas = new Matrix[layers];
        }
    }
}
