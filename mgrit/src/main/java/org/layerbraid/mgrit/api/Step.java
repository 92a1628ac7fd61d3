package org.layerbraid.mgrit.api;

import org.layerbraid.mgrit.solver.Propagator;
import org.layerbraid.vecmath.Matrix;

/**
 * One step {@code next = Φ_n(u)} of a chain, written on whole states: the shortest way to hand MGRIT a forward-only
 * chain. States are width × batch matrices; the engine may call a step on a slice of the batch columns, which it then
 * passes as column views ({@link Matrix#columns}). A {@link Propagator} does the same work on column ranges without
 * views, keeps side products for an adjoint and may have an adjoint step: implement it when every nanosecond counts.
 */
@FunctionalInterface
public interface Step {
    /** Writes Φ_n(u) with step size h into {@code next}; must not change {@code u}. */
    void apply(int n, double h, Matrix u, Matrix next);

    /** This step as a forward-only propagator. */
    default Propagator asPropagator() {
        return (n, h, u, next, z, c0, c1) -> {
            if (c0 == 0 && c1 == u.cols()) {
                apply(n, h, u, next);
            } else {
                apply(n, h, u.columns(c0, c1), next.columns(c0, c1));
            }
        };
    }
}
