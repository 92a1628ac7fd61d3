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
 * <p>
 * With C-point storage ({@link Level#storeEvery} &gt; 1) the F-points of level 0 are not kept: an F-relaxation of
 * level 0 is then implicit (nothing reads its result but the phases that recompute it, see {@link #cRecomputing}
 * and {@link Restriction#relaxedInterval}), and every other sweep steps through two work matrices where a point is
 * not stored, with the same propagator calls, so the values are the same bits.
 */
final class Relaxation {
    private Relaxation() {
    }

    /**
     * Steps columns [c0, c1) from point j0 (stored) to point j1 and returns the matrix holding u_{j1}: stored points
     * are written in place, the others alternate between {@code a} and {@code b} (unused when every point is
     * stored). With {@code keep} set each step's side product goes where the level keeps it.
     */
    static Matrix advance(Level level, int j0, int j1, Matrix a, Matrix b, boolean keep, int c0, int c1) {
        Matrix from = level.u[j0];
        for (int j = j0; j < j1; j++) {
            Matrix to = level.stores(j + 1) ? level.u[j + 1] : from == a ? b : a;
            level.step(j, from, to, keep ? level.side(j) : null, c0, c1);
            from = to;
        }
        return from;
    }

    /** F-relaxation of C-interval k on tiles [t0, t1) (the last interval may be shorter and end in an F-point). */
    static void f(Level level, int k, int t0, int t1) {
        int start = k * level.cfactor;
        int end = Math.min(start + level.cfactor - 1, level.steps);
        for (int t = t0; t < t1; t++) {
            advance(level, start, end, null, null, false, level.tileStart(t), level.tileEnd(t));
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
            update(level, cpoint, level.u[cpoint - 1], level.u[cpoint], scratch, kernels, c0, c1);
        }
    }

    /**
     * C-relaxation of C-interval k of level 0 with C-point storage on tiles [t0, t1): the F-relaxation that precedes
     * it is redone through {@code a} and {@code b} up to the last F-point, and the new C-point (k + 1)·c goes to
     * {@code into}, which is either that C-point or, when interval k + 1 may still read the old value at the same
     * time, a work matrix copied there afterwards.
     */
    static void cRecomputing(Level level, int k, Matrix a, Matrix b, Matrix scratch, Matrix into, Kernels kernels,
            int t0, int t1) {
        int start = k * level.cfactor;
        int cpoint = start + level.cfactor;
        if (cpoint > level.steps) {
            return;
        }
        for (int t = t0; t < t1; t++) {
            int c0 = level.tileStart(t);
            int c1 = level.tileEnd(t);
            Matrix lastF = advance(level, start, cpoint - 1, a, b, false, c0, c1);
            update(level, cpoint, lastF, into, scratch, kernels, c0, c1);
        }
    }

    /** {@code into = ω·(Φ(lastF) + g) + (1 − ω)·into}, the C-point update (ω = 1: no blend). */
    private static void update(Level level, int cpoint, Matrix lastF, Matrix into, Matrix scratch, Kernels kernels,
            int c0, int c1) {
        if (level.cWeight == 1) {
            level.predict(cpoint - 1, lastF, into, c0, c1);
        } else {
            level.predict(cpoint - 1, lastF, scratch, c0, c1);
            if (into != level.u[cpoint]) {
                kernels.copy(level.u[cpoint], into, c0, c1);
            }
            kernels.axpby(level.cWeight, scratch, 1 - level.cWeight, into, c0, c1);
        }
    }

    /**
     * The final pass over C-interval k of level 0: F-relaxation keeping every step's side product, then the side
     * product of the step into the next C-point (whose state, in {@code scratch}, is not kept: the C-point holds
     * the coarse-grid value), on tiles [t0, t1). After it every step 0..N−1 has run once from the final states. With
     * C-point storage the F-points go through {@code a} and {@code b}; when nothing is kept and the steps have no
     * effect of their own, only the last interval runs, to the last point when that is an F-point.
     */
    static void finalPass(Level level, int k, Matrix a, Matrix b, Matrix scratch, int t0, int t1) {
        int start = k * level.cfactor;
        int end = Math.min(start + level.cfactor - 1, level.steps);
        int cpoint = start + level.cfactor;
        if (!level.finalPassEveryStep && cpoint <= level.steps) {
            return;
        }
        for (int t = t0; t < t1; t++) {
            int c0 = level.tileStart(t);
            int c1 = level.tileEnd(t);
            Matrix lastF = advance(level, start, end, a, b, true, c0, c1);
            if (cpoint <= level.steps) {
                level.step(cpoint - 1, lastF, scratch, level.side(cpoint - 1), c0, c1);
            }
        }
    }

    /**
     * The exact solve of steps [j0, j1) (from point j0 to j1) on tiles [t0, t1) only: every column is independent,
     * so tiles can go to different workers. {@code a} and {@code b} carry the points not stored.
     */
    static void serial(Level level, int j0, int j1, Matrix a, Matrix b, int t0, int t1) {
        if (t0 >= t1) {
            return;
        }
        advance(level, j0, j1, a, b, false, level.tileStart(t0), level.tileEnd(t1 - 1));
    }

    /** The exact solve of steps [j0, j1) keeping every step's side product, whole batch per step. */
    static void serialKeeping(Level level, int j0, int j1, Matrix a, Matrix b) {
        advance(level, j0, j1, a, b, true, 0, level.batch);
    }
}
