package org.layerbraid.mgrit.solver;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.layerbraid.mgrit.exec.WorkerPool;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/**
 * Solves the forward chain {@code u_{n+1} = Φ_n(u_n)}, n = 0..N−1, from a given u_0 with nonlinear (FAS) MGRIT over
 * the layer-time grid: all N + 1 states of the fine level are unknowns of one system, relaxed in parallel over
 * C-intervals and corrected from re-discretised coarse levels, the coarsest solved serially (BRIEF §1). With one
 * level this is serial propagation, bitwise.
 * <p>
 * One iteration relaxes level 0, restricts to level 1 computing the fine residual at the C-points (unless in
 * fixed-iteration mode; with F-relaxation alone both in one sweep per tile that keeps the F-points in cache instead
 * of memory, see {@link Restriction#relaxedInterval}), tests convergence on its norm, solves the coarse levels with a V- or F-cycle and injects
 * the coarse values at level 0's C-points. The F-relaxation that completes a textbook correction is the first
 * thing the next iteration does, so it is not done twice: instead every solve ends with a final pass that runs
 * each step 0..N−1 once from the final states, and keeps each step's side product (the ResNet's pre-activations,
 * which the adjoint then needs not recompute). The residual norm is the Euclidean norm over all C-point residuals,
 * summed per interval and then in interval order. A solve throws {@link SolveDivergedException} when the norm is
 * not finite or has grown {@value #GROWTH_LIMIT} times in a row; in fixed-iteration mode, which measures no norm,
 * when the final state is not finite.
 * <p>
 * Relaxation carries a tile of batch columns through each C-interval (see {@link #tileColumns}). Owns all state
 * memory (every fine point and its side product, the points and right-hand sides of the coarse levels) and a
 * worker pool; with {@link Storage#C_POINTS} only every c_0-th fine state and the last, and no side products (see
 * {@link #stores}): the results have the same bits, the F-points are recomputed where they are read; make one per propagator shape and reuse it: the states of one solve are the warm start of the next.
 * The propagator's {@code step} is called concurrently for different n when there is more than one worker.
 * Results do not depend on the number of workers.
 * <p>
 * Distributed over ranks (a {@link Communicator} of several processes), every rank makes the same solver and calls
 * the same methods in the same order; each relaxes, restricts and corrects only its own block of layers
 * ({@link #owner}) and holds valid states only there (and at its block's edges). Results have the same bits for
 * every number of ranks.
 */
public final class ForwardSolver implements AutoCloseable {
    /** Consecutive residual increases after which a solve counts as diverging. */
    public static final int GROWTH_LIMIT = 3;
    /**
     * Bytes of one state tile when the options leave the tile to the solver: a 16 KiB tile of u, plus the same of
     * the next state (and pre-activation) written from it, stays in a 32–48 KiB L1 data cache through the c steps
     * of an interval; small enough too that a width-64 f64 tile still has 32 columns for the matrix kernel.
     */
    static final int TILE_BYTES = 16 * 1024;

    private final Kernels kernels;
    private final MgritOptions options;
    private final Hierarchy hierarchy;
    private final TensorArena arena;
    private final WorkerPool pool;
    /** Whether {@link #close} ends the pool: false when it was borrowed from a runtime. */
    private final boolean ownsPool;
    private final Level[] levels;
    private final MultigridCycle cycle;
    private final SolveProgress progress = new SolveProgress();
    private final Precision precision;
    private final Communicator ranks;
    private final RankBlocks blocks;
    /** One value handed from the rank that computed it to all: the divergence checks of the owner's states. */
    private final MemorySegment shared;
    private final int width;
    private final int batch;
    /** How many blocks the batch tiles of an interval are shared between. */
    private final int batchWorkers;
    /** The options' maximum (fixed) iteration count, until {@link #maxIterations(int)} changes it. */
    private int maxIterations;
    /** Whether the fine states hold a finished solve (a valid warm start). */
    private boolean warm;
    private double[] norms;
    private int normCount;
    /** The norm the relative tolerance refers to: the first one measured after a relaxation. */
    private double relativeBase;

