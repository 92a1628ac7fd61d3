package org.layerbraid.mgrit.solver;

import org.layerbraid.vecmath.Matrix;

/**
 * One step of a chain over layer-time and its adjoint: what the serial chain and the MGRIT engine drive.
 * States are width × batch matrices; every call works on the batch columns {@code [c0, c1)} only, so
 * callers can split the batch between threads. The step size is a parameter because coarse MGRIT levels
 * re-discretise: a coarse step from fine point n uses the fine step's parameters with a larger h.
 */
@FunctionalInterface
public interface Propagator {
    /**
     * {@code next = Φ_n(u)} with step size h; when {@code z} is not null it receives what the adjoint step
     * needs later (for the ResNet: the pre-activation K_n u + b_n).
     */
    void step(int n, double h, Matrix u, Matrix next, Matrix z, int c0, int c1);

    /**
     * Optional: only the adjoint solve calls it; forward-only propagators keep this default, which throws.
     * {@code lambdaPrev = (∂Φ_n/∂u)ᵀ λ} at state u, where {@code z} is what {@link #step} stored for u, or
     * null to recompute it. When {@code accumulateGradient} is set, the parameter gradient of step n,
     * {@code (∂Φ_n/∂θ_n)ᵀ λ}, is added to the propagator's gradient.
     */
    default void adjointStep(int n, double h, Matrix u, Matrix z, Matrix lambda, Matrix lambdaPrev,
            boolean accumulateGradient, int c0, int c1) {
        throw new UnsupportedOperationException(getClass().getName() + " is a forward-only propagator: it has no "
                + "adjoint step");
    }

    /** Whether {@code p} implements {@link #adjointStep} (a forward-only propagator keeps the default). */
    static boolean hasAdjoint(Propagator p) {
        try {
            return p.getClass().getMethod("adjointStep", int.class, double.class, Matrix.class, Matrix.class,
                    Matrix.class, Matrix.class, boolean.class, int.class, int.class).getDeclaringClass()
                    != Propagator.class;
        } catch (NoSuchMethodException e) {
            throw new AssertionError("Propagator.adjointStep exists", e);
        }
    }
}
