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
 * form saves a subtraction. Optionally returns ‖r‖² for the convergence test.
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
        fine.predict(cpoint - 1, g);
        double squared = 0;
        if (measure) {
            kernels.copy(g, scratch);
            kernels.axpby(-1, fine.u[cpoint], 1, scratch);
            squared = kernels.dot(scratch, scratch);
        }
        // Φ^Δ(v_k) from the fine C-point itself: v_k is written by interval k − 1, maybe at the same time.
        coarse.propagate(k, fine.u[start], scratch);
        kernels.axpby(-1, scratch, 1, g);
        kernels.copy(fine.u[cpoint], coarse.u[k + 1]);
        return squared;
    }
}
