package org.layerbraid.mgrit.solver;

import org.layerbraid.vecmath.Matrix;

/**
 * The forward states an adjoint step linearises at, asked for by the columns it works on: stored ones whole, or
 * with C-point storage recomputed on just those columns ({@link Recomputation}).
 */
interface LayerStates {
    /** u_n (0 ≤ n ≤ N), valid on columns [c0, c1) until the calling worker asks for another interval. */
    Matrix state(int n, int c0, int c1);

    /** What forward step n stored for its adjoint (0 ≤ n < N), or null to let the propagator recompute it. */
    Matrix sideProduct(int n, int c0, int c1);
}
