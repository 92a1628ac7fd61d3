package org.layerbraid.tools.run;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.layerbraid.mgrit.data.Peaks;
import org.layerbraid.mgrit.data.Split;
import org.layerbraid.mgrit.nn.Batch;
import org.layerbraid.mgrit.nn.Initialization;
import org.layerbraid.mgrit.nn.NetworkConfig;
import org.layerbraid.mgrit.nn.Parameters;
import org.layerbraid.mgrit.nn.ResNet;
import org.layerbraid.mgrit.nn.ResNetPropagator;
import org.layerbraid.mgrit.nn.SerialEvaluator;
import org.layerbraid.mgrit.solver.AdjointSolver;
import org.layerbraid.mgrit.solver.ForwardSolver;
import org.layerbraid.mgrit.solver.InitialGuess;
import org.layerbraid.mgrit.solver.MgritOptions;
import org.layerbraid.mgrit.solver.SolveStatistics;
import org.layerbraid.vecmath.Activation;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/**
 * The engine's self-checks on one configuration (XBraid's debugging recipe and more), each with its measured
 * number: MGRIT with one level is serial propagation bit for bit; a sequential initial guess has a zero
 * residual; two levels with c ≥ N are exact after one iteration; with FCF the exact solution advances at
 * least 2c layers per iteration; a converged solve matches serial within the tolerance; the worker count
 * changes no bit; the adjoint solve with one level is serial backpropagation bit for bit, converged it
 * matches it within the tolerance (λ's and gradient); the serial gradient matches finite differences.
 */
public final class Verification {
    /** One check's outcome. */
    public record Check(String name, String measured, String required, boolean passed) {
    }

    /** The network and the solver settings to check. */
    public record Setup(int layers, int width, int batch, Activation activation, int cfactor, int levels,
            int workers, long seed) {
        public Setup {
            if (layers < 2 || width < 1 || batch < 1 || cfactor < 2 || levels < 2 || workers < 1 || workers > 256) {
                throw new IllegalArgumentException("verify needs layers ≥ 2, width ≥ 1, batch ≥ 1, cfactor ≥ 2, "
                        + "levels ≥ 2 and 1–256 threads; got layers " + layers + ", width " + width + ", batch "
                        + batch + ", cfactor " + cfactor + ", levels " + levels + ", threads " + workers);
            }
        }
    }

    private static final double EXACT = 1e-12;
    private static final double TOLERANCE = 1e-10;

    private final Setup setup;
    private final Kernels kernels = Kernels.defaults();
    private final List<Check> checks = new ArrayList<>();

    private Verification(Setup setup) {
        this.setup = setup;
    }

    /** Runs every check; prints the table to {@code out} and returns the checks. */
    public static List<Check> run(Setup setup, PrintStream out) {
        Verification v = new Verification(setup);
        v.runAll();
        out.printf(Locale.ROOT, "%-52s %-26s %-18s %s%n", "check", "measured", "required", "result");
        for (Check c : v.checks) {
            out.printf(Locale.ROOT, "%-52s %-26s %-18s %s%n", c.name(), c.measured(), c.required(),
                    c.passed() ? "PASS" : "FAIL");
        }
        return v.checks;
    }

    private void runAll() {
        NetworkConfig config = new NetworkConfig(2, 5, setup.width(), setup.layers(), 1.0, setup.activation(),
                NetworkConfig.Opening.DENSE, false, 1e-7, 1e-5, 1e-7, Precision.F64);
        Split split = Peaks.generate(Math.max(setup.batch(), 5), 1, setup.seed());
        try (TensorArena arena = new TensorArena("verify"); ResNet model = new ResNet(config)) {
            // Weights of order one, so the layers really mix the channels and errors show.
            new Initialization(Initialization.Kind.NORMAL, 0.5, 0.5, 0.5).apply(model.parameters(), setup.seed());
            Matrix inputs = split.train().toMatrix(arena, Precision.F64).columns(0, setup.batch());
            int[] labels = java.util.Arrays.copyOf(split.train().labels(), setup.batch());
            Batch batch = new Batch(inputs, labels);
            try (SerialEvaluator serial = new SerialEvaluator(kernels, config, batch)) {
                Parameters p = model.parameters();
                serial.loss(p);
                ResNetPropagator propagator = new ResNetPropagator(kernels, config,
                        arena.matrix(Precision.F64, config.width(), setup.batch()),
                        arena.matrix(Precision.F64, config.width(), setup.batch()));
                propagator.use(p);
                Matrix difference = arena.matrix(Precision.F64, config.width(), setup.batch());
                forwardChecks(config, serial, propagator, difference);
                adjointChecks(config, model, serial, arena, difference);
                gradientCheck(config, model, serial, arena);
            }
        }
    }

