package org.layerbraid.mgrit.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.layerbraid.mgrit.exec.WorkerPool;
import org.layerbraid.mgrit.solver.AdjointSolver;
import org.layerbraid.mgrit.solver.ForwardSolver;
import org.layerbraid.mgrit.solver.InitialGuess;
import org.layerbraid.mgrit.solver.MgritOptions;
import org.layerbraid.mgrit.solver.Propagator;
import org.layerbraid.mgrit.solver.SolveDivergedException;
import org.layerbraid.mgrit.solver.SolveStatistics;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/**
 * Checks a propagator against the properties MGRIT relies on, as XBraid's {@code braid_TestAll} does for a user's
 * code, each with its measured number: with one level MGRIT is serial stepping bit for bit; a sequential initial guess
 * leaves a zero residual; two levels with c ≥ N are exact after one iteration; with FCF relaxation the exact solution
 * advances at least 2c steps per iteration; a converged solve matches serial stepping; the worker count changes no
 * bit. A propagator with an adjoint step is also checked backwards (one level = serial backpropagation bit for bit;
 * converged = serial), and one declared linear is checked for linearity. The serial reference steps the propagator
 * itself from a random u_0.
 *
 * <pre>{@code
 * PropagatorCheck.of(myPropagator).steps(256).stepSize(1.0 / 256).state(8, 16).run(lb).assertPassed();
 * }</pre>
 */
public final class PropagatorCheck {
    /** One check's outcome. */
    public record Check(String name, String measured, String required, boolean passed) {
    }

    private static final double EXACT = 1e-12;
    private static final double TOLERANCE = 1e-10;

    private final List<Check> checks;

    private PropagatorCheck(List<Check> checks) {
        this.checks = List.copyOf(checks);
    }

    /** Starts describing the chain to check. */
    public static Builder of(Propagator propagator) {
        return new Builder(propagator);
    }

    /** {@link #of(Propagator)} for a forward-only step on whole states. */
    public static Builder of(Step step) {
        return new Builder(step.asPropagator());
    }

    /** Every check, in the order run. */
    public List<Check> checks() {
        return checks;
    }

    /** Whether every check passed. */
    public boolean passed() {
        return checks.stream().allMatch(Check::passed);
    }

    /** Throws {@link AssertionError} listing the failed checks, if any (for a unit test). */
    public void assertPassed() {
        List<String> failed = checks.stream().filter(c -> !c.passed())
                .map(c -> c.name() + ": " + c.measured() + ", required " + c.required()).toList();
        if (!failed.isEmpty()) {
            throw new AssertionError("propagator check failed: " + String.join("; ", failed));
        }
    }

