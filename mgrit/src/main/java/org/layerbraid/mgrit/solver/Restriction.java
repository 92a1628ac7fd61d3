package org.layerbraid.mgrit.solver;

import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;

/**
 * FAS restriction of one C-interval from level l to level l + 1, after an F-relaxation (so the residual lives at
 * the C-points only). Fine C-point (k + 1)·c becomes coarse point k + 1, with the initial value injected,
 * {@code v_{k+1} = u_{(k+1)c}}, and the right-hand side
 * <pre>
 *   g_{k+1} = r_{(k+1)c} + v_{k+1} − Φ^Δ(v_k) = Φ_l(u_{(k+1)c−1}) + g^l_{(k+1)c} − Φ^Δ(u_{kc})
 * </pre>
 * where {@code r_{(k+1)c} = Φ_l(u_{(k+1)c−1}) + g^l_{(k+1)c} − u_{(k+1)c}} is the fine residual: the τ-correction
 * makes the restricted fine solution solve the coarse equation whenever the fine residual is zero. The second
 * form saves a subtraction. Optionally keeps ‖r‖² per tile for the convergence test. Works tile by tile like the
 * relaxation.
 */
final class Restriction {
    private Restriction() {
    }

    /**
     * F-relaxation and restriction of tiles [t0, t1) of C-interval k of level 0 in one sweep, for F-relaxation
     * without CF sweeps: each tile's F-points go through the work matrices {@code a} and {@code b} (only the tile's
     * columns, so they stay in cache) instead of the stored states, which nothing reads before the final pass
     * writes them; the restriction then steps from the last F-point where it lies. Same values, bit for bit, as
     * {@link Relaxation#f} followed by {@link #interval}, with about half the memory traffic. Intervals without a
     * C-point (the last, when c does not divide N) have nothing to restrict and are left to the final pass.
     */
    static void relaxedInterval(Level fine, Level coarse, int k, Matrix a, Matrix b, Matrix scratch,
            double[] squares, Kernels kernels, int t0, int t1) {
        restrict(fine, coarse, k, a, b, scratch, squares, kernels, t0, t1);
    }

    /**
     * Restricts tiles [t0, t1) of C-interval k of {@code fine} to {@code coarse}; {@code scratch} is a state-shaped
     * work matrix. With {@code squares} not null, entry t receives the squared norm of the fine residual at C-point
     * (k + 1)·c on tile t (0 when the interval ends without a C-point).
     */
    static void interval(Level fine, Level coarse, int k, Matrix scratch, double[] squares, Kernels kernels, int t0,
            int t1) {
        restrict(fine, coarse, k, null, null, scratch, squares, kernels, t0, t1);
    }

    /** The restriction, from the stored last F-point, or with {@code a} set from F-points relaxed through a and b. */
    private static void restrict(Level fine, Level coarse, int k, Matrix a, Matrix b, Matrix scratch,
            double[] squares, Kernels kernels, int t0, int t1) {
        int start = k * fine.cfactor;
        int cpoint = start + fine.cfactor;
        for (int t = t0; t < t1; t++) {
            int c0 = fine.tileStart(t);
            int c1 = fine.tileEnd(t);
            if (k == 0) {
                kernels.copy(fine.u[0], coarse.u[0], c0, c1);
            }
            if (cpoint > fine.steps) {
                if (squares != null) {
                    squares[t] = 0;
                }
                continue;
            }
            Matrix lastF = fine.u[cpoint - 1];
            if (a != null) {
                lastF = fine.u[start];
                for (int j = start; j < cpoint - 1; j++) {
                    Matrix to = ((j - start) & 1) == 0 ? a : b;
                    fine.propagate(j, lastF, to, c0, c1);
                    lastF = to;
                }
            }
            Matrix g = coarse.rhs[k + 1];
            fine.predict(cpoint - 1, lastF, g, c0, c1);
            if (squares != null) {
                kernels.copy(g, scratch, c0, c1);
                kernels.axpby(-1, fine.u[cpoint], 1, scratch, c0, c1);
                squares[t] = kernels.dot(scratch, scratch, c0, c1);
            }
            // Φ^Δ(v_k) from the fine C-point itself: v_k is written by interval k − 1, maybe at the same time.
            coarse.propagate(k, fine.u[start], scratch, c0, c1);
            kernels.axpby(-1, scratch, 1, g, c0, c1);
            kernels.copy(fine.u[cpoint], coarse.u[k + 1], c0, c1);
        }
    }
}
