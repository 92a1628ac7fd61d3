package org.layerbraid.mgrit.nn;

import org.layerbraid.vecmath.Activation;
import org.layerbraid.vecmath.ConvShape;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;

/**
 * The arithmetic of one residual layer, {@code next = u + h·σ(K ⊛ u + b)} and its adjoint, for the layer kind of
 * a network: a dense product ({@code K u}) or a same-padding convolution. The propagator, the evaluators and the
 * predictor's batch path call this and never ask which kind they run.
 */
sealed interface LayerStep {

    /** The step of {@code config}'s residual layers. */
    static LayerStep of(Kernels kernels, NetworkConfig config) {
        return config.convolutional() ? new Convolutional(kernels, config.activation(), shape(config, config.width()))
                : new Dense(kernels, config.activation());
    }

    /** The shape of a convolution from {@code inChannels} image channels to the network's channels. */
    static ConvShape shape(NetworkConfig config, int inChannels) {
        NetworkConfig.Convolution c = config.convolution();
        return new ConvShape(inChannels, config.width(), c.height(), c.imageWidth(), c.kernel());
    }

    /**
     * {@code next = u + h·σ(z)} with {@code z = K ⊛ u + b} stored when not null; next may be null to compute z
     * only. Columns {@code [c0, c1)}.
     */
    void forward(Matrix k, Matrix bias, double h, Matrix u, Matrix next, Matrix z, int c0, int c1);

    /**
     * {@code g = h·σ'(z) ⊙ λ}, {@code λPrev = λ + Kᵀ ⊛ g}, and {@code dk}, {@code db} (when not null) += the
     * layer's parameter gradient. Columns {@code [c0, c1)}.
     */
    void adjoint(Matrix k, Matrix z, Matrix u, double h, Matrix lambda, Matrix lambdaPrev, Matrix g, Matrix dk,
            Matrix db, int c0, int c1);

    /** Dense layers: K is width × width. */
    record Dense(Kernels kernels, Activation activation) implements LayerStep {
        @Override
        public void forward(Matrix k, Matrix bias, double h, Matrix u, Matrix next, Matrix z, int c0, int c1) {
            kernels.residualStep(k, bias, h, activation, u, next, z, c0, c1);
        }

        @Override
        public void adjoint(Matrix k, Matrix z, Matrix u, double h, Matrix lambda, Matrix lambdaPrev, Matrix g,
                Matrix dk, Matrix db, int c0, int c1) {
            kernels.adjointStep(k, z, u, h, activation, lambda, lambdaPrev, g, dk, db, c0, c1);
        }
    }

    /** Convolutional layers: K is channels × (channels · k²). */
    record Convolutional(Kernels kernels, Activation activation, ConvShape shape) implements LayerStep {
        @Override
        public void forward(Matrix k, Matrix bias, double h, Matrix u, Matrix next, Matrix z, int c0, int c1) {
            kernels.convResidualStep(shape, k, bias, h, activation, u, next, z, c0, c1);
        }

        @Override
        public void adjoint(Matrix k, Matrix z, Matrix u, double h, Matrix lambda, Matrix lambdaPrev, Matrix g,
                Matrix dk, Matrix db, int c0, int c1) {
            kernels.convAdjointStep(shape, k, z, u, h, activation, lambda, lambdaPrev, g, dk, db, c0, c1);
        }
    }
}
