package org.layerbraid.mgrit.solver;

import org.layerbraid.vecmath.Kernels;

/**
 * The coarse-grid correction of one C-interval: the coarse solution replaces the fine C-point (FAS injection,
 * {@code u ← u + (v − R u)} which at a C-point is {@code u ← v}), then an F-relaxation carries it through the
 * interval's F-points. On level 0 the F-relaxation is left out: the next iteration starts with the very same
 * F-relaxation, and the solve ends with a final pass that does it.
 */
final class Interpolation {
    private Interpolation() {
    }

    /** Corrects tiles [t0, t1) of C-interval k of {@code fine} from {@code coarse}; C-point 0 (the initial state) stays. */
    static void interval(Level fine, Level coarse, int k, boolean relax, Kernels kernels, int t0, int t1) {
        if (k > 0 && t0 < t1) {
            kernels.copy(coarse.u[k], fine.u[k * fine.cfactor], fine.tileStart(t0), fine.tileEnd(t1 - 1));
        }
        if (relax) {
            Relaxation.f(fine, k, t0, t1);
        }
    }
}
