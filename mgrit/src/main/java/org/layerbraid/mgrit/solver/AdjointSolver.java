package org.layerbraid.mgrit.solver;

import java.util.function.IntFunction;
import org.layerbraid.mgrit.exec.Partition;
import org.layerbraid.mgrit.exec.Region;
import org.layerbraid.mgrit.exec.WorkerPool;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/**
 * Solves the adjoint chain {@code λ_n = (∂Φ_n/∂u)ᵀ λ_{n+1}}, n = N−1..0, from a given λ_N on stored forward states
 * u_0..u_N with MGRIT backward in layer-time (BRIEF §1), and accumulates the parameter gradient.
 * <p>
 * The chain is the forward chain of {@link ReversedChain} (index m = N − n) and is solved by a
 * {@link ForwardSolver} with this solver's own options: same cycles, relaxation, residual norm, statistics,
 * divergence checks and initial guesses (WARM restarts from the previous adjoint solve). Coarse levels use the
 * adjoint of the forward re-discretisation at the stored fine state of each coarse step's layer. The gradient is
 * added in the solve's final pass, which runs every fine adjoint step once at the final λ's: exactly serial
 * backpropagation's gradient at those λ's, computed by the worker that owns the layer's C-interval.
 * <p>
 * With more than one worker the propagator's {@code adjointStep} is called concurrently for different n, on the
 * same columns: it must then be safe to do so (for the ResNet, a propagator made by
 * {@code ResNetPropagator.withThreadScratch}; one with shared scratch is not).
 * Results do not depend on the number of workers. Owns its λ memory and workers; close it.
 * <p>
 * Across ranks, the adjoint chain is distributed over the ranks numbered backwards
 * ({@link Communicator#reversed}), so each rank solves for the λ's of the layers it owns in the forward solve, and
 * adds those layers' gradient ({@link #gradientOwner}); before a solve, the few forward states (and pre-activations)
 * it needs from a neighbour's block are fetched.
 */
public final class AdjointSolver implements AutoCloseable {
    private final Propagator propagator;
    private final ReversedChain chain;
    private final ForwardSolver solver;
    private final TensorArena arena;
    /** One discarded λ output per worker, for the separate gradient pass. */
    private final Matrix[] scratch;
    private final Region gradientPass = this::gradients;
    private final Communicator ranks;
    private final int steps;
    private final double h;
    private final int batch;
    private final Precision precision;
    private final int width;
    private LayerStates states;
    /** The F-point states of a forward solve with C-point storage, made for the first such solve seen. */
    private Recomputation recomputation;

    /**
     * A solver for the adjoint of N = {@code steps} steps of size h on width × batch states.
     *
     * @param workers the number of workers (the caller is one of them)
     * @throws IllegalArgumentException for bad options, sizes or worker counts
     */
    public AdjointSolver(Propagator propagator, Kernels kernels, int steps, double h, Precision precision, int width,
            int batch, MgritOptions options, int workers) {
        this(propagator, kernels, steps, h, precision, width, batch, options, workers, 1);
    }

    /**
     * A solver whose {@code layerWorkers × batchWorkers} workers share the C-intervals and the batch tiles of each
     * phase (see {@link ForwardSolver}). With more than one batch block, several workers would add to one layer's
     * gradient, so the gradient is added in a pass of its own, split by layers, each layer's tiles in the same
     * order as the fused final pass: the gradient has the same bits for every split.
     *
     * @throws IllegalArgumentException for bad options, sizes or worker counts
     */
    public AdjointSolver(Propagator propagator, Kernels kernels, int steps, double h, Precision precision, int width,
            int batch, MgritOptions options, int layerWorkers, int batchWorkers) {
        this(propagator, kernels, steps, h, precision, width, batch, options, layerWorkers, batchWorkers, null);
    }

    /**
     * A solver on a borrowed pool (see the {@link ForwardSolver} constructor that takes one): not closed with it.
     *
     * @throws IllegalArgumentException for bad options or sizes, or a pool whose worker count batchWorkers does not
     *                                  divide
     */
    public AdjointSolver(Propagator propagator, Kernels kernels, int steps, double h, Precision precision, int width,
            int batch, MgritOptions options, WorkerPool pool, int batchWorkers) {
        this(propagator, kernels, steps, h, precision, width, batch, options, pool, batchWorkers,
                Communicator.single());
    }

