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
 * form saves a subtraction. Optionally returns ‖r‖² for the convergence test. Works tile by tile like the
 * relaxation; the squared norm is summed in tile order.
 */
final class Restriction {
    private Restriction() {
    }

    /**
     * Restricts C-interval k of {@code fine} to {@code coarse}; {@code scratch} is a state-shaped work matrix.
     *
     * @return the squared norm of the fine residual at C-point (k + 1)·c when {@code measure} is set (0 when the
     *     interval ends without a C-point), else 0
     */
    static double interval(Level fine, Level coarse, int k, Matrix scratch, boolean measure, Kernels kernels) {
        int start = k * fine.cfactor;
        if (k == 0) {
            kernels.copy(fine.u[0], coarse.u[0]);
        }
        int cpoint = start + fine.cfactor;
        if (cpoint > fine.steps) {
            return 0;
        }
        Matrix g = coarse.rhs[k + 1];
        double squared = 0;
        for (int c0 = 0; c0 < fine.batch; c0 += fine.tile) {
            int c1 = Math.min(c0 + fine.tile, fine.batch);
            fine.predict(cpoint - 1, g, c0, c1);
            if (measure) {
                kernels.copy(g, scratch, c0, c1);
                kernels.axpby(-1, fine.u[cpoint], 1, scratch, c0, c1);
                squared += kernels.dot(scratch, scratch, c0, c1);
            }
            // Φ^Δ(v_k) from the fine C-point itself: v_k is written by interval k − 1, maybe at the same time.
            coarse.propagate(k, fine.u[start], scratch, c0, c1);
            kernels.axpby(-1, scratch, 1, g, c0, c1);
            kernels.copy(fine.u[cpoint], coarse.u[k + 1], c0, c1);
        }
        return squared;
    }
}
