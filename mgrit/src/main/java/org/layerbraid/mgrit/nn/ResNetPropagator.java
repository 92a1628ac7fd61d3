package org.layerbraid.mgrit.nn;

import org.layerbraid.mgrit.solver.Propagator;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;

/**
 * The residual layers as a {@link Propagator}: {@code Φ_n(u) = u + h·σ(K_n u + b_n)} and its adjoint,
 * on the fused kernels. Holds width × batch scratch for g and for recomputed pre-activations; different
 * column ranges may run on different threads.
 */
public final class ResNetPropagator implements Propagator {
    private final Kernels kernels;
    private final NetworkConfig config;
    private final Matrix g;
    private final Matrix zScratch;
    private Parameters params;
    private Parameters gradient;

    /**
     * @param g        width × batch scratch for the scaled gradient h·σ'(z)⊙λ
     * @param zScratch width × batch scratch for pre-activations recomputed when none were stored
     */
    public ResNetPropagator(Kernels kernels, NetworkConfig config, Matrix g, Matrix zScratch) {
        this.kernels = kernels;
        this.config = config;
        this.g = g;
        this.zScratch = zScratch;
    }

    /** The parameters the steps use. */
    public void use(Parameters parameters) {
        this.params = parameters;
    }

    /** Where accumulated gradients go (may be null when no gradient is asked for). */
    public void accumulateInto(Parameters gradientViews) {
        this.gradient = gradientViews;
    }

    @Override
    public void step(int n, double h, Matrix u, Matrix next, Matrix z, int c0, int c1) {
        kernels.residualStep(params.weights(n), params.bias(n), h, config.activation(), u, next, z, c0, c1);
    }

    @Override
    public void adjointStep(int n, double h, Matrix u, Matrix z, Matrix lambda, Matrix lambdaPrev,
            boolean accumulateGradient, int c0, int c1) {
        Matrix pre = z;
        if (pre == null) {
            kernels.residualStep(params.weights(n), params.bias(n), h, config.activation(), u, null, zScratch, c0, c1);
            pre = zScratch;
        }
        boolean grad = accumulateGradient && gradient != null;
        kernels.adjointStep(params.weights(n), pre, u, h, config.activation(), lambda, lambdaPrev, g,
                grad ? gradient.weights(n) : null, grad ? gradient.bias(n) : null, c0, c1);
    }
}
