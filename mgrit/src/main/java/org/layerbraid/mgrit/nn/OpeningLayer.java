package org.layerbraid.mgrit.nn;

import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.TensorArena;

/**
 * u₀ from the inputs for one slice of the batch: {@code σ(W₀ y + b₀)} (keeping the pre-activation for the
 * gradient) or zero-padding.
 */
final class OpeningLayer {
    private final Kernels kernels;
    private final NetworkConfig config;
    private final Matrix inputs;
    private final Matrix u0;
    private final Matrix paddedRows;
    private final Matrix z;
    private final Matrix g;

    /** @param inputs features × slice; @param u0 width × slice, the slice's view of the first state */
    OpeningLayer(Kernels kernels, NetworkConfig config, Matrix inputs, Matrix u0, TensorArena arena) {
        if (inputs.rows() != config.features()) {
            throw new IllegalArgumentException("the network takes " + config.features() + " features, the data has "
                    + inputs.rows());
        }
        this.kernels = kernels;
        this.config = config;
        this.inputs = inputs;
        this.u0 = u0;
        boolean dense = config.opening() == NetworkConfig.Opening.DENSE;
        this.paddedRows = dense ? null : u0.rowRange(0, config.features());
        this.z = dense ? arena.matrix(config.precision(), config.width(), inputs.cols()) : null;
        this.g = dense ? arena.matrix(config.precision(), config.width(), inputs.cols()) : null;
    }

    void forward(Parameters p) {
        if (z == null) {
            kernels.fill(u0, 0);
            kernels.copy(inputs, paddedRows);
            return;
        }
        kernels.gemm(false, false, 1, p.openingWeights(), inputs, 0, z);
        kernels.addBias(p.openingBias(), z);
        kernels.activate(config.activation(), z, u0);
    }

    /** Adds the opening layer's parameter gradient for the adjoint λ₀ (width × slice) of u₀. */
    void backward(Parameters gradient, Matrix lambda0) {
        if (z == null) {
            return;
        }
        kernels.activationBackward(config.activation(), 1, z, lambda0, g);
        kernels.weightGradient(g, inputs, gradient.openingWeights());
        kernels.rowSums(g, gradient.openingBias());
    }
}
