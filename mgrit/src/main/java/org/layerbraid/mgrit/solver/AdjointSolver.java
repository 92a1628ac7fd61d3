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
 */
public final class AdjointSolver implements AutoCloseable {
    private final Propagator propagator;
    private final ReversedChain chain;
    private final ForwardSolver solver;
    private final TensorArena arena;
    /** One discarded λ output per worker, for the separate gradient pass. */
    private final Matrix[] scratch;
    private final Region gradientPass = this::gradients;
    private final int steps;
    private final double h;
    private final int batch;
    private IntFunction<Matrix> states;
    private IntFunction<Matrix> preActivations;

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
        this(propagator, kernels, steps, h, precision, width, batch, options,
                ForwardSolver.layerBlocks(pool, batchWorkers), batchWorkers, pool);
    }

    private AdjointSolver(Propagator propagator, Kernels kernels, int steps, double h, Precision precision,
            int width, int batch, MgritOptions options, int layerWorkers, int batchWorkers, WorkerPool borrowed) {
        requireAdjoint(propagator);
        this.propagator = propagator;
        this.chain = new ReversedChain(propagator, steps, h);
        this.steps = steps;
        this.h = h;
        this.batch = batch;
        this.solver = new ForwardSolver(chain, kernels, steps, h, precision, width, batch, options, layerWorkers,
                batchWorkers, false, borrowed);
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
        return solve(forward::state, forward::sideProduct, lambdaFinal);
    }

    /**
     * Solves from {@code lambdaFinal} = λ_N (copied) at the forward states {@code forwardStates.apply(n)} = u_n,
     * n = 0..N (read, not copied: they must stay unchanged during the call), recomputing pre-activations, then adds
     * the parameter gradient of every layer to the propagator's gradient. The adjoints are then {@link #adjoint}.
     *
     * @throws SolveDivergedException when the iteration diverges; the gradient is then incomplete
     */
    public SolveStatistics solve(IntFunction<Matrix> forwardStates, Matrix lambdaFinal) {
        return solve(forwardStates, null, lambdaFinal);
    }

    private SolveStatistics solve(IntFunction<Matrix> forwardStates, IntFunction<Matrix> pre, Matrix lambdaN) {
        chain.lineariseAt(forwardStates, pre);
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
            this.preActivations = pre;
            solver.pool().run(gradientPass);
            solver.addTime(SolvePhase.FINAL_PASS, System.nanoTime() - start);
        }
        return solver.statistics(iterations);
    }

    /** Adds the gradient of a block of layers, each over the batch tiles in order. */
    private void gradients(int worker, int workers) {
        int tile = solver.tileColumns();
        for (int n = Partition.from(worker, workers, steps); n < Partition.to(worker, workers, steps); n++) {
            Matrix z = preActivations == null ? null : preActivations.apply(n);
            for (int c0 = 0; c0 < batch; c0 += tile) {
                propagator.adjointStep(n, h, states.apply(n), z, adjoint(n + 1), scratch[worker], true, c0,
                        Math.min(c0 + tile, batch));
            }
        }
    }

    /** The adjoint λ_n (0 ≤ n ≤ N) of the last solve; owned by this solver, overwritten by the next solve. */
    public Matrix adjoint(int n) {
        return solver.state(steps - n);
    }

    /** Ends the workers and frees all adjoints. */
    @Override
    public void close() {
        arena.close();
        solver.close();
    }
}