    /**
     * A solver on a borrowed pool that is one of {@code ranks.size()} ranks solving together (see the class
     * comment); {@code ranks} is the forward solve's communicator, not reversed.
     *
     * @throws IllegalArgumentException for bad options or sizes, a pool whose worker count batchWorkers does not
     *                                  divide, or more ranks than the coarsest level has steps
     */
    public AdjointSolver(Propagator propagator, Kernels kernels, int steps, double h, Precision precision, int width,
            int batch, MgritOptions options, WorkerPool pool, int batchWorkers, Communicator ranks) {
        this(propagator, kernels, steps, h, precision, width, batch, options,
                ForwardSolver.layerBlocks(pool, batchWorkers), batchWorkers, pool, ranks);
    }

    private AdjointSolver(Propagator propagator, Kernels kernels, int steps, double h, Precision precision,
            int width, int batch, MgritOptions options, int layerWorkers, int batchWorkers, WorkerPool borrowed) {
        this(propagator, kernels, steps, h, precision, width, batch, options, layerWorkers, batchWorkers, borrowed,
                Communicator.single());
    }

    private AdjointSolver(Propagator propagator, Kernels kernels, int steps, double h, Precision precision,
            int width, int batch, MgritOptions options, int layerWorkers, int batchWorkers, WorkerPool borrowed,
            Communicator ranks) {
        requireAdjoint(propagator);
        this.propagator = propagator;
        this.chain = new ReversedChain(propagator, steps, h);
        this.steps = steps;
        this.h = h;
        this.batch = batch;
        this.ranks = ranks;
        this.precision = precision;
        this.width = width;
        if (options.storage() == Storage.C_POINTS && batchWorkers > 1) {
            throw new IllegalArgumentException("C-point storage adds the gradient in the final pass: it cannot be "
                    + "combined with " + batchWorkers + " batch workers");
        }
        this.solver = new ForwardSolver(chain, kernels, steps, h, precision, width, batch, options, layerWorkers,
                batchWorkers, false, borrowed, ranks.reversed());
        this.arena = new TensorArena("adjoint gradient pass");
        this.scratch = new Matrix[solver.workers()];
        try {
            for (int w = 0; w < scratch.length && batchWorkers > 1; w++) {
                scratch[w] = arena.matrix(precision, width, batch);
            }
        } catch (RuntimeException | Error e) {
            arena.close();
            solver.close();
            throw e;
        }
    }

    private static void requireAdjoint(Propagator p) {
        if (!Propagator.hasAdjoint(p)) {
            throw new IllegalArgumentException("the adjoint solve needs a propagator with an adjoint step; "
                    + p.getClass().getName() + " has only the forward step");
        }
    }

    /** The grid levels of the adjoint solve, in reversed index m = N − n. */
    public Hierarchy hierarchy() {
        return solver.hierarchy();
    }

    /** Changes the iteration count of the following solves; see {@link ForwardSolver#maxIterations(int)}. */
    public void maxIterations(int count) {
        solver.maxIterations(count);
    }

    /** The iteration count of the following solves. */
    public int maxIterations() {
        return solver.maxIterations();
    }

    /** Declares the adjoints now in {@link #adjoint} (restored) a finished solve: the next WARM solve starts there. */
    public void resumeWarm() {
        solver.resumeWarm();
    }

    /** Calls {@code listener} on the solving thread after every iteration of every later solve (null: none). */
    public void onIteration(IterationListener listener) {
        solver.onIteration(listener);
    }

    /** The running (or last) solve, for watching from another thread. */
    public SolveProgress progress() {
        return solver.progress();
    }

    /**
     * Solves from {@code lambdaFinal} = λ_N (copied) at the states of the last solve of {@code forward}, using the
     * pre-activations it kept (so no adjoint step recomputes them), then adds every layer's parameter gradient to
     * the propagator's gradient. The adjoints are then {@link #adjoint}.
     *
     * @throws SolveDivergedException when the iteration diverges; the gradient is then incomplete
     */
    public SolveStatistics solve(ForwardSolver forward, Matrix lambdaFinal) {
        if (ranks.size() > 1) {
            fetchLayers(forward);
        }
        if (forward.options().storage() == Storage.ALL) {
            return solve(new LayerStates() {
                @Override
                public Matrix state(int n, int c0, int c1) {
                    return forward.state(n);
                }

                @Override
                public Matrix sideProduct(int n, int c0, int c1) {
                    return forward.sideProduct(n);
                }
            }, lambdaFinal);
        }
        if (solver.batchWorkers() > 1 && solver.hierarchy().levels() > 1) {
            throw new IllegalArgumentException("the states of a forward solve with C-point storage are recomputed in "
                    + "the final pass: the adjoint cannot have " + solver.batchWorkers() + " batch workers");
        }
        if (recomputation == null || !recomputation.serves(forward)) {
            if (recomputation != null) {
                recomputation.close();
            }
            recomputation = new Recomputation(forward, solver.pool(), precision, width, batch);
        }
        recomputation.forget();
        return solve(recomputation, lambdaFinal);
    }