    /**
     * A solver for N = {@code steps} steps of size h on width × batch states that keeps each fine step's side
     * product (for the ResNet: the pre-activations, see {@link #sideProduct}).
     *
     * @param workers the number of workers relaxing C-intervals in parallel (the caller is one of them)
     * @throws IllegalArgumentException for bad options, sizes or worker counts
     */
    public ForwardSolver(Propagator propagator, Kernels kernels, int steps, double h, Precision precision, int width,
            int batch, MgritOptions options, int workers) {
        this(propagator, kernels, steps, h, precision, width, batch, options, workers, 1, true);
    }

    /**
     * A solver whose {@code layerWorkers × batchWorkers} workers share each phase's C-intervals between
     * {@code layerWorkers} blocks and the batch tiles of every interval between {@code batchWorkers} blocks: layer-
     * and data-parallelism combined, with results that do not depend on the split.
     *
     * @throws IllegalArgumentException for bad options, sizes or worker counts
     */
    public ForwardSolver(Propagator propagator, Kernels kernels, int steps, double h, Precision precision, int width,
            int batch, MgritOptions options, int layerWorkers, int batchWorkers) {
        this(propagator, kernels, steps, h, precision, width, batch, options, layerWorkers, batchWorkers, true);
    }

    /**
     * A solver that runs on a borrowed pool (a runtime's, shared by every solver and evaluator of a program): its
     * workers form {@code pool.workers() / batchWorkers} layer blocks × {@code batchWorkers} batch blocks. The pool
     * is not closed with the solver, and must not run another region while a solve is under way.
     *
     * @throws IllegalArgumentException for bad options or sizes, or a pool whose worker count batchWorkers does not
     *                                  divide
     */
    public ForwardSolver(Propagator propagator, Kernels kernels, int steps, double h, Precision precision, int width,
            int batch, MgritOptions options, WorkerPool pool, int batchWorkers) {
        this(propagator, kernels, steps, h, precision, width, batch, options, pool, batchWorkers,
                Communicator.single());
    }

    /**
     * A solver on a borrowed pool that is one of {@code ranks.size()} ranks solving together (see the class comment):
     * each rank's pool works on its block of layers.
     *
     * @throws IllegalArgumentException for bad options or sizes, a pool whose worker count batchWorkers does not
     *                                  divide, or more ranks than the coarsest level has steps
     */
    public ForwardSolver(Propagator propagator, Kernels kernels, int steps, double h, Precision precision, int width,
            int batch, MgritOptions options, WorkerPool pool, int batchWorkers, Communicator ranks) {
        this(propagator, kernels, steps, h, precision, width, batch, options, layerBlocks(pool, batchWorkers),
                batchWorkers, true, pool, ranks);
    }

    static int layerBlocks(WorkerPool pool, int batchWorkers) {
        if (batchWorkers < 1 || pool.workers() % batchWorkers != 0) {
            throw new IllegalArgumentException("batch workers must divide the pool's " + pool.workers()
                    + " workers, got " + batchWorkers);
        }
        return pool.workers() / batchWorkers;
    }

    ForwardSolver(Propagator propagator, Kernels kernels, int steps, double h, Precision precision, int width,
            int batch, MgritOptions options, int layerWorkers, int batchWorkers, boolean keepSideProducts) {
        this(propagator, kernels, steps, h, precision, width, batch, options, layerWorkers, batchWorkers,
                keepSideProducts, null, Communicator.single());
    }

