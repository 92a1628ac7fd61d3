package org.layerbraid.mgrit.solver;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.layerbraid.mgrit.exec.Partition;
import org.layerbraid.mgrit.exec.Region;
import org.layerbraid.mgrit.exec.WorkerPool;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;

/**
 * The FAS cycles over the levels: relax, restrict, recurse (the coarsest level solved serially), correct; V- or
 * F-cycles on the coarse levels. Each phase on a level is one parallel region over its C-intervals and batch
 * tiles: the workers form a grid of {@code layerBlocks × batchBlocks}, worker (i, j) taking the i-th fixed
 * contiguous block of intervals and the j-th block of tiles ({@link Partition}). An (interval, tile)'s work never
 * depends on which worker does it, and residual norms are kept per interval and tile and summed in tile order and
 * then interval order, so the results do not depend on how the workers are split. The coarsest level, whose columns
 * are independent too, is shared out by tiles among all workers.
 * <p>
 * Across ranks ({@link Communicator}), each rank runs the same cycle on its own block of intervals
 * ({@link RankBlocks}); after a phase that wrote a state another rank reads next, it sends it: a C-relaxation the
 * next rank's first C-point, a restriction the next rank's first coarse point and right-hand side, a correction its
 * own first C-point back to the previous rank (whose restriction reads it). The coarsest level is solved as a
 * pipeline through the ranks, as XBraid does; the per-interval residual norms are gathered and summed in interval
 * order by every rank. Phases on level 0 are timed; everything below level 0 counts as the coarse solve.
 */
final class MultigridCycle {
    /** The interval-wise phases a region can run. */
    private enum Phase {
        F_RELAX, C_RELAX, C_RELAX_RECOMPUTING, RESTRICT, MEASURED_RESTRICT, RELAX_RESTRICT, MEASURED_RELAX_RESTRICT,
        INJECT, CORRECT, FINAL_PASS, COARSEST
    }

    private final Level[] levels;
    private final MgritOptions.Cycle shape;
    private final WorkerPool pool;
    private final Kernels kernels;
    private final Communicator ranks;
    private final RankBlocks blocks;
    /** One work matrix per worker, and two more for the F-points of the fused relaxation and restriction. */
    private final Matrix[] scratch;
    private final Matrix[] fPointsA;
    private final Matrix[] fPointsB;
    /**
     * With C-point storage and CF sweeps on level 0, one state per worker for the C-point its block's last interval
     * updates (the next block may still be reading the old value), or null.
     */
    private final Matrix[] carry;
    /** Squared residual norm per C-interval and tile of level 0, and per interval summed over its tiles. */
    private final double[][] squares;
    private final MemorySegment intervalSquares;
    private final int layerBlocks;
    private final int batchBlocks;
    private final long[] nanos = new long[SolvePhase.values().length];
    private final Region body = this::share;
    private Phase phase;
    private int level;

