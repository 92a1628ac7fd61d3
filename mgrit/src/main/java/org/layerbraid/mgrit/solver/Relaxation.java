package org.layerbraid.mgrit.solver;

import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;

/**
 * F- and C-relaxation on one C-interval of a level, the final pass, and the exact serial solve of the coarsest
 * level. An F-relaxation of interval k steps from C-point k·c through the interval's F-points; a C-relaxation
 * steps from the interval's last F-point to the next C-point. Intervals are independent within one kind of sweep
 * (an F-sweep reads C-points and writes F-points, a C-sweep the reverse), which is what makes MGRIT parallel.
 * <p>
 * F-relaxation carries one tile of batch columns through all c − 1 steps of the interval before the next tile, so
 * the state just written is read back from L1/L2 rather than memory; every column's arithmetic is the same
 * whatever the tile, so tiles change no state bits.
 */
final class Relaxation {
    private Relaxation() {
    }

    /** F-relaxation of C-interval k on tiles [t0, t1) (the last interval may be shorter and end in an F-point). */
    static void f(Level level, int k, int t0, int t1) {
        int start = k * level.cfactor;
        int end = Math.min(start + level.cfactor - 1, level.steps);
        for (int t = t0; t < t1; t++) {
            int c0 = level.tileStart(t);
            int c1 = level.tileEnd(t);
            for (int j = start; j < end; j++) {
                level.step(j, c0, c1);
            }
        }
    }

    /**
     * C-relaxation of C-interval k on tiles [t0, t1): updates C-point (k + 1)·c if the level has it, weighted by the
     * level's ω ({@code scratch} holds the unweighted update when ω ≠ 1).
     */
    static void c(Level level, int k, Matrix scratch, Kernels kernels, int t0, int t1) {
        int cpoint = (k + 1) * level.cfactor;
        if (cpoint > level.steps) {
            return;
        }
        for (int t = t0; t < t1; t++) {
            int c0 = level.tileStart(t);
            int c1 = level.tileEnd(t);
            if (level.cWeight == 1) {
                level.step(cpoint - 1, c0, c1);
            } else {
                level.predict(cpoint - 1, scratch, c0, c1);
                kernels.axpby(level.cWeight, scratch, 1 - level.cWeight, level.u[cpoint], c0, c1);
            }
        }
    }

    /**
     * The final pass over C-interval k of level 0: F-relaxation keeping every step's side product, then the side
     * product of the step into the next C-point (whose state, in {@code scratch}, is not kept: the C-point holds
     * the coarse-grid value), on tiles [t0, t1). After it every step 0..N−1 has run once from the final states.
     */
    static void finalPass(Level level, int k, Matrix scratch, int t0, int t1) {
        int start = k * level.cfactor;
        int end = Math.min(start + level.cfactor - 1, level.steps);
        int cpoint = start + level.cfactor;
        for (int t = t0; t < t1; t++) {
            int c0 = level.tileStart(t);
            int c1 = level.tileEnd(t);
            for (int j = start; j < end; j++) {
                level.stepKeeping(j, c0, c1);
            }
            if (cpoint <= level.steps) {
                level.sideProduct(cpoint - 1, scratch, c0, c1);
            }
        }
    }

    /**
     * The exact solve of steps [j0, j1) (from point j0 to j1) on tiles [t0, t1) only: every column is independent,
     * so tiles can go to different workers.
     */
    static void serial(Level level, int j0, int j1, int t0, int t1) {
        if (t0 >= t1) {
            return;
        }
        int c0 = level.tileStart(t0);
        int c1 = level.tileEnd(t1 - 1);
        for (int j = j0; j < j1; j++) {
            level.step(j, c0, c1);
        }
    }

    /** The exact solve of steps [j0, j1) keeping every step's side product, whole batch per step. */
    static void serialKeeping(Level level, int j0, int j1) {
        for (int j = j0; j < j1; j++) {
            level.stepKeeping(j, 0, level.batch);
        }
    }
}