    /** The checks as a table, one line each, with PASS or FAIL. */
    public String table() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-52s %-30s %-14s %s%n", "check", "measured",
                "required", "result"));
        for (Check c : checks) {
            b.append(String.format(Locale.ROOT, "%-52s %-30s %-14s %s%n", c.name(), c.measured(), c.required(),
                    c.passed() ? "PASS" : "FAIL"));
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return table();
    }

    /** The chain and the solver settings to check with. */
    public static final class Builder {
        private final Propagator propagator;
        private int steps = 64;
        private double stepSize = 1.0 / 64;
        private int width = 1;
        private int batch = 1;
        private int cfactor = 4;
        private int levels = 3;
        private boolean linear;
        private long seed = 1;
        private Matrix initial;

        private Builder(Propagator propagator) {
            this.propagator = propagator;
        }

        /** N (default 64). */
        public Builder steps(int n) {
            steps = n;
            return this;
        }

        /** h (default 1/64). */
        public Builder stepSize(double h) {
            stepSize = h;
            return this;
        }

        /** The state's shape, width × batch (default 1 × 1). */
        public Builder state(int stateWidth, int stateBatch) {
            width = stateWidth;
            batch = stateBatch;
            return this;
        }

        /** The coarsening factor (default 4) and the levels of the multilevel checks (default 3). */
        public Builder grid(int coarsening, int maxLevels) {
            cfactor = coarsening;
            levels = maxLevels;
            return this;
        }

        /** Declares the chain linear in u: linearity is then checked too. */
        public Builder linear(boolean isLinear) {
            linear = isLinear;
            return this;
        }

        /** The initial state (width × batch, float64; default: uniform in [−1, 1) from the seed). */
        public Builder initialState(Matrix u0) {
            initial = u0;
            return this;
        }

        /** The seed of the random initial state and adjoint (default 1). */
        public Builder seed(long s) {
            seed = s;
            return this;
        }

        /** Runs every check on the runtime's kernels and pool. */
        public PropagatorCheck run(LayerBraid runtime) {
            if (steps < 2 || width < 1 || batch < 1 || cfactor < 2 || levels < 2 || !(stepSize > 0)) {
                throw new IllegalArgumentException("the check needs steps ≥ 2, a positive step size, a state of at "
                        + "least 1 × 1, cfactor ≥ 2 and levels ≥ 2; got steps " + steps + ", h " + stepSize
                        + ", state " + width + " × " + batch + ", cfactor " + cfactor + ", levels " + levels);
            }
            try (TensorArena arena = new TensorArena("propagator check")) {
                return new PropagatorCheck(new Run(this, runtime, arena).all());
            }
        }
    }

    /** One run of the checks. */
    private static final class Run {
        private final Builder b;
        private final LayerBraid runtime;
        private final Kernels kernels;
        private final TensorArena arena;
        private final List<Check> checks = new ArrayList<>();
        private final Matrix[] serial;
        private final Matrix difference;
        /** The largest |u_n| of the serial states: errors are measured relative to it (at least 1). */
        private final double scale;

        Run(Builder b, LayerBraid runtime, TensorArena arena) {
            this.b = b;
            this.runtime = runtime;
            this.kernels = runtime.kernels();
            this.arena = arena;
            this.difference = state();
            this.serial = new Matrix[b.steps + 1];
            serial[0] = state();
            if (b.initial != null) {
                kernels.copy(b.initial, serial[0]);
            } else {
                random(serial[0], b.seed);
            }
            Matrix side = state();
            double largest = kernels.normMax(serial[0]);
            for (int n = 0; n < b.steps; n++) {
                serial[n + 1] = state();
                b.propagator.step(n, b.stepSize, serial[n], serial[n + 1], side, 0, b.batch);
                largest = Math.max(largest, kernels.normMax(serial[n + 1]));
            }
            this.scale = Math.max(1, largest);
        }

        List<Check> all() {
            forward();
            if (Propagator.hasAdjoint(b.propagator)) {
                adjoint();
            }
            if (b.linear) {
                linearity();
            }
            return checks;
        }

        /** Runs one check; a solve that diverges fails it (with the solver's sentence) instead of ending the run. */
        private void guarded(String name, Runnable check) {
            try {
                check.run();
            } catch (SolveDivergedException e) {
                add(name, "diverged: " + e.getMessage(), "converges", false);
            }
        }

        private void forward() {
            int n = b.steps;
            int c = b.cfactor;
            guarded("1 level = serial stepping, bitwise", () -> {
                try (ForwardSolver one = solver(MgritOptions.builder().levels(1, 1).cfactor(c).fixedIterations(1)
                        .build(), runtime.pool())) {
                    one.solve(serial[0]);
                    int differing = 0;
                    for (int i = 0; i <= n; i++) {
                        differing += bitwiseEqual(one.state(i), serial[i]) ? 0 : 1;
                    }
                    add("1 level = serial stepping, bitwise", differing + " of " + (n + 1) + " states differ", "0",
                            differing == 0);
                }
            });
            guarded("sequential initial guess: zero residual", () -> {
                try (ForwardSolver seq = solver(options().initialGuess(InitialGuess.SEQUENTIAL).build(),
                        runtime.pool())) {
                    SolveStatistics s = seq.solve(serial[0]);
                    add("sequential initial guess: zero residual", sci(s.residualNorms()[0]), "= 0",
                            s.residualNorms()[0] == 0);
                }
            });
            guarded("2 levels, c ≥ N: exact after 1 iteration", () -> {
                try (ForwardSolver two = solver(MgritOptions.builder().levels(2, 1).cfactor(n).cfSweeps(0, 0)
                        .fixedIterations(1).build(), runtime.pool())) {
                    two.solve(serial[0]);
                    double err = error(two, n);
                    add("2 levels, c ≥ N: exact after 1 iteration", "rel. error " + sci(err), "≤ " + sci(EXACT),
                            err <= EXACT);
                }
            });
            guarded("FCF: exact solution advances ≥ 2c steps/iteration", () -> {
                double worst = 0;
                int iterations = Math.max(1, Math.min(3, n / (2 * c)));
                for (int k = 1; k <= iterations; k++) {
                    try (ForwardSolver fcf = solver(MgritOptions.builder().levels(2, 1).cfactor(c).cfSweeps(1, 1)
                            .fixedIterations(k).build(), runtime.pool())) {
                        fcf.solve(serial[0]);
                        worst = Math.max(worst, error(fcf, Math.min(n, 2 * c * k)));
                    }
                }
                add("FCF: exact solution advances ≥ 2c steps/iteration", "rel. error " + sci(worst) + " (k ≤ "
                        + iterations + ")", "≤ " + sci(EXACT), worst <= EXACT);
            });
            guarded("converged solve = serial", () -> {
                try (ForwardSolver multi = solver(options().build(), runtime.pool())) {
                    SolveStatistics stats = multi.solve(serial[0]);
                    double err = error(multi, n);
                    add("converged " + stats.levels() + "-level solve = serial", "rel. error " + sci(err) + " in "
                            + stats.iterations() + " it.", "≤ " + sci(100 * TOLERANCE), err <= 100 * TOLERANCE
                            && stats.converged());
                    if (runtime.threads() > 1) {
                        try (WorkerPool single = new WorkerPool(1);
                                ForwardSolver alone = solver(options().build(), single)) {
                            alone.solve(serial[0]);
                            int differing = 0;
                            for (int i = 0; i <= n; i++) {
                                differing += bitwiseEqual(alone.state(i), multi.state(i)) ? 0 : 1;
                            }
                            add("1 vs " + runtime.threads() + " workers: same states, bitwise", differing
                                    + " states differ", "0", differing == 0);
                        }
                    }
                }
            });
        }

        /** Backwards from a random λ_N on the serial states: one level bitwise, converged within the tolerance. */
        private void adjoint() {
            int n = b.steps;
            Matrix[] lambda = new Matrix[n + 1];
            lambda[n] = state();
            random(lambda[n], b.seed + 1);
            for (int i = n - 1; i >= 0; i--) {
                lambda[i] = state();
                b.propagator.adjointStep(i, b.stepSize, serial[i], null, lambda[i + 1], lambda[i], false, 0, b.batch);
            }
            double largest = 1;
            for (Matrix l : lambda) {
                largest = Math.max(largest, kernels.normMax(l));
            }
            double lambdaScale = largest;
            for (boolean oneLevel : new boolean[] {true, false}) {
                guarded(oneLevel ? "adjoint, 1 level = serial backprop." : "converged adjoint = serial",
                        () -> adjointSolve(oneLevel, lambda, lambdaScale));
            }
        }

        private void adjointSolve(boolean oneLevel, Matrix[] lambda, double lambdaScale) {
            int n = b.steps;
            MgritOptions options = oneLevel ? MgritOptions.builder().levels(1, 1).cfactor(b.cfactor)
                    .fixedIterations(1).build() : options().build();
            try (AdjointSolver solver = new AdjointSolver(b.propagator, kernels, n, b.stepSize, Precision.F64,
                    b.width, b.batch, options, runtime.pool(), 1)) {
                SolveStatistics stats = solver.solve(i -> serial[i], lambda[n]);
                if (oneLevel) {
                    int differing = 0;
                    for (int i = 0; i <= n; i++) {
                        differing += bitwiseEqual(solver.adjoint(i), lambda[i]) ? 0 : 1;
                    }
                    add("adjoint, 1 level = serial backprop., bitwise", differing + " of " + (n + 1)
                            + " λ differ", "0", differing == 0);
                } else {
                    double worst = 0;
                    for (int i = 0; i <= n; i++) {
                        worst = Math.max(worst, distance(solver.adjoint(i), lambda[i]) / lambdaScale);
                    }
                    add("converged " + stats.levels() + "-level adjoint = serial", "rel. error " + sci(worst)
                            + " in " + stats.iterations() + " it.", "≤ " + sci(100 * TOLERANCE),
                            worst <= 100 * TOLERANCE && stats.converged());
                }
            }
        }

        /** Φ_n(a·u + v) = a·Φ_n(u) + Φ_n(v) for a few steps n, u the serial state and v random. */
        private void linearity() {
            Matrix v = state();
            random(v, b.seed + 2);
            Matrix mixed = state();
            Matrix phiU = state();
            Matrix phiV = state();
            Matrix phiMixed = state();
            Matrix side = state();
            double a = 0.75;
            double worst = 0;
            for (int n : new int[] {0, b.steps / 2, b.steps - 1}) {
                kernels.copy(v, mixed);
                kernels.axpby(a, serial[n], 1, mixed);
                b.propagator.step(n, b.stepSize, serial[n], phiU, side, 0, b.batch);
                b.propagator.step(n, b.stepSize, v, phiV, side, 0, b.batch);
                b.propagator.step(n, b.stepSize, mixed, phiMixed, side, 0, b.batch);
                kernels.axpby(a, phiU, 1, phiV);
                worst = Math.max(worst, distance(phiMixed, phiV) / Math.max(1, kernels.normMax(phiMixed)));
            }
            add("linear: Φ(a·u + v) = a·Φ(u) + Φ(v)", "rel. error " + sci(worst), "≤ " + sci(EXACT),
                    worst <= EXACT);
        }

        private MgritOptions.Builder options() {
            return MgritOptions.builder().levels(b.levels, 2).cfactor(b.cfactor).cfSweeps(0, 1)
                    .tolerance(TOLERANCE, 100);
        }

        private ForwardSolver solver(MgritOptions options, WorkerPool pool) {
            return new ForwardSolver(b.propagator, kernels, b.steps, b.stepSize, Precision.F64, b.width, b.batch,
                    options, pool, 1);
        }

        /** The largest |solver − serial| over states 0 … last, relative to the states' scale. */
        private double error(ForwardSolver solver, int last) {
            double worst = 0;
            for (int i = 0; i <= last; i++) {
                worst = Math.max(worst, distance(solver.state(i), serial[i]));
            }
            return worst / scale;
        }

        private double distance(Matrix x, Matrix y) {
            kernels.copy(x, difference);
            kernels.axpby(-1, y, 1, difference);
            return kernels.normMax(difference);
        }

        private Matrix state() {
            return arena.matrix(Precision.F64, b.width, b.batch);
        }

        private static void random(Matrix m, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            for (int i = 0; i < m.rows(); i++) {
                for (int c = 0; c < m.cols(); c++) {
                    m.set(i, c, r.nextDouble(-1, 1));
                }
            }
        }

        private void add(String name, String measured, String required, boolean passed) {
            checks.add(new Check(name, measured, required, passed));
        }
    }

    static boolean bitwiseEqual(Matrix a, Matrix b) {
        for (int r = 0; r < a.rows(); r++) {
            for (int c = 0; c < a.cols(); c++) {
                if (Double.doubleToRawLongBits(a.get(r, c)) != Double.doubleToRawLongBits(b.get(r, c))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static String sci(double v) {
        return String.format(Locale.ROOT, "%.2e", v);
    }
}