    /** {@code borrowed} is a pool to run on, or null to start (and own) one of layerWorkers × batchWorkers. */
    ForwardSolver(Propagator propagator, Kernels kernels, int steps, double h, Precision precision, int width,
            int batch, MgritOptions options, int layerWorkers, int batchWorkers, boolean keepSideProducts,
            WorkerPool borrowed, Communicator ranks) {
        if (width < 1 || batch < 1) {
            throw new IllegalArgumentException("states must be at least 1 × 1, got " + width + " × " + batch);
        }
        if (layerWorkers < 1 || batchWorkers < 1 || (long) layerWorkers * batchWorkers > WorkerPool.MAX_WORKERS) {
            throw new IllegalArgumentException("workers must be between 1 and " + WorkerPool.MAX_WORKERS
                    + " in all, got " + layerWorkers + (batchWorkers == 1 ? "" : " × " + batchWorkers));
        }
        if (options.storage() == Storage.C_POINTS && ranks.size() > 1) {
            throw new IllegalArgumentException("C-point storage runs in one process: it cannot be combined with "
                    + ranks.size() + " ranks");
        }
        int workers = layerWorkers * batchWorkers;
        this.kernels = kernels;
        this.options = options;
        this.hierarchy = options.hierarchy(steps, h);
        this.blocks = new RankBlocks(hierarchy, ranks.rank(), ranks.size());
        this.ranks = ranks;
        this.precision = precision;
        this.width = width;
        this.batch = batch;
        this.maxIterations = options.maxIterations();
        this.norms = new double[maxIterations + 1];
        this.arena = new TensorArena("forward solve");
        WorkerPool created = null;
        try {
            int tile = tileColumns(options.batchTile(), precision, width, batch);
            this.levels = new Level[hierarchy.levels()];
            boolean all = options.storage() == Storage.ALL;
            for (int l = 0; l < levels.length; l++) {
                int every = l == 0 && !all ? options.cfactor(0) : 1;
                Matrix[] u = new Matrix[hierarchy.steps(l) + 1];
                for (int n = 0; n < u.length; n++) {
                    u[n] = n % every == 0 || n == u.length - 1 ? arena.matrix(precision, width, batch) : null;
                }
                Matrix[] rhs = l == 0 ? null : states(hierarchy.steps(l) + 1, 1);
                Matrix[] side = l == 0 && keepSideProducts && all ? states(hierarchy.steps(0), 0) : null;
                levels[l] = new Level(hierarchy, options, l, every, all || !keepSideProducts, u, rhs, side, tile,
                        propagator, kernels);
            }
            created = borrowed == null ? new WorkerPool(workers) : null;
            this.pool = borrowed == null ? created : borrowed;
            this.ownsPool = borrowed == null;
            this.batchWorkers = batchWorkers;
            int intervals = levels.length > 1 ? levels[0].intervals() : 0;
            this.shared = arena.matrix(Precision.F64, 1, intervals + 1).segment();
            Matrix[] carry = !all && options.cfSweeps(0) > 0 ? states(workers, 0) : null;
            this.cycle = new MultigridCycle(levels, options, pool, batchWorkers, kernels, ranks, blocks,
                    shared.asSlice(Double.BYTES), states(workers, 0), states(workers, 0), states(workers, 0), carry);
        } catch (RuntimeException | Error e) {
            if (created != null) {
                created.close();
            }
            arena.close();
            throw e;
        }
    }

    /**
     * Columns per relaxation tile: {@code requested} rounded up to the column alignment, or when 0 as many columns
     * as fit {@link #TILE_BYTES}, rounded down to the alignment; never more than the batch.
     */
    static int tileColumns(int requested, Precision precision, int width, int batch) {
        int align = Kernels.columnAlignment(precision);
        int columns = requested > 0 ? (requested + align - 1) / align * align
                : Math.max(align, TILE_BYTES / (width * precision.bytes()) / align * align);
        return Math.min(columns, batch);
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

    /** The options this solver was made with. */
    public MgritOptions options() {
        return options;
    }

    /** Workers in all (layer blocks × batch blocks). */
    int workers() {
        return pool.workers();
    }

    /** The batch blocks the workers form. */
    int batchWorkers() {
        return batchWorkers;
    }

    /** The worker pool, for passes of the adjoint solver that share the same workers. */
    WorkerPool pool() {
        return pool;
    }

    /** Columns per batch tile in the relaxations. */
    public int tileColumns() {
        return levels[0].tile;
    }

    /**
     * Changes the iteration count of the following solves (the exact count in fixed-iteration mode, else the
     * maximum): how an adaptive controller raises the one-shot method's iterations between optimisation steps.
     */
    public void maxIterations(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("iterations must be at least 1, got " + count);
        }
        if (count + 1 > norms.length) {
            norms = new double[count + 1];
        }
        maxIterations = count;
    }

    /** The iteration count of the following solves. */
    public int maxIterations() {
        return maxIterations;
    }

    /**
     * Declares the states now in {@link #state} (restored from a checkpoint) a finished solve, so the next WARM
     * solve starts from them.
     */
    public void resumeWarm() {
        warm = true;
    }

    /** The running (or last) solve, for watching from another thread. */
    public SolveProgress progress() {
        return progress;
    }

