package org.layerbraid.mgrit.solver;

/**
 * F- and C-relaxation on one C-interval of a level, and the exact serial solve of the coarsest level. An
 * F-relaxation of interval k steps from C-point k·c through the interval's F-points; a C-relaxation steps from
 * the interval's last F-point to the next C-point. Intervals are independent within one kind of sweep (an
 * F-sweep reads C-points and writes F-points, a C-sweep the reverse), which is what makes MGRIT parallel.
 */
final class Relaxation {
    private Relaxation() {
    }

    /** F-relaxation of C-interval k (the last interval may be shorter and end in an F-point). */
    static void f(Level level, int k) {
        int start = k * level.cfactor;
        int end = Math.min(start + level.cfactor - 1, level.steps);
        for (int j = start; j < end; j++) {
            level.step(j);
        }
    }

    /** C-relaxation of C-interval k: updates C-point (k + 1)·c if the level has it. */
    static void c(Level level, int k) {
        int cpoint = (k + 1) * level.cfactor;
        if (cpoint <= level.steps) {
            level.step(cpoint - 1);
        }
    }

    /** Solves the level's equation exactly by stepping through all its points (the coarsest level). */
    static void serial(Level level) {
        for (int j = 0; j < level.steps; j++) {
            level.step(j);
        }
    }
}