    private void forwardChecks(NetworkConfig config, SerialEvaluator serial, ResNetPropagator propagator,
            Matrix difference) {
        int n = config.layers();
        int c = setup.cfactor();
        Matrix u0 = serial.state(0);
        // One level is serial time stepping.
        try (ForwardSolver one = solver(config, propagator, MgritOptions.builder().levels(1, 1).cfactor(c)
                .fixedIterations(1).build(), setup.workers())) {
            one.solve(u0);
            int differing = 0;
            for (int i = 0; i <= n; i++) {
                differing += bitwiseEqual(one.state(i), serial.state(i)) ? 0 : 1;
            }
            add("1 level = serial propagation, bitwise", differing + " of " + (n + 1) + " states differ", "0",
                    differing == 0);
        }
        // A sequential initial guess is the exact solution: nothing to correct.
        try (ForwardSolver seq = solver(config, propagator, options(c).initialGuess(InitialGuess.SEQUENTIAL).build(),
                setup.workers())) {
            SolveStatistics s = seq.solve(u0);
            add("sequential initial guess: zero residual", sci(s.residualNorms()[0]), "= 0",
                    s.residualNorms()[0] == 0);
        }
        // Two levels with c ≥ N: the coarse grid is one step, solved exactly.
        try (ForwardSolver two = solver(config, propagator, MgritOptions.builder().levels(2, 1).cfactor(n)
                .cfSweeps(0, 0).fixedIterations(1).build(), setup.workers())) {
            two.solve(u0);
            double err = maxError(two, serial, n, difference);
            add("2 levels, c = N: exact after 1 iteration", "max error " + sci(err), "≤ " + sci(EXACT), err <= EXACT);
        }
        // FCF: after k iterations the first 2ck layers are exact.
        int worstK = -1;
        double worst = 0;
        int iterations = Math.max(1, Math.min(3, n / (2 * c)));
        for (int k = 1; k <= iterations; k++) {
            try (ForwardSolver fcf = solver(config, propagator, MgritOptions.builder().levels(2, 1).cfactor(c)
                    .cfSweeps(1, 1).fixedIterations(k).build(), setup.workers())) {
                fcf.solve(u0);
                double err = maxError(fcf, serial, Math.min(n, 2 * c * k), difference);
                if (err > worst || worstK < 0) {
                    worst = err;
                    worstK = k;
                }
            }
        }
        add("FCF: exact solution advances ≥ 2c layers/iteration", "max error " + sci(worst) + " (k ≤ " + iterations
                + ")", "≤ " + sci(EXACT), worst <= EXACT);
        // A converged multilevel solve matches serial within the tolerance.
        double converged;
        SolveStatistics stats;
        try (ForwardSolver multi = solver(config, propagator, options(c).build(), setup.workers())) {
            stats = multi.solve(u0);
            converged = maxError(multi, serial, n, difference);
            add("converged " + stats.levels() + "-level solve = serial", "max error " + sci(converged) + " in "
                    + stats.iterations() + " it.", "≤ " + sci(100 * TOLERANCE), converged <= 100 * TOLERANCE
                    && stats.converged());
            // The worker count changes no bit.
            try (ForwardSolver single = solver(config, propagator, options(c).build(), 1)) {
                single.solve(u0);
                int differing = 0;
                for (int i = 0; i <= n; i++) {
                    differing += bitwiseEqual(single.state(i), multi.state(i)) ? 0 : 1;
                }
                add("1 vs " + setup.workers() + " workers: same states, bitwise", differing + " states differ", "0",
                        differing == 0);
            }
        }
    }

