package org.layerbraid.mgrit.solver;

import org.layerbraid.mgrit.exec.Partition;
import org.layerbraid.mgrit.exec.Region;
import org.layerbraid.mgrit.exec.WorkerPool;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;

/**
 * The FAS cycles over the levels: relax, restrict, recurse (the coarsest level solved serially), correct; V- or
 * F-cycles on the coarse levels. Each phase on a level is one parallel region over its C-intervals, split into
 * fixed contiguous blocks per worker ({@link Partition}); an interval's work never depends on which worker does
 * it, and residual norms are kept per interval and summed in interval order, so the results do not depend on the
 * number of workers. Boundary hand-offs and the sum go through a {@link BlockTransport}. Phases on level 0 are
 * timed; everything below level 0 counts as the coarse solve.
 */
final class MultigridCycle {
    /** The interval-wise phases a region can run. */
    private enum Phase { F_RELAX, C_RELAX, RESTRICT, MEASURED_RESTRICT, INJECT, CORRECT, FINAL_PASS }

    private final Level[] levels;
    private final MgritOptions.Cycle shape;
    private final WorkerPool pool;
    private final Kernels kernels;
    private final BlockTransport transport;
    /** One work matrix per worker. */
    private final Matrix[] scratch;
    /** Squared residual norm per C-interval of level 0. */
    private final double[] squares;
    private final long[] nanos = new long[SolvePhase.values().length];
    private final Region body = this::share;
    private Phase phase;
    private int level;

    MultigridCycle(Level[] levels, MgritOptions options, WorkerPool pool, Kernels kernels, BlockTransport transport,
            Matrix[] scratch) {
        this.levels = levels;
        this.shape = options.cycle();
        this.pool = pool;
        this.kernels = kernels;
        this.transport = transport;
        this.scratch = scratch;
        this.squares = new double[levels.length > 1 ? levels[0].intervals() : 0];
    }

    /** Zeroes the phase timers (at the start of a solve). */
    void resetTimers() {
        java.util.Arrays.fill(nanos, 0);
    }

    /** The phase times since {@link #resetTimers}, indexed by {@link SolvePhase} ordinal. */
    long[] timers() {
        return nanos;
    }

    /** F-relaxation followed by the level's CF sweeps. */
    void relax(int l) {
        run(Phase.F_RELAX, l);
        for (int s = 0; s < levels[l].cfSweeps; s++) {
            run(Phase.C_RELAX, l);
            run(Phase.F_RELAX, l);
        }
    }

    /** Restricts level 0 to level 1 and returns the norm of the fine residual over all C-points. */
    double restrictMeasured() {
        run(Phase.MEASURED_RESTRICT, 0);
        return Math.sqrt(transport.sumInOrder(squares));
    }

    /** Restricts level l to level l + 1 without measuring. */
    void restrict(int l) {
        run(Phase.RESTRICT, l);
    }

    /**
     * Solves level l ≥ 1 approximately with the configured cycle, exactly on the coarsest level; {@code down}
     * false skips the relaxations on the way down (the first iteration with skip set).
     */
    void solveCoarse(int l, boolean down) {
        long start = System.nanoTime();
        if (shape == MgritOptions.Cycle.F) {
            fCycle(l, down);
        } else {
            vCycle(l, down);
        }
        nanos[SolvePhase.COARSE_SOLVE.ordinal()] += System.nanoTime() - start;
    }

    private void vCycle(int l, boolean down) {
        if (l == levels.length - 1) {
            Relaxation.serial(levels[l]);
            return;
        }
        if (down) {
            relax(l);
        }
        restrict(l);
        vCycle(l + 1, down);
        run(Phase.CORRECT, l);
    }

    /** An F-cycle: a coarse F-cycle and correction, then one more relaxation, restriction, V-cycle and correction. */
    private void fCycle(int l, boolean down) {
        if (l == levels.length - 1) {
            Relaxation.serial(levels[l]);
            return;
        }
        if (down) {
            relax(l);
        }
        restrict(l);
        fCycle(l + 1, down);
        run(Phase.CORRECT, l);
        relax(l);
        restrict(l);
        vCycle(l + 1, true);
        run(Phase.CORRECT, l);
    }

    /** Injects level 1's solution at level 0's C-points (their F-relaxation comes with the next phase on level 0). */
    void inject() {
        run(Phase.INJECT, 0);
    }

    /** The final pass on level 0: every step once from the final states, keeping side products. */
    void finalPass() {
        run(Phase.FINAL_PASS, 0);
    }

    private void run(Phase p, int l) {
        long start = l == 0 ? System.nanoTime() : 0;
        phase = p;
        level = l;
        pool.run(body);
        transport.handOffBoundaries(l);
        if (l == 0) {
            nanos[timer(p).ordinal()] += System.nanoTime() - start;
        }
    }

    private static SolvePhase timer(Phase p) {
        return switch (p) {
            case F_RELAX, C_RELAX -> SolvePhase.RELAXATION;
            case RESTRICT, MEASURED_RESTRICT -> SolvePhase.RESTRICTION;
            case INJECT, CORRECT -> SolvePhase.CORRECTION;
            case FINAL_PASS -> SolvePhase.FINAL_PASS;
        };
    }

    private void share(int worker, int workers) {
        Level fine = levels[level];
        int n = fine.intervals();
        for (int k = Partition.from(worker, workers, n); k < Partition.to(worker, workers, n); k++) {
            switch (phase) {
                case F_RELAX -> Relaxation.f(fine, k);
                case C_RELAX -> Relaxation.c(fine, k, scratch[worker], kernels);
                case RESTRICT -> Restriction.interval(fine, levels[level + 1], k, scratch[worker], false, kernels);
                case MEASURED_RESTRICT ->
                        squares[k] = Restriction.interval(fine, levels[1], k, scratch[worker], true, kernels);
                case INJECT -> Interpolation.interval(fine, levels[1], k, false, kernels);
                case CORRECT -> Interpolation.interval(fine, levels[level + 1], k, true, kernels);
                case FINAL_PASS -> Relaxation.finalPass(fine, k, scratch[worker]);
            }
        }
    }
}
