package org.layerbraid.mgrit.api;

import java.util.Objects;
import org.layerbraid.mgrit.solver.AdjointSolver;
import org.layerbraid.mgrit.solver.ForwardSolver;
import org.layerbraid.mgrit.solver.IterationListener;
import org.layerbraid.mgrit.solver.MgritOptions;
import org.layerbraid.mgrit.solver.Propagator;
import org.layerbraid.mgrit.solver.SolveStatistics;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/**
 * An MGRIT solve of a user's chain, on a runtime's kernels and worker pool: {@link #solve(double...)} from an initial
 * state, then read the states. Made by {@link LayerBraid#mgrit}; owns its states (closing frees them), borrows the
 * runtime's pool.
 *
 * <pre>{@code
 * try (MgritSolve solve = lb.mgrit(step).steps(1024).stepSize(4.0 / 1024).state(1, 1)
 *         .options(MgritOptions.builder().levels(2, 2).cfactor(4).tolerance(1e-10, 50).build()).build()) {
 *     SolveStatistics stats = solve.solve(1.0);
 * }
 * }</pre>
 */
public final class MgritSolve implements AutoCloseable {
    private final ForwardSolver solver;
    private final TensorArena arena;
    private final Matrix initial;

    private MgritSolve(ForwardSolver solver, TensorArena arena, Matrix initial) {
        this.solver = solver;
        this.arena = arena;
        this.initial = initial;
    }

    /** Solves from u_0 given row after row (width × batch values); returns what the solve did. */
    public SolveStatistics solve(double... u0) {
        if (u0.length != initial.size()) {
            throw new IllegalArgumentException("the initial state has " + initial.rows() + " × " + initial.cols()
                    + " = " + initial.size() + " values, got " + u0.length);
        }
        initial.copyFrom(u0);
        return solver.solve(initial);
    }

    /** Solves from u_0 (width × batch, copied). */
    public SolveStatistics solve(Matrix u0) {
        return solver.solve(u0);
    }

    /**
     * The state u_n (0 ≤ n ≤ N) of the last solve: owned by this solve, overwritten by the next one.
     *
     * @throws IllegalStateException with {@code Storage.C_POINTS} for a state not kept ({@code solver().stores(n)})
     */
    public Matrix state(int n) {
        return solver.state(n);
    }

    /** The engine underneath, for what this front door does not show (side products, hierarchy, warm restarts). */
    public ForwardSolver solver() {
        return solver;
    }

    @Override
    public void close() {
        solver.close();
        arena.close();
    }

    /** The chain's size and the solver's settings; every setting but the propagator has a default. */
    public static final class Builder {
        private final LayerBraid runtime;
        private final Propagator propagator;
        private int steps = -1;
        private double stepSize = Double.NaN;
        private int width = 1;
        private int batch = 1;
        private Precision precision = Precision.F64;
        private MgritOptions options = MgritOptions.builder().build();
        private int batchWorkers = 1;
        private IterationListener listener;

        Builder(LayerBraid runtime, Propagator propagator) {
            this.runtime = runtime;
            this.propagator = Objects.requireNonNull(propagator, "propagator");
        }

        /** N, the number of steps of the chain (required). */
        public Builder steps(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("steps must be at least 1, got " + n);
            }
            steps = n;
            return this;
        }

        /** h, the fine step size (required); coarse levels step with c·h. */
        public Builder stepSize(double h) {
            if (!(h > 0) || Double.isInfinite(h)) {
                throw new IllegalArgumentException("the step size must be positive and finite, got " + h);
            }
            stepSize = h;
            return this;
        }

        /** The state's shape: width × batch (default 1 × 1). */
        public Builder state(int stateWidth, int stateBatch) {
            if (stateWidth < 1 || stateBatch < 1) {
                throw new IllegalArgumentException("the state must be at least 1 × 1, got " + stateWidth + " × "
                        + stateBatch);
            }
            width = stateWidth;
            batch = stateBatch;
            return this;
        }

        /** float64 (default) or float32 states. */
        public Builder precision(Precision p) {
            precision = Objects.requireNonNull(p, "precision");
            return this;
        }

        /** Levels, coarsening, relaxation, cycle, tolerance (default: {@code MgritOptions.builder().build()}). */
        public Builder options(MgritOptions o) {
            options = Objects.requireNonNull(o, "options");
            return this;
        }

        /** Splits each interval's batch between this many of the runtime's workers (default 1: layers only). */
        public Builder batchWorkers(int count) {
            batchWorkers = count;
            return this;
        }

        /** Told after every iteration, on the solving thread. */
        public Builder onIteration(IterationListener l) {
            listener = l;
            return this;
        }

        /** The forward solve. */
        public MgritSolve build() {
            requireChain();
            ForwardSolver solver = new ForwardSolver(propagator, runtime.kernels(), steps, stepSize, precision, width,
                    batch, options, runtime.pool(), batchWorkers);
            TensorArena arena = new TensorArena("initial state");
            solver.onIteration(listener);
            return new MgritSolve(solver, arena, arena.matrix(precision, width, batch));
        }

        /**
         * The adjoint solve {@code λ_n = (∂Φ_n/∂u)ᵀ λ_{n+1}} backwards from λ_N, for a propagator with an adjoint step.
         */
        public AdjointSolver buildAdjoint() {
            requireChain();
            AdjointSolver solver = new AdjointSolver(propagator, runtime.kernels(), steps, stepSize, precision, width,
                    batch, options, runtime.pool(), batchWorkers);
            solver.onIteration(listener);
            return solver;
        }

        private void requireChain() {
            if (steps < 0 || Double.isNaN(stepSize)) {
                throw new IllegalStateException("set steps(N) and stepSize(h) before build()");
            }
        }
    }
}