    /**
     * Solves from {@code u0} (width × batch, copied) as the options say; the states are then {@link #state} and the
     * side products {@link #sideProduct}.
     *
     * @throws SolveDivergedException when the iteration diverges (the states are then meaningless, and the next
     *     WARM solve starts from zero)
     */
    public SolveStatistics solve(Matrix u0) {
        int iterations = iterate(u0);
        finish(iterations);
        return statistics(iterations);
    }

    /** Sets up the initial guess and runs the iterations; returns how many ran. */
    int iterate(Matrix u0) {
        if (u0.rows() != width || u0.cols() != batch || u0.precision() != precision) {
            throw new IllegalArgumentException("initial state must be " + precision.label() + "[" + width + "×" + batch
                    + "], got " + u0.shape());
        }
        progress.started();
        cycle.resetTimers();
        Level fine = levels[0];
        kernels.copy(u0, fine.u[0]);
        InitialGuess guess = options.initialGuess();
        if (levels.length > 1 && (guess == InitialGuess.ZERO || (guess == InitialGuess.WARM && !warm))) {
            // The first relaxation overwrites the F-points from the C-points, so only those need the zero, unless
            // the first relaxation is skipped and the restriction reads the F-points before the C-points.
            int every = options.skipFirstDown() ? 1 : fine.cfactor;
            for (int n = every; n <= fine.steps; n += every) {
                kernels.fill(fine.u[n], 0);
            }
        } else if (guess == InitialGuess.SEQUENTIAL) {
            cycle.pipeline(0);
        }
        warm = false;
        normCount = 0;
        relativeBase = 0;
        try {
            if (levels.length == 1) {
                return 1;
            }
            return options.fixedIterations() ? iterateFixed() : iterateToTolerance();
        } catch (RuntimeException | Error e) {
            progress.ended();
            throw e;
        }
    }

    /** Fixed iterations; the last C-point (one state, cheap to check) tells when the iteration blows up. */
    private int iterateFixed() {
        Level fine = levels[0];
        Matrix lastCPoint = fine.u[fine.steps / fine.cfactor * fine.cfactor];
        for (int it = 0; it < maxIterations; it++) {
            boolean down = it > 0 || !options.skipFirstDown();
            boolean measure = options.measuresFixedIterations();
            double norm = Double.NaN;
            if (down) {
                norm = cycle.relaxAndRestrict(measure);
            } else if (measure) {
                norm = cycle.restrictMeasured();
            } else {
                cycle.restrict(0);
            }
            if (measure) {
                norms[normCount++] = norm;
            }
            cycle.solveCoarse(1, down);
            cycle.inject();
            progress.iterated(it + 1, norm);
            if (!Double.isFinite(fromOwner(lastCPoint, fine.steps / fine.cfactor * fine.cfactor))) {
                throw new SolveDivergedException(it + 1,
                        "MGRIT diverged: the last C-point is not finite after iteration " + (it + 1));
            }
        }
        return maxIterations;
    }

    private int iterateToTolerance() {
        double stop = options.tolerance();
        int growing = 0;
        for (int it = 0; ; it++) {
            boolean down = it > 0 || !options.skipFirstDown();
            double norm = down ? cycle.relaxAndRestrict(true) : cycle.restrictMeasured();
            norms[normCount++] = norm;
            progress.iterated(it, norm);
            if (!Double.isFinite(norm)) {
                throw new SolveDivergedException(it, "MGRIT diverged: residual norm " + norm + " after iteration "
                        + it);
            }
            growing = it > 0 && norm > norms[it - 1] ? growing + 1 : 0;
            if (growing >= GROWTH_LIMIT) {
                throw new SolveDivergedException(it, "MGRIT diverged: residual norm grew " + growing
                        + " times in a row, to " + norm + " after iteration " + it);
            }
            // Without the relaxation the F-point residuals are unmeasured: a skipped first iteration cannot stop.
            if (down && it == (options.skipFirstDown() ? 1 : 0)) {
                stop = Math.max(stop, options.relativeTolerance() * norm);
                relativeBase = norm;
            }
            if ((down && norm <= stop) || it == maxIterations) {
                return it;
            }
            cycle.solveCoarse(1, down);
            cycle.inject();
        }
    }

