package org.layerbraid.mgrit.nn;

import org.layerbraid.vecmath.ConvShape;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.TensorArena;

/**
 * u₀ from the inputs for one slice of the batch: a learned layer {@code σ(W₀ y + b₀)} or {@code σ(conv(W₀, y) +
 * b₀)} (keeping the pre-activation for the gradient), or a parameter-free copy: zero-padding, or the image
 * replicated into every channel.
 */
final class OpeningLayer {
    private final Kernels kernels;
    private final NetworkConfig config;
    private final Matrix inputs;
    private final Matrix u0;
    /** Where a parameter-free opening copies the inputs (rows of u₀): one view, or one per channel. */
    private final Matrix[] copies;
    /** The learned convolution's shape, or null. */
    private final ConvShape shape;
    private final Matrix z;
    private final Matrix g;

    /** @param inputs features × slice; @param u0 state × slice, the slice's view of the first state */
    OpeningLayer(Kernels kernels, NetworkConfig config, Matrix inputs, Matrix u0, TensorArena arena) {
        if (inputs.rows() != config.features()) {
            throw new IllegalArgumentException("the network takes " + config.features() + " features, the data has "
                    + inputs.rows());
        }
        this.kernels = kernels;
        this.config = config;
        this.inputs = inputs;
        this.u0 = u0;
        NetworkConfig.Opening opening = config.opening();
        this.copies = switch (opening) {
            case ZERO_PAD -> new Matrix[] {u0.rowRange(0, config.features())};
            case REPLICATE -> channels(config, u0);
            case DENSE, CONV -> null;
        };
        this.shape = opening == NetworkConfig.Opening.CONV ? LayerStep.shape(config, config.inputChannels()) : null;
        boolean learned = opening.learned();
        this.z = learned ? arena.matrix(config.precision(), config.stateSize(), inputs.cols()) : null;
        this.g = learned ? arena.matrix(config.precision(), config.stateSize(), inputs.cols()) : null;
    }

    private static Matrix[] channels(NetworkConfig config, Matrix u0) {
        int pixels = config.convolution().pixels();
        Matrix[] views = new Matrix[config.width()];
        for (int c = 0; c < views.length; c++) {
            views[c] = u0.rowRange(c * pixels, (c + 1) * pixels);
        }
        return views;
    }

    void forward(Parameters p) {
        if (z == null) {
            kernels.fill(u0, 0);
            for (Matrix rows : copies) {
                kernels.copy(inputs, rows);
            }
            return;
        }
        if (shape != null) {
            kernels.convolve(shape, p.openingWeights(), p.openingBias(), inputs, z, 0, inputs.cols());
        } else {
            kernels.gemm(false, false, 1, p.openingWeights(), inputs, 0, z);
            kernels.addBias(p.openingBias(), z);
        }
        kernels.activate(config.activation(), z, u0);
    }

    /** Adds the opening layer's parameter gradient for the adjoint λ₀ (state × slice) of u₀. */
    void backward(Parameters gradient, Matrix lambda0) {
        if (z == null) {
            return;
        }
        kernels.activationBackward(config.activation(), 1, z, lambda0, g);
        if (shape != null) {
            kernels.convWeightGradient(shape, g, inputs, gradient.openingWeights(), 0, inputs.cols());
            kernels.convBiasGradient(shape, g, gradient.openingBias(), 0, inputs.cols());
        } else {
            kernels.weightGradient(g, inputs, gradient.openingWeights());
            kernels.rowSums(g, gradient.openingBias());
        }
    }
}
