package org.layerbraid.mgrit.solver;

import org.layerbraid.vecmath.Matrix;

/**
 * The adjoint chain {@code λ_n = (∂Φ_n/∂u)ᵀ λ_{n+1}} as a forward chain in reversed index m = N − n, so the forward
 * MGRIT machinery solves it unchanged: point m holds λ_{N−m}.
 * <p>
 * A step of size H = s·h from reversed point m reaches m + s, that is fine layer n = N − m − s; it is the
 * transposed Jacobian of the forward step of size H from layer n, at the stored state u_n with the weights of
 * layer n. On level 0 (s = 1) that is the exact adjoint step; on coarse levels it is the adjoint of the forward
 * solver's re-discretisation (one step of size H with the weights of the coarse point it starts from). The stride
 * s is recovered from H: step sizes are h times a whole number. Every step of any size from layer n linearises at
 * the same pre-activation z_n, so stored ones serve all levels. While {@link #accumulating} is set, each step
 * also adds its layer's parameter gradient: the solver's final pass runs every fine step exactly once.
 */
final class ReversedChain implements Propagator {
    private final Propagator forward;
    private final int steps;
    private final double h;
    private LayerStates states;
    private boolean accumulating;

    ReversedChain(Propagator forward, int steps, double h) {
        this.forward = forward;
        this.steps = steps;
        this.h = h;
    }

    /** The forward states u_0..u_N the steps linearise at, and what the forward steps stored, until the next call. */
    void lineariseAt(LayerStates forwardStates) {
        this.states = forwardStates;
    }

    /** Whether steps add their parameter gradient (set only around the final pass; read by every worker after). */
    void accumulating(boolean on) {
        this.accumulating = on;
    }

    /** The fine layer a step of size {@code stepSize} from reversed point m ends at. */
    private int layer(int m, double stepSize) {
        return steps - m - (int) Math.round(stepSize / h);
    }

    @Override
    public void step(int m, double stepSize, Matrix lambda, Matrix next, Matrix z, int c0, int c1) {
        int n = layer(m, stepSize);
        // The side product first: recomputing it steps the interval past u_n, which then stays valid too.
        Matrix pre = states.sideProduct(n, c0, c1);
        forward.adjointStep(n, stepSize, states.state(n, c0, c1), pre, lambda, next, accumulating, c0, c1);
    }

    /** The reversed chain is only ever stepped forward: its own adjoint is the forward chain. */
    @Override
    public void adjointStep(int m, double stepSize, Matrix u, Matrix z, Matrix lambda, Matrix lambdaPrev,
            boolean accumulateGradient, int c0, int c1) {
        throw new UnsupportedOperationException("the reversed adjoint chain has no adjoint of its own");
    }
}
