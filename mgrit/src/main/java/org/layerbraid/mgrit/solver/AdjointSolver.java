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
 * u_0..u_N with MGRIT backward in layer-time (BRIEF §1), then accumulates the parameter gradient.
 * <p>
 * The chain is the forward chain of {@link ReversedChain} (index m = N − n) and is solved by a
 * {@link ForwardSolver} with this solver's own options: same V-cycles, relaxation, residual norm, statistics,
 * divergence checks and initial guesses (WARM restarts from the previous adjoint solve). Coarse levels use the
 * adjoint of the forward re-discretisation at the stored fine state of each coarse step's layer. After the
 * iterations, one pass over all fine layers calls {@code adjointStep} with {@code accumulateGradient} set on the
 * final λ's, so the gradient is exactly serial backpropagation's at the same λ's; the layers of that pass are
 * shared between the workers (every layer adds to its own gradient block).
 * <p>
 * With more than one worker the propagator's {@code adjointStep} is called concurrently for different n with
 * {@code z = null}, on the whole batch: it must then be safe to do so (for the ResNet, a propagator made by
 * {@code ResNetPropagator.withThreadScratch}; one with shared scratch is not).
 * Results do not depend on the number of workers. Owns its λ memory and workers; close it.
 */
public final class AdjointSolver implements AutoCloseable {
    private final Propagator propagator;
    private final ReversedChain chain;
    private final ForwardSolver solver;
    private final TensorArena arena;
    private final WorkerPool pool;
    /** One output matrix per worker for the gradient pass, whose λ_n results are not kept. */
    private final Matrix[] scratch;
    private final Region gradientPass = this::accumulate;
    private final int steps;
    private final double h;
    private final int batch;
    private IntFunction<Matrix> states;

    /**
     * A solver for the adjoint of N = {@code steps} steps of size h on width × batch states.
     *
     * @param workers the number of workers (the caller is one of them)
     * @throws IllegalArgumentException for bad options, sizes or worker counts
     */
    public AdjointSolver(Propagator propagator, Kernels kernels, int steps, double h, Precision precision, int width,
            int batch, MgritOptions options, int workers) {
        this.propagator = propagator;
        this.chain = new ReversedChain(propagator, steps, h);
        this.steps = steps;
        this.h = h;
        this.batch = batch;
        this.solver = new ForwardSolver(chain, kernels, steps, h, precision, width, batch, options, workers);
        this.arena = new TensorArena("adjoint solve");
        WorkerPool created = null;
        try {
            this.scratch = new Matrix[workers];
            for (int w = 0; w < workers; w++) {
                scratch[w] = arena.matrix(precision, width, batch);
            }
            created = new WorkerPool(workers);
            this.pool = created;
        } catch (RuntimeException | Error e) {
            if (created != null) {
                created.close();
            }
            arena.close();
            solver.close();
            throw e;
        }
    }

    /** The grid levels of the adjoint solve, in reversed index m = N − n. */
    public Hierarchy hierarchy() {
        return solver.hierarchy();
    }

    /**
     * Solves from {@code lambdaFinal} = λ_N (copied) at the forward states {@code forwardStates.apply(n)} = u_n,
     * n = 0..N (read, not copied: they must stay unchanged during the call), then adds the parameter gradient of
     * every layer to the propagator's gradient. The adjoints are then {@link #adjoint}.
     *
     * @throws SolveDivergedException when the iteration diverges; no gradient is added then
     */
    public SolveStatistics solve(IntFunction<Matrix> forwardStates, Matrix lambdaFinal) {
        chain.lineariseAt(forwardStates);
        states = forwardStates;
        SolveStatistics stats = solver.solve(lambdaFinal);
        pool.run(gradientPass);
        return stats;
    }

    private void accumulate(int worker, int workers) {
        for (int n = Partition.from(worker, workers, steps); n < Partition.to(worker, workers, steps); n++) {
            propagator.adjointStep(n, h, states.apply(n), null, adjoint(n + 1), scratch[worker], true, 0, batch);
        }
    }

    /** The adjoint λ_n (0 ≤ n ≤ N) of the last solve; owned by this solver, overwritten by the next solve. */
    public Matrix adjoint(int n) {
        return solver.state(steps - n);
    }

    /** Ends the workers and frees all adjoints. */
    @Override
    public void close() {
        pool.close();
        arena.close();
        solver.close();
    }
}
