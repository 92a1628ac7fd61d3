package org.layerbraid.mgrit.solver;

import java.util.function.IntFunction;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;

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
    private final ReversedChain chain;
    private final ForwardSolver solver;
    private final int steps;

    /**
     * A solver for the adjoint of N = {@code steps} steps of size h on width × batch states.
     *
     * @param workers the number of workers (the caller is one of them)
     * @throws IllegalArgumentException for bad options, sizes or worker counts
     */
    public AdjointSolver(Propagator propagator, Kernels kernels, int steps, double h, Precision precision, int width,
            int batch, MgritOptions options, int workers) {
        this.chain = new ReversedChain(propagator, steps, h);
        this.steps = steps;
        this.solver = new ForwardSolver(chain, kernels, steps, h, precision, width, batch, options, workers, false);
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

    private SolveStatistics solve(IntFunction<Matrix> states, IntFunction<Matrix> preActivations, Matrix lambdaN) {
        chain.lineariseAt(states, preActivations);
        int iterations = solver.iterate(lambdaN);
        chain.accumulating(true);
        try {
            solver.finish(iterations);
        } finally {
            chain.accumulating(false);
        }
        return solver.statistics(iterations);
    }

    /** The adjoint λ_n (0 ≤ n ≤ N) of the last solve; owned by this solver, overwritten by the next solve. */
    public Matrix adjoint(int n) {
        return solver.state(steps - n);
    }

    /** Ends the workers and frees all adjoints. */
    @Override
    public void close() {
        solver.close();
    }
}