    /**
     * Receives the forward states and pre-activations of this rank's adjoint layers that another rank's forward
     * block owns, and sends its own to the ranks whose adjoint layers they are; every rank goes through the layers
     * in the same order, so the messages between two ranks match.
     */
    private void fetchLayers(ForwardSolver forward) {
        int me = ranks.rank();
        for (int n = 0; n < steps; n++) {
            int from = forward.owner(n);
            int to = gradientOwner(n);
            if (from == to) {
                continue;
            }
            if (me == from) {
                ranks.send(forward.state(n).segment(), to);
                ranks.send(forward.sideProduct(n).segment(), to);
            } else if (me == to) {
                ranks.receive(forward.state(n).segment(), from);
                ranks.receive(forward.sideProduct(n).segment(), from);
            }
        }
        ranks.complete();
    }

    /**
     * The rank that solves for λ_{n+1} → λ_n and adds layer n's gradient (0 ≤ n < N): the one owning layer n in
     * the forward solve, but for a few layers at block edges when the two hierarchies cut differently.
     */
    public int gradientOwner(int n) {
        return ranks.size() - 1 - solver.owner(steps - 1 - n);
    }

    /** The rank that holds λ_n (0 ≤ n ≤ N) after a solve. */
    public int adjointOwner(int n) {
        return ranks.size() - 1 - solver.owner(steps - n);
    }

    /**
     * Solves from {@code lambdaFinal} = λ_N (copied) at the forward states {@code forwardStates.apply(n)} = u_n,
     * n = 0..N (read, not copied: they must stay unchanged during the call), recomputing pre-activations, then adds
     * the parameter gradient of every layer to the propagator's gradient. The adjoints are then {@link #adjoint}.
     * Across ranks, each rank must supply the states of its {@link #gradientOwner} layers.
     *
     * @throws SolveDivergedException when the iteration diverges; the gradient is then incomplete
     */
    public SolveStatistics solve(IntFunction<Matrix> forwardStates, Matrix lambdaFinal) {
        return solve(new LayerStates() {
            @Override
            public Matrix state(int n, int c0, int c1) {
                return forwardStates.apply(n);
            }

            @Override
            public Matrix sideProduct(int n, int c0, int c1) {
                return null;
            }
        }, lambdaFinal);
    }

    private SolveStatistics solve(LayerStates forwardStates, Matrix lambdaN) {
        chain.lineariseAt(forwardStates);
        int iterations = solver.iterate(lambdaN);
        boolean fused = solver.batchWorkers() == 1 || solver.hierarchy().levels() == 1;
        chain.accumulating(fused);
        try {
            solver.finish(iterations);
        } finally {
            chain.accumulating(false);
        }
        if (!fused) {
            long start = System.nanoTime();
            this.states = forwardStates;
            solver.pool().run(gradientPass);
            solver.addTime(SolvePhase.FINAL_PASS, System.nanoTime() - start);
        }
        return solver.statistics(iterations);
    }

    /** Adds the gradient of a block of this rank's layers, each over the batch tiles in order. */
    private void gradients(int worker, int workers) {
        int tile = solver.tileColumns();
        RankBlocks blocks = solver.blocks();
        int first = steps - blocks.endPoint(0);
        int count = blocks.endPoint(0) - blocks.firstPoint(0);
        for (int n = first + Partition.from(worker, workers, count); n < first + Partition.to(worker, workers, count);
                n++) {
            for (int c0 = 0; c0 < batch; c0 += tile) {
                int c1 = Math.min(c0 + tile, batch);
                propagator.adjointStep(n, h, states.state(n, c0, c1), states.sideProduct(n, c0, c1), adjoint(n + 1),
                        scratch[worker], true, c0, c1);
            }
        }
    }

    /**
     * The adjoint λ_n (0 ≤ n ≤ N) of the last solve; owned by this solver, overwritten by the next solve. Across
     * ranks, valid on its {@link #adjointOwner} only.
     */
    public Matrix adjoint(int n) {
        return solver.state(steps - n);
    }

    /** Whether λ_n (0 ≤ n ≤ N) is kept (see {@link ForwardSolver#stores}; λ_0 always is). */
    public boolean stores(int n) {
        return solver.stores(steps - n);
    }

    /** Bytes of off-heap memory this solver holds: its λ's, work matrices and recomputed forward states. */
    public long bytesAllocated() {
        return solver.bytesAllocated() + arena.bytesAllocated()
                + (recomputation == null ? 0 : recomputation.bytesAllocated());
    }

    /** Ends the workers and frees all adjoints. */
    @Override
    public void close() {
        if (recomputation != null) {
            recomputation.close();
        }
        arena.close();
        solver.close();
    }
}
