package org.layerbraid.mgrit.solver;

import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;

/**
 * One grid level and its equation {@code u_{j+1} = Φ_l(u_j) + g_{j+1}}, j = 0..N_l − 1, with u_0 fixed. Φ_l is
 * the re-discretised step: from point j it calls the propagator's step of fine index {@code j·stride} with the
 * level's step size. g is the FAS right-hand side, absent (zero) on level 0. The states of every point are
 * stored; the level's C-points are the multiples of its coarsening factor.
 */
final class Level {
    final int index;
    final int steps;
    /** c_l, or 0 on the coarsest level (which has no C/F split). */
    final int cfactor;
    final Matrix[] u;
    /** g_1..g_N (entry 0 unused), or null on level 0. */
    final Matrix[] rhs;
    private final int stride;
    private final double h;
    private final Propagator propagator;
    private final Kernels kernels;
    private final int batch;

    Level(Hierarchy hierarchy, int index, Matrix[] u, Matrix[] rhs, Propagator propagator, Kernels kernels) {
        this.index = index;
        this.steps = hierarchy.steps(index);
        this.cfactor = index < hierarchy.levels() - 1 ? hierarchy.cfactor(index) : 0;
        this.stride = hierarchy.stride(index);
        this.h = hierarchy.stepSize(index);
        this.u = u;
        this.rhs = rhs;
        this.propagator = propagator;
        this.kernels = kernels;
        this.batch = u[0].cols();
    }

    /**
     * The C-intervals: interval k starts at C-point k·c and holds the F-points up to the next C-point. Every
     * C-point starts one, so the last interval holds the F-points after the last C-point, or none.
     */
    int intervals() {
        return steps / cfactor + 1;
    }

    /** Solves the level's equation at point j + 1: {@code u_{j+1} = Φ_l(u_j) + g_{j+1}}. */
    void step(int j) {
        predict(j, u[j + 1]);
    }

    /** {@code out = Φ_l(u_j) + g_{j+1}}: what the equation says point j + 1 should be. */
    void predict(int j, Matrix out) {
        propagate(j, u[j], out);
        if (rhs != null) {
            kernels.axpby(1, rhs[j + 1], 1, out);
        }
    }

    /** {@code out = Φ_l(from)} with the step of point j, without right-hand side. */
    void propagate(int j, Matrix from, Matrix out) {
        propagator.step(j * stride, h, from, out, null, 0, batch);
    }
}
