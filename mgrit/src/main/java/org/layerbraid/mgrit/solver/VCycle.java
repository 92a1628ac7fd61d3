package org.layerbraid.mgrit.solver;

import org.layerbraid.mgrit.exec.Partition;
import org.layerbraid.mgrit.exec.Region;
import org.layerbraid.mgrit.exec.WorkerPool;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;

/**
 * The FAS V-cycle over the levels: relax, restrict, recurse (the coarsest level solved serially), correct. Each
 * phase on a level is one parallel region over its C-intervals, split into fixed contiguous blocks per worker
 * ({@link Partition}); an interval's work never depends on which worker does it, and residual norms are kept
 * per interval and summed in interval order, so the results do not depend on the number of workers.
 */
final class VCycle {
    /** The interval-wise phases a region can run. */
    private enum Phase { F_RELAX, C_RELAX, RESTRICT, MEASURED_RESTRICT, CORRECT }

    private final Level[] levels;
    private final MgritOptions options;
    private final WorkerPool pool;
    private final Kernels kernels;
    /** One work matrix per worker, for restriction. */
    private final Matrix[] scratch;
    /** Squared residual norm per C-interval of level 0. */
    private final double[] squares;
    private final Region body = this::share;
    private Phase phase;
    private int level;

    VCycle(Level[] levels, MgritOptions options, WorkerPool pool, Kernels kernels, Matrix[] scratch) {
        this.levels = levels;
        this.options = options;
        this.pool = pool;
        this.kernels = kernels;
        this.scratch = scratch;
        this.squares = new double[levels.length > 1 ? levels[0].intervals() : 0];
    }

    /** F-relaxation followed by the level's CF sweeps. */
    void relax(int l) {
        run(Phase.F_RELAX, l);
        for (int s = 0; s < options.cfSweeps(l); s++) {
            run(Phase.C_RELAX, l);
            run(Phase.F_RELAX, l);
        }
    }

    /** Restricts level 0 to level 1 and returns the norm of the fine residual over all C-points. */
    double restrictMeasured() {
        run(Phase.MEASURED_RESTRICT, 0);
        double sum = 0;
        for (double s : squares) {
            sum += s;
        }
        return Math.sqrt(sum);
    }

    /** Restricts level l to level l + 1 without measuring. */
    void restrict(int l) {
        run(Phase.RESTRICT, l);
    }

    /** Solves level l ≥ 1 approximately: one V-cycle from there down, exact on the coarsest level. */
    void solveCoarse(int l) {
        if (l == levels.length - 1) {
            Relaxation.serial(levels[l]);
            return;
        }
        relax(l);
        restrict(l);
        solveCoarse(l + 1);
        correct(l);
    }

    /** Injects level l + 1's solution at level l's C-points and F-relaxes. */
    void correct(int l) {
        run(Phase.CORRECT, l);
    }

    private void run(Phase p, int l) {
        phase = p;
        level = l;
        pool.run(body);
    }

    private void share(int worker, int workers) {
        Level fine = levels[level];
        int n = fine.intervals();
        for (int k = Partition.from(worker, workers, n); k < Partition.to(worker, workers, n); k++) {
            switch (phase) {
                case F_RELAX -> Relaxation.f(fine, k);
                case C_RELAX -> Relaxation.c(fine, k);
                case RESTRICT -> Restriction.interval(fine, levels[level + 1], k, scratch[worker], false, kernels);
                case MEASURED_RESTRICT ->
                        squares[k] = Restriction.interval(fine, levels[1], k, scratch[worker], true, kernels);
                case CORRECT -> Interpolation.interval(fine, levels[level + 1], k, kernels);
            }
        }
    }
}
