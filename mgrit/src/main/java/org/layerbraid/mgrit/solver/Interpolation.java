package org.layerbraid.mgrit.solver;

import org.layerbraid.vecmath.Kernels;

/**
 * The coarse-grid correction of one C-interval: the coarse solution replaces the fine C-point (FAS injection,
 * {@code u ← u + (v − R u)} which at a C-point is {@code u ← v}), then an F-relaxation carries it through the
 * interval's F-points.
 */
final class Interpolation {
    private Interpolation() {
    }

    /** Corrects C-interval k of {@code fine} from {@code coarse}; C-point 0 (the initial state) stays. */
    static void interval(Level fine, Level coarse, int k, Kernels kernels) {
        if (k > 0) {
            kernels.copy(coarse.u[k], fine.u[k * fine.cfactor]);
        }
        Relaxation.f(fine, k);
    }
}
