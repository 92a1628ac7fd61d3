package org.layerbraid.mgrit.solver;

import java.util.Arrays;
import org.layerbraid.mgrit.exec.WorkerPool;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/**
 * Solves the forward chain {@code u_{n+1} = Φ_n(u_n)}, n = 0..N−1, from a given u_0 with nonlinear (FAS) MGRIT
 * V-cycles over the layer-time grid: all N + 1 states of the fine level are unknowns of one system, relaxed in
 * parallel over C-intervals and corrected from re-discretised coarse levels, the coarsest solved serially (BRIEF
 * §1). With one level this is serial propagation.
 * <p>
 * One iteration (V-cycle) relaxes level 0, restricts to level 1 computing the fine residual at the C-points,
 * tests convergence on its norm, solves the coarse levels recursively and corrects level 0 (injection at
 * C-points, then F-relaxation). The residual norm is the Euclidean norm over all C-point residuals, summed per
 * interval and then in interval order. A solve throws {@link SolveDivergedException} when the norm is not finite
 * or has grown {@value #GROWTH_LIMIT} times in a row; in fixed-iteration mode, which measures no norm, when the
 * final state is not finite.
 * <p>
 * Owns all state memory (every fine point, plus the points and right-hand sides of the coarse levels) and a
 * worker pool; make one per propagator shape and reuse it: the states of one solve are the warm start of the
 * next. The propagator's {@code step} is called with {@code z = null}, concurrently for different n when
 * there is more than one worker. Results do not depend on the number of workers.
 */
public final class ForwardSolver implements AutoCloseable {
    /** Consecutive residual increases after which a solve counts as diverging. */
    public static final int GROWTH_LIMIT = 3;

    private final Kernels kernels;
    private final MgritOptions options;
    private final Hierarchy hierarchy;
    private final TensorArena arena;
    private final WorkerPool pool;
    private final Level[] levels;
    private final VCycle cycle;
    private final Precision precision;
    private final int width;
    private final int batch;
    /** Whether the fine states hold a finished solve (a valid warm start). */
    private boolean warm;

    /**
     * A solver for N = {@code steps} steps of size h on width × batch states.
     *
     * @param workers the number of workers relaxing C-intervals in parallel (the caller is one of them)
     * @throws IllegalArgumentException for bad options, sizes or worker counts
     */
    public ForwardSolver(Propagator propagator, Kernels kernels, int steps, double h, Precision precision, int width,
            int batch, MgritOptions options, int workers) {
        if (width < 1 || batch < 1) {
            throw new IllegalArgumentException("states must be at least 1 × 1, got " + width + " × " + batch);
        }
        this.kernels = kernels;
        this.options = options;
        this.hierarchy = options.hierarchy(steps, h);
        this.precision = precision;
        this.width = width;
        this.batch = batch;
        this.arena = new TensorArena("forward solve");
        WorkerPool created = null;
        try {
            this.levels = new Level[hierarchy.levels()];
            for (int l = 0; l < levels.length; l++) {
                Matrix[] u = states(hierarchy.steps(l) + 1, 0);
                Matrix[] rhs = l == 0 ? null : states(hierarchy.steps(l) + 1, 1);
                levels[l] = new Level(hierarchy, l, u, rhs, propagator, kernels);
            }
            created = new WorkerPool(workers);
            this.pool = created;
            this.cycle = new VCycle(levels, options, pool, kernels, states(workers, 0));
        } catch (RuntimeException | Error e) {
            if (created != null) {
                created.close();
            }
            arena.close();
            throw e;
        }
    }

    /** {@code count} state matrices, those before {@code first} left null. */
    private Matrix[] states(int count, int first) {
        Matrix[] m = new Matrix[count];
        for (int i = first; i < count; i++) {
            m[i] = arena.matrix(precision, width, batch);
        }
        return m;
    }

    /** The grid levels this solver uses. */
    public Hierarchy hierarchy() {
        return hierarchy;
    }

    /**
     * Solves from {@code u0} (width × batch, copied) as the options say; the states are then {@link #state}.
     *
     * @throws SolveDivergedException when the iteration diverges (the states are then meaningless, and the next
     *     WARM solve starts from zero)
     */
    public SolveStatistics solve(Matrix u0) {
        if (u0.rows() != width || u0.cols() != batch || u0.precision() != precision) {
            throw new IllegalArgumentException("initial state must be " + precision.label() + "[" + width + "×" + batch
                    + "], got " + u0.shape());
        }
        Level fine = levels[0];
        kernels.copy(u0, fine.u[0]);
        InitialGuess guess = options.initialGuess();
        if (guess == InitialGuess.ZERO || (guess == InitialGuess.WARM && !warm)) {
            for (int n = 1; n <= fine.steps; n++) {
                kernels.fill(fine.u[n], 0);
            }
        } else if (guess == InitialGuess.SEQUENTIAL) {
            Relaxation.serial(fine);
        }
        warm = false;
        SolveStatistics stats;
        if (levels.length == 1) {
            Relaxation.serial(fine);
            stats = new SolveStatistics(1, new double[0], true, hierarchy.pointsPerLevel());
        } else if (options.fixedIterations()) {
            stats = iterateFixed();
        } else {
            stats = iterateToTolerance();
        }
        warm = true;
        return stats;
    }

    private SolveStatistics iterateFixed() {
        Matrix last = levels[0].u[levels[0].steps];
        for (int it = 1; it <= options.maxIterations(); it++) {
            cycle.relax(0);
            cycle.restrict(0);
            cycle.solveCoarse(1);
            cycle.correct(0);
            double max = kernels.normMax(last);
            if (!Double.isFinite(max)) {
                throw new SolveDivergedException(it, "MGRIT diverged: the final state is not finite after iteration "
                        + it);
            }
        }
        return new SolveStatistics(options.maxIterations(), new double[0], false, hierarchy.pointsPerLevel());
    }

    private SolveStatistics iterateToTolerance() {
        double[] norms = new double[options.maxIterations() + 1];
        int growing = 0;
        for (int it = 0; ; it++) {
            cycle.relax(0);
            double norm = cycle.restrictMeasured();
            norms[it] = norm;
            if (!Double.isFinite(norm)) {
                throw new SolveDivergedException(it, "MGRIT diverged: residual norm " + norm + " after iteration "
                        + it);
            }
            growing = it > 0 && norm > norms[it - 1] ? growing + 1 : 0;
            if (growing >= GROWTH_LIMIT) {
                throw new SolveDivergedException(it, "MGRIT diverged: residual norm grew " + growing
                        + " times in a row, to " + norm + " after iteration " + it);
            }
            boolean converged = norm <= options.tolerance();
            if (converged || it == options.maxIterations()) {
                return new SolveStatistics(it, Arrays.copyOf(norms, it + 1), converged, hierarchy.pointsPerLevel());
            }
            cycle.solveCoarse(1);
            cycle.correct(0);
        }
    }

    /** The fine state u_n (0 ≤ n ≤ N) of the last solve; owned by this solver, overwritten by the next solve. */
    public Matrix state(int n) {
        return levels[0].u[n];
    }

    /** Ends the workers and frees all states. */
    @Override
    public void close() {
        pool.close();
        arena.close();
    }
}