    /** The final pass (one level: the serial sweep); then the states are a valid warm start. */
    void finish(int iterations) {
        try {
            if (levels.length == 1) {
                long start = System.nanoTime();
                cycle.pipelineKeeping();
                cycle.timers()[SolvePhase.FINAL_PASS.ordinal()] += System.nanoTime() - start;
            } else {
                cycle.finalPass();
            }
            Level fine = levels[0];
            if (!Double.isFinite(fromOwner(fine.u[fine.steps], fine.steps))) {
                throw new SolveDivergedException(iterations, "MGRIT diverged: the final state is not finite after "
                        + iterations + " iteration" + (iterations == 1 ? "" : "s"));
            }
            warm = true;
        } finally {
            progress.ended();
        }
    }

    /** The largest magnitude in fine state n, as its owner computed it, on every rank. */
    private double fromOwner(Matrix state, int n) {
        int owner = blocks.owner(n);
        if (owner == ranks.rank()) {
            shared.setAtIndex(ValueLayout.JAVA_DOUBLE, 0, kernels.normMax(state));
        }
        if (ranks.size() > 1) {
            ranks.broadcast(shared.asSlice(0, Double.BYTES), owner);
        }
        return shared.getAtIndex(ValueLayout.JAVA_DOUBLE, 0);
    }

    /** The rank that owns fine state n (0 ≤ n ≤ N) and its side product: the one whose block steps from it. */
    public int owner(int n) {
        return blocks.owner(n);
    }

    /** The ranks this solver is distributed over. */
    public Communicator ranks() {
        return ranks;
    }

    /** Which layers each rank owns. */
    RankBlocks blocks() {
        return blocks;
    }

    /** Adds time spent in a phase outside the cycle (the adjoint's separate gradient pass). */
    void addTime(SolvePhase phase, long nanos) {
        cycle.timers()[phase.ordinal()] += nanos;
    }

    /** What the last solve did. */
    SolveStatistics statistics(int iterations) {
        boolean single = levels.length == 1;
        boolean converged = single || (!options.fixedIterations() && normCount > 0
                && (normCount > 1 || !options.skipFirstDown())
                && norms[normCount - 1] <= Math.max(options.tolerance(), options.relativeTolerance() * relativeBase));
        return new SolveStatistics(iterations, Arrays.copyOf(norms, normCount), converged,
                hierarchy.pointsPerLevel(), cycle.timers());
    }

    /**
     * Whether the fine state u_n (0 ≤ n ≤ N) is kept: always with {@link Storage#ALL}; with
     * {@link Storage#C_POINTS} for the multiples of c_0 and N.
     */
    public boolean stores(int n) {
        return levels[0].stores(n);
    }

    /**
     * The fine state u_n (0 ≤ n ≤ N) of the last solve; owned by this solver, overwritten by the next solve. Across
     * ranks, valid on its {@link #owner} only.
     *
     * @throws IllegalStateException when u_n is not kept (see {@link #stores})
     */
    public Matrix state(int n) {
        Matrix u = levels[0].u[n];
        if (u == null) {
            throw new IllegalStateException("state " + n + " is not kept: with C-point storage the solver keeps every "
                    + levels[0].storeEvery + "th state and the last");
        }
        return u;
    }

    /** The finest level, for recomputing the states it does not keep ({@link Recomputation}). */
    Level fineLevel() {
        return levels[0];
    }

    /** Bytes of off-heap memory this solver holds: its states, side products and work matrices. */
    public long bytesAllocated() {
        return arena.bytesAllocated();
    }

    /**
     * What the propagator's step n stored as side product in the last solve's final pass, from the final state
     * u_n (for the ResNet: the pre-activation K_n u_n + b_n), 0 ≤ n < N; owned by this solver.
     */
    public Matrix sideProduct(int n) {
        Matrix[] side = levels[0].side;
        if (side == null) {
            throw new IllegalStateException("this solver keeps no side products"
                    + (options.storage() == Storage.ALL ? "" : " (C-point storage)"));
        }
        return side[n];
    }

    /** Calls {@code listener} on the solving thread after every iteration of every later solve (null: none). */
    public void onIteration(IterationListener listener) {
        progress.listener(listener);
    }

    /** Ends the workers (unless the pool was borrowed) and frees all states. */
    @Override
    public void close() {
        if (ownsPool) {
            pool.close();
        }
        arena.close();
    }
}