    /**
     * The adjoint solve against serial backpropagation from a random λ_N on the serial states: λ's and the
     * residual layers' gradient, with one level (bitwise) and converged.
     */
    private void adjointChecks(NetworkConfig config, ResNet model, SerialEvaluator serial, TensorArena arena,
            Matrix difference) {
        int n = config.layers();
        double h = config.h();
        Matrix lambdaN = arena.matrix(Precision.F64, config.width(), setup.batch());
        java.util.SplittableRandom random = new java.util.SplittableRandom(setup.seed() + 1);
        for (int r = 0; r < lambdaN.rows(); r++) {
            for (int c = 0; c < lambdaN.cols(); c++) {
                lambdaN.set(r, c, 2 * random.nextDouble() - 1);
            }
        }
        ResNetPropagator propagator = ResNetPropagator.withThreadScratch(kernels, config, setup.batch(), arena);
        propagator.use(model.parameters());
        // Serial backpropagation through the residual layers: the reference.
        Parameters serialGradient = model.newVector(arena);
        propagator.accumulateInto(serialGradient);
        Matrix[] lambda = new Matrix[n + 1];
        lambda[n] = lambdaN;
        for (int i = n - 1; i >= 0; i--) {
            lambda[i] = arena.matrix(Precision.F64, config.width(), setup.batch());
            propagator.adjointStep(i, h, serial.state(i), null, lambda[i + 1], lambda[i], true, 0, setup.batch());
        }
        for (int levels : new int[] {1, setup.levels()}) {
            Parameters gradient = model.newVector(arena);
            propagator.accumulateInto(gradient);
            MgritOptions options = levels == 1 ? MgritOptions.builder().levels(1, 1).cfactor(setup.cfactor())
                    .fixedIterations(1).build() : options(setup.cfactor()).build();
            try (AdjointSolver solver = new AdjointSolver(propagator, kernels, n, h, Precision.F64, config.width(),
                    setup.batch(), options, setup.workers())) {
                SolveStatistics stats = solver.solve(serial::state, lambdaN);
                if (levels == 1) {
                    int differing = 0;
                    for (int i = 0; i <= n; i++) {
                        differing += bitwiseEqual(solver.adjoint(i), lambda[i]) ? 0 : 1;
                    }
                    boolean sameGradient = bitwiseEqual(gradient.flat(), serialGradient.flat());
                    add("adjoint, 1 level = serial backprop, bitwise", differing + " λ differ, gradient "
                            + (sameGradient ? "equal" : "differs"), "0, equal", differing == 0 && sameGradient);
                } else {
                    double worst = 0;
                    for (int i = 0; i <= n; i++) {
                        kernels.copy(solver.adjoint(i), difference);
                        kernels.axpby(-1, lambda[i], 1, difference);
                        worst = Math.max(worst, kernels.normMax(difference));
                    }
                    Matrix g = gradient.flat();
                    kernels.axpby(-1, serialGradient.flat(), 1, g);
                    double gradientError = kernels.normMax(g) / kernels.normMax(serialGradient.flat());
                    add("converged " + stats.levels() + "-level adjoint = serial", "λ " + sci(worst) + ", ∇ rel. "
                            + sci(gradientError), "≤ " + sci(100 * TOLERANCE), worst <= 100 * TOLERANCE
                            && gradientError <= 100 * TOLERANCE && stats.converged());
                }
            }
        }
    }

    private void gradientCheck(NetworkConfig config, ResNet model, SerialEvaluator serial, TensorArena arena) {
        Parameters p = model.parameters();
        Parameters gradient = model.newVector(arena);
        serial.lossAndGradient(p, gradient);
        Matrix flat = p.flat();
        java.util.SplittableRandom random = new java.util.SplittableRandom(setup.seed());
        double worst = 0;
        double step = 1e-5;
        // Relative error, with a floor at 10⁻³ of the largest gradient entry: tiny entries are all rounding.
        double floor = 1e-3 * kernels.normMax(gradient.flat());
        for (int t = 0; t < 20; t++) {
            int i = random.nextInt(flat.cols());
            double saved = flat.get(0, i);
            flat.set(0, i, saved + step);
            double plus = serial.loss(p);
            flat.set(0, i, saved - step);
            double minus = serial.loss(p);
            flat.set(0, i, saved);
            double fd = (plus - minus) / (2 * step);
            double g = gradient.flat().get(0, i);
            worst = Math.max(worst, Math.abs(fd - g) / Math.max(Math.abs(fd), floor));
        }
        add("gradient = central finite differences (20 params)", "max rel. error " + sci(worst), "≤ 1e-05",
                worst <= 1e-5);
    }

    private MgritOptions.Builder options(int c) {
        return MgritOptions.builder().levels(setup.levels(), 2).cfactor(c).cfSweeps(0, 1).tolerance(TOLERANCE, 100);
    }

    private ForwardSolver solver(NetworkConfig config, ResNetPropagator propagator, MgritOptions options, int workers) {
        return new ForwardSolver(propagator, kernels, config.layers(), config.h(), Precision.F64, config.width(),
                setup.batch(), options, workers);
    }

    /** The largest |solver − serial| over states 0 … last. */
    private double maxError(ForwardSolver solver, SerialEvaluator serial, int last, Matrix difference) {
        double worst = 0;
        for (int i = 0; i <= last; i++) {
            kernels.copy(solver.state(i), difference);
            kernels.axpby(-1, serial.state(i), 1, difference);
            worst = Math.max(worst, kernels.normMax(difference));
        }
        return worst;
    }

    private static boolean bitwiseEqual(Matrix a, Matrix b) {
        for (int r = 0; r < a.rows(); r++) {
            for (int c = 0; c < a.cols(); c++) {
                if (Double.doubleToRawLongBits(a.get(r, c)) != Double.doubleToRawLongBits(b.get(r, c))) {
                    return false;
                }
            }
        }
        return true;
    }

    private void add(String name, String measured, String required, boolean passed) {
        checks.add(new Check(name, measured, required, passed));
    }

    private static String sci(double v) {
        return String.format(Locale.ROOT, "%.2e", v);
    }
}