    MultigridCycle(Level[] levels, MgritOptions options, WorkerPool pool, int batchBlocks, Kernels kernels,
            Communicator ranks, RankBlocks blocks, MemorySegment intervalSquares, Matrix[] scratch, Matrix[] fPointsA,
            Matrix[] fPointsB, Matrix[] carry) {
        this.levels = levels;
        this.shape = options.cycle();
        this.pool = pool;
        this.kernels = kernels;
        this.ranks = ranks;
        this.blocks = blocks;
        this.scratch = scratch;
        this.fPointsA = fPointsA;
        this.fPointsB = fPointsB;
        this.carry = carry;
        int intervals = levels.length > 1 ? levels[0].intervals() : 0;
        this.squares = new double[intervals][levels[0].tiles()];
        this.intervalSquares = intervalSquares;
        this.batchBlocks = batchBlocks;
        this.layerBlocks = pool.workers() / batchBlocks;
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

    /**
     * Relaxes and restricts level 0 in one sweep when its relaxation is F alone (see
     * {@link Restriction#relaxedInterval}), else one after the other; returns the residual norm when measured (else
     * NaN). Timed as relaxation when fused.
     */
    double relaxAndRestrict(boolean measure) {
        if (levels[0].storeEvery > 1) {
            // The F-relaxations are implicit: each C-relaxation and the fused restriction redo them.
            for (int s = 0; s < levels[0].cfSweeps; s++) {
                run(Phase.C_RELAX_RECOMPUTING, 0);
                copyCarries();
            }
        } else if (levels[0].cfSweeps > 0) {
            relax(0);
            if (measure) {
                return restrictMeasured();
            }
            restrict(0);
            return Double.NaN;
        }
        if (!measure) {
            run(Phase.RELAX_RESTRICT, 0);
            return Double.NaN;
        }
        run(Phase.MEASURED_RELAX_RESTRICT, 0);
        return residualNorm();
    }

    /** Puts the C-points each layer block's last interval updated into a work matrix where they belong. */
    private void copyCarries() {
        Level fine = levels[0];
        int n = fine.intervals();
        for (int w = 0; w < pool.workers(); w++) {
            int block = w / batchBlocks;
            int cpoint = Partition.to(block, layerBlocks, n) * fine.cfactor;
            int tiles = fine.tiles();
            int t0 = Partition.from(w % batchBlocks, batchBlocks, tiles);
            int t1 = Partition.to(w % batchBlocks, batchBlocks, tiles);
            if (Partition.from(block, layerBlocks, n) < Partition.to(block, layerBlocks, n) && cpoint <= fine.steps
                    && t0 < t1) {
                kernels.copy(carry[w], fine.u[cpoint], fine.tileStart(t0), fine.tileEnd(t1 - 1));
            }
        }
    }

    /** Restricts level 0 to level 1 and returns the norm of the fine residual over all C-points. */
    double restrictMeasured() {
        run(Phase.MEASURED_RESTRICT, 0);
        return residualNorm();
    }

    /**
     * The residual norm from the squares the last measured phase kept: per tile, then per interval in order, each
     * rank's intervals gathered from it first.
     */
    private double residualNorm() {
        for (int k = blocks.firstInterval(0); k < blocks.endInterval(0); k++) {
            double sum = 0;
            for (double v : squares[k]) {
                sum += v;
            }
            intervalSquares.setAtIndex(ValueLayout.JAVA_DOUBLE, k, sum);
        }
        for (int r = 0; r < ranks.size() && ranks.size() > 1; r++) {
            long from = blocks.firstInterval(0, r);
            long to = blocks.endInterval(0, r);
            ranks.broadcast(intervalSquares.asSlice(from * Double.BYTES, (to - from) * Double.BYTES), r);
        }
        double sum = 0;
        for (int k = 0; k < squares.length; k++) {
            sum += intervalSquares.getAtIndex(ValueLayout.JAVA_DOUBLE, k);
        }
        return Math.sqrt(sum);
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
        cycle(l, down, shape == MgritOptions.Cycle.F);
        nanos[SolvePhase.COARSE_SOLVE.ordinal()] += System.nanoTime() - start;
    }

    /**
     * A V-cycle from level l: relax (unless skipped on the way down), restrict, recurse, correct. An F-cycle recurses
     * with an F-cycle and then adds one more relaxation, restriction, V-cycle and correction.
     */
    private void cycle(int l, boolean down, boolean fShape) {
        if (l == levels.length - 1) {
            pipeline(l);
            return;
        }
        if (down) {
            relax(l);
        }
        restrict(l);
        cycle(l + 1, down, fShape);
        run(Phase.CORRECT, l);
        if (fShape) {
            relax(l);
            restrict(l);
            cycle(l + 1, true, false);
            run(Phase.CORRECT, l);
        }
    }

    /** Injects level 1's solution at level 0's C-points (their F-relaxation comes with the next phase on level 0). */
    void inject() {
        run(Phase.INJECT, 0);
    }

    /** The final pass on level 0: every step once from the final states, keeping side products. */
    void finalPass() {
        run(Phase.FINAL_PASS, 0);
    }

    /**
     * Solves level l exactly by stepping through it: each rank steps its block once the previous rank's last state
     * has arrived, then hands its own on (the coarsest level, a sequential initial guess, a one-level solve).
     */
    void pipeline(int l) {
        Matrix[] u = levels[l].u;
        if (!blocks.first()) {
            ranks.receive(u[blocks.firstPoint(l)].segment(), ranks.rank() - 1);
            ranks.complete();
        }
        phase = Phase.COARSEST;
        level = l;
        pool.run(body);
        if (!blocks.last()) {
            ranks.send(u[blocks.endPoint(l)].segment(), ranks.rank() + 1);
            ranks.complete();
        }
    }

    /**
     * {@link #pipeline} of level 0 keeping every step's side product, each step on the whole batch by the calling
     * thread: the one-level solve, whose adjoint adds each layer's gradient as it steps.
     */
    void pipelineKeeping() {
        Matrix[] u = levels[0].u;
        if (!blocks.first()) {
            ranks.receive(u[blocks.firstPoint(0)].segment(), ranks.rank() - 1);
            ranks.complete();
        }
        Relaxation.serialKeeping(levels[0], blocks.firstPoint(0), blocks.endPoint(0), fPointsA[0], fPointsB[0]);
        if (!blocks.last()) {
            ranks.send(u[blocks.endPoint(0)].segment(), ranks.rank() + 1);
            ranks.complete();
        }
    }

    private void run(Phase p, int l) {
        long start = l == 0 ? System.nanoTime() : 0;
        phase = p;
        level = l;
        pool.run(body);
        if (ranks.size() > 1) {
            handOff(p, l);
        }
        if (l == 0) {
            nanos[timer(p).ordinal()] += System.nanoTime() - start;
        }
    }

    /** Sends the states phase p wrote on level l that a neighbouring rank reads next, and receives its. */
    private void handOff(Phase p, int l) {
        int previous = ranks.rank() - 1;
        int next = ranks.rank() + 1;
        switch (p) {
            case C_RELAX -> {
                Matrix[] u = levels[l].u;
                if (!blocks.last()) {
                    ranks.send(u[blocks.endPoint(l)].segment(), next);
                }
                if (!blocks.first()) {
                    ranks.receive(u[blocks.firstPoint(l)].segment(), previous);
                }
            }
            case RESTRICT, MEASURED_RESTRICT, RELAX_RESTRICT, MEASURED_RELAX_RESTRICT -> {
                Level coarse = levels[l + 1];
                if (!blocks.last()) {
                    ranks.send(coarse.u[blocks.endPoint(l + 1)].segment(), next);
                    ranks.send(coarse.rhs[blocks.endPoint(l + 1)].segment(), next);
                }
                if (!blocks.first()) {
                    ranks.receive(coarse.u[blocks.firstPoint(l + 1)].segment(), previous);
                    ranks.receive(coarse.rhs[blocks.firstPoint(l + 1)].segment(), previous);
                }
            }
            case INJECT, CORRECT -> {
                Matrix[] u = levels[l].u;
                if (!blocks.first()) {
                    ranks.send(u[blocks.firstPoint(l)].segment(), previous);
                }
                if (!blocks.last()) {
                    ranks.receive(u[blocks.endPoint(l)].segment(), next);
                }
            }
            case C_RELAX_RECOMPUTING -> throw new AssertionError("C-point storage runs in one process");
            case F_RELAX, FINAL_PASS, COARSEST -> {
                return; // F-points and side products stay with their interval; the pipeline hands off itself
            }
        }
        ranks.complete();
    }

    private static SolvePhase timer(Phase p) {
        return switch (p) {
            case F_RELAX, C_RELAX, C_RELAX_RECOMPUTING, RELAX_RESTRICT, MEASURED_RELAX_RESTRICT -> SolvePhase.RELAXATION;
            case RESTRICT, MEASURED_RESTRICT -> SolvePhase.RESTRICTION;
            case INJECT, CORRECT -> SolvePhase.CORRECTION;
            case FINAL_PASS -> SolvePhase.FINAL_PASS;
            case COARSEST -> SolvePhase.COARSE_SOLVE;
        };
    }

    private void share(int worker, int workers) {
        Level fine = levels[level];
        int tiles = fine.tiles();
        if (phase == Phase.COARSEST) {
            Relaxation.serial(fine, blocks.firstPoint(level), blocks.endPoint(level), fPointsA[worker],
                    fPointsB[worker], Partition.from(worker, workers, tiles), Partition.to(worker, workers, tiles));
            return;
        }
        int block = worker / batchBlocks;
        int t0 = Partition.from(worker % batchBlocks, batchBlocks, tiles);
        int t1 = Partition.to(worker % batchBlocks, batchBlocks, tiles);
        int first = blocks.firstInterval(level);
        int n = blocks.endInterval(level) - first;
        Matrix mine = scratch[worker];
        if (phase == Phase.C_RELAX_RECOMPUTING) {
            // Backwards, so interval k + 1 has read C-point (k + 1)·c before interval k replaces it; the block's
            // last interval writes to the carry, as the next block may be reading its C-point now.
            int end = first + Partition.to(block, layerBlocks, n);
            for (int k = end - 1; k >= first + Partition.from(block, layerBlocks, n); k--) {
                Matrix into = k == end - 1 ? carry[worker] : fine.u[(k + 1) * fine.cfactor];
                Relaxation.cRecomputing(fine, k, fPointsA[worker], fPointsB[worker], mine, into, kernels, t0, t1);
            }
            return;
        }
        for (int k = first + Partition.from(block, layerBlocks, n); k < first + Partition.to(block, layerBlocks, n);
                k++) {
            switch (phase) {
                case F_RELAX -> Relaxation.f(fine, k, t0, t1);
                case C_RELAX -> Relaxation.c(fine, k, mine, kernels, t0, t1);
                case RESTRICT -> Restriction.interval(fine, levels[level + 1], k, mine, null, kernels, t0, t1);
                case MEASURED_RESTRICT -> Restriction.interval(fine, levels[1], k, mine, squares[k], kernels, t0, t1);
                case RELAX_RESTRICT -> Restriction.relaxedInterval(fine, levels[1], k, fPointsA[worker],
                        fPointsB[worker], mine, null, kernels, t0, t1);
                case MEASURED_RELAX_RESTRICT -> Restriction.relaxedInterval(fine, levels[1], k, fPointsA[worker],
                        fPointsB[worker], mine, squares[k], kernels, t0, t1);
                case INJECT -> Interpolation.interval(fine, levels[1], k, false, kernels, t0, t1);
                case CORRECT -> Interpolation.interval(fine, levels[level + 1], k, true, kernels, t0, t1);
                case FINAL_PASS -> Relaxation.finalPass(fine, k, fPointsA[worker], fPointsB[worker], mine, t0, t1);
                case COARSEST, C_RELAX_RECOMPUTING -> throw new AssertionError("handled above");
            }
        }
    }
}
