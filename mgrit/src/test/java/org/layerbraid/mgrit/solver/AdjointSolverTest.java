package org.layerbraid.mgrit.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.layerbraid.mgrit.nn.Initialization;
import org.layerbraid.mgrit.nn.NetworkConfig;
import org.layerbraid.mgrit.nn.Parameters;
import org.layerbraid.mgrit.nn.ResNet;
import org.layerbraid.mgrit.nn.ResNetPropagator;
import org.layerbraid.vecmath.Activation;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/**
 * The adjoint MGRIT solve on a tanh ResNet against serial backpropagation through the same adjoint steps: one level
 * is serial bitwise (adjoints and gradient), c ≥ N is exact after one iteration, FCF makes 2c more layers exact per
 * iteration backwards from λ_N, converged solves match serial, and worker counts do not change any bit.
 */
class AdjointSolverTest {
    private static final Kernels KERNELS = Kernels.defaults();
    private static final int N = 64;

    /**
     * A tanh ResNet of width 4 on a batch of 5 (T = 1, standard normal weights), its serially propagated states, a
     * random λ_N and the serial adjoints and gradient. The propagator's calls are serialised, because its scratch is
     * shared: that makes it safe for several workers and changes no result.
     */
    private static final class Problem implements AutoCloseable {
        final int steps;
        final double h;
        final Matrix[] u;
        final Matrix[] lambda;
        final double[] gradient;
        final Propagator propagator;
        private final ResNet model;
        private final TensorArena arena = new TensorArena("adjoint test");
        private final ResNetPropagator resNet;

        Problem(int steps, long seed) {
            this.steps = steps;
            NetworkConfig config = new NetworkConfig(2, 2, 4, steps, 1.0, Activation.TANH,
                    NetworkConfig.Opening.ZERO_PAD, false, 0, 0, 0, Precision.F64);
            this.h = config.h();
            this.model = new ResNet(config);
            new Initialization(Initialization.Kind.NORMAL, 1, 1, 1).apply(model.parameters(), seed);
            this.resNet = ResNetPropagator.withThreadScratch(KERNELS, config, 5, arena);
            resNet.use(model.parameters());
            this.propagator = resNet;
            SplittableRandom random = new SplittableRandom(seed);
            this.u = new Matrix[steps + 1];
            this.lambda = new Matrix[steps + 1];
            u[0] = random(random);
            for (int n = 0; n < steps; n++) {
                u[n + 1] = matrix();
                resNet.step(n, h, u[n], u[n + 1], null, 0, 5);
            }
            lambda[steps] = random(random);
            Parameters g = model.newVector(arena);
            resNet.accumulateInto(g);
            for (int n = steps - 1; n >= 0; n--) {
                lambda[n] = matrix();
                resNet.adjointStep(n, h, u[n], null, lambda[n + 1], lambda[n], true, 0, 5);
            }
            this.gradient = g.flat().toArray();
        }

        private Matrix matrix() {
            return arena.matrix(Precision.F64, 4, 5);
        }

        private Matrix random(SplittableRandom random) {
            Matrix m = matrix();
            for (int r = 0; r < 4; r++) {
                for (int c = 0; c < 5; c++) {
                    m.set(r, c, random.nextDouble(-1, 1));
                }
            }
            return m;
        }

        AdjointSolver solver(MgritOptions options, int workers) {
            return new AdjointSolver(propagator, KERNELS, steps, h, Precision.F64, 4, 5, options, workers);
        }

        /** Solves from the serial λ_N at the serial states; returns the statistics and the gradient it added. */
        Result solve(AdjointSolver solver) {
            Parameters g = model.newVector(arena);
            resNet.accumulateInto(g);
            SolveStatistics stats = solver.solve(n -> u[n], lambda[steps]);
            return new Result(stats, g.flat().toArray());
        }

        /** The largest absolute difference between the solver's λ_n and the serial one. */
        double error(AdjointSolver solver, int n) {
            return maxDifference(solver.adjoint(n).toArray(), lambda[n].toArray());
        }

        /** The largest difference of a gradient from the serial one, relative to the serial one's largest entry. */
        double gradientError(double[] g) {
            double scale = 0;
            for (double x : gradient) {
                scale = Math.max(scale, Math.abs(x));
            }
            return maxDifference(g, gradient) / scale;
        }

        @Override
        public void close() {
            arena.close();
            model.close();
        }
    }

    private record Result(SolveStatistics stats, double[] gradient) {
    }

    private static double maxDifference(double[] a, double[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    @ParameterizedTest
    @CsvSource({"1, 1", "3, 2", "3, 3"})
    void storedPreActivationsGiveTheSameBitsAsRecomputedOnes(int levels, int workers) {
        MgritOptions options = MgritOptions.builder().levels(levels, 2).cfactor(4).cfSweeps(0, 1).fixedIterations(2)
                .build();
        try (Problem p = new Problem(N, 5);
                ForwardSolver forward = new ForwardSolver(p.propagator, KERNELS, N, p.h, Precision.F64, 4, 5, options,
                        workers);
                AdjointSolver stored = p.solver(options, workers); AdjointSolver recomputed = p.solver(options, 1)) {
            forward.solve(p.u[0]);
            Parameters a = p.model.newVector(p.arena);
            p.resNet.accumulateInto(a);
            stored.solve(forward, p.lambda[N]);
            Parameters b = p.model.newVector(p.arena);
            p.resNet.accumulateInto(b);
            recomputed.solve(forward::state, p.lambda[N]);
            for (int n = 0; n <= N; n++) {
                assertArrayEquals(recomputed.adjoint(n).toArray(), stored.adjoint(n).toArray(), "adjoint " + n);
            }
            assertArrayEquals(b.flat().toArray(), a.flat().toArray());
        }
    }

    @Test
    void oneLevelIsSerialBackpropagationBitwise() {
        try (Problem p = new Problem(N, 7); AdjointSolver solver = p.solver(MgritOptions.builder().levels(1, 1).build(),
                2)) {
            Result r = p.solve(solver);
            assertEquals(1, r.stats().levels());
            assertTrue(r.stats().converged());
            for (int n = 0; n <= N; n++) {
                assertArrayEquals(p.lambda[n].toArray(), solver.adjoint(n).toArray(), "adjoint " + n);
            }
            assertArrayEquals(p.gradient, r.gradient());
        }
    }

    @ParameterizedTest
    @CsvSource({"64, 64, 1", "64, 64, 0", "50, 45, 1", "50, 45, 0"})
    void twoLevelsWithCoarseningFactorAtLeastNAreExactAfterOneIteration(int steps, int c, int sweeps) {
        // N = 50, c = 45: reversed points 46..50 (layers 4..0) lie after the last C-point, reached by F-relaxation.
        MgritOptions options = MgritOptions.builder().levels(2, 1).cfactor(c).cfSweeps(sweeps, sweeps)
                .fixedIterations(1).build();
        try (Problem p = new Problem(steps, 5); AdjointSolver solver = p.solver(options, 2)) {
            Result r = p.solve(solver);
            assertArrayEquals(new int[] {steps + 1, 2}, r.stats().pointsPerLevel());
            for (int n = 0; n <= steps; n++) {
                assertTrue(p.error(solver, n) <= 1e-13, "adjoint " + n + ": error " + p.error(solver, n));
            }
            assertTrue(p.gradientError(r.gradient()) <= 1e-13, "gradient error " + p.gradientError(r.gradient()));
        }
    }

    @ParameterizedTest
    @CsvSource({"4", "2"})
    void fcfMakesTwoCoarseningFactorsMoreLayersExactPerIteration(int c) {
        try (Problem p = new Problem(N, 7)) {
            for (int k = 1; 2 * c * k <= N; k++) {
                MgritOptions options = MgritOptions.builder().levels(2, 1).cfactor(c).cfSweeps(1, 1)
                        .fixedIterations(k).build();
                try (AdjointSolver solver = p.solver(options, 1)) {
                    p.solve(solver);
                    for (int n = N; n >= N - 2 * c * k; n--) {
                        double error = p.error(solver, n);
                        assertTrue(error <= 1e-14, "after " + k + " iterations, adjoint " + n + ": error " + error);
                    }
                    if (k == 1) {
                        assertTrue(p.error(solver, 0) > 1e-12, "after one iteration λ_0 is still wrong");
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"96, 2, 2, 1", "96, 4, 2, 1", "100, 3, 3, 1", "96, 4, 4, 0"})
    void convergedSolvesEqualSerialWithinTheTolerance(int steps, int c0, int c, int sweeps) {
        double tolerance = 1e-11;
        MgritOptions options = MgritOptions.builder().levels(5, 2).cfactor(c0, c).cfSweeps(sweeps, sweeps)
                .tolerance(tolerance, 60).build();
        try (Problem p = new Problem(steps, 7); AdjointSolver solver = p.solver(options, 2)) {
            Result r = p.solve(solver);
            assertTrue(r.stats().levels() >= 3, r.stats().toString());
            assertTrue(r.stats().converged(), r.stats().toString());
            assertTrue(r.stats().iterations() > 1, r.stats().toString());
            for (int n = 0; n <= steps; n++) {
                double error = p.error(solver, n);
                assertTrue(error <= 100 * tolerance, "adjoint " + n + ": error " + error + ", " + r.stats());
            }
            assertTrue(p.gradientError(r.gradient()) <= 1e-9, "gradient error " + p.gradientError(r.gradient()));
        }
    }

    @Test
    void workerCountsGiveBitwiseEqualResults() {
        for (boolean fixed : new boolean[] {false, true}) {
            MgritOptions.Builder b = MgritOptions.builder().levels(3, 2).cfactor(4, 2).cfSweeps(1, 1);
            MgritOptions options = (fixed ? b.fixedIterations(2) : b.tolerance(1e-12, 30)).build();
            try (Problem p = new Problem(90, 3)) {
                Result reference = null;
                double[][] referenceAdjoints = null;
                for (int workers = 1; workers <= 3; workers++) {
                    try (AdjointSolver solver = p.solver(options, workers)) {
                        Result r = p.solve(solver);
                        double[][] adjoints = new double[91][];
                        for (int n = 0; n <= 90; n++) {
                            adjoints[n] = solver.adjoint(n).toArray();
                        }
                        if (reference == null) {
                            reference = r;
                            referenceAdjoints = adjoints;
                        } else {
                            assertEquals(reference.stats(), r.stats(), workers + " workers");
                            assertArrayEquals(reference.gradient(), r.gradient(), workers + " workers, gradient");
                            for (int n = 0; n <= 90; n++) {
                                assertArrayEquals(referenceAdjoints[n], adjoints[n],
                                        workers + " workers, adjoint " + n);
                            }
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"0, 3", "1, 3", "1, 5"})
    void linearChainResidualDecreasesEveryIterationToTheSerialAdjoints(int sweeps, int levels) {
        int steps = 256;
        double h = 1.0 / 64;
        MgritOptions options = MgritOptions.builder().levels(levels, 2).cfactor(4).cfSweeps(sweeps, sweeps)
                .tolerance(1e-13, 40).build();
        try (TensorArena arena = new TensorArena("linear adjoint test")) {
            Linear chain = Linear.of(steps, 0.5, arena);
            Matrix[] lambda = new Matrix[steps + 1];
            lambda[steps] = arena.matrix(Precision.F64, 2, 3);
            lambda[steps].copyFrom(new double[] {0.3, -1, 0.7, 0.2, 0.9, -0.4});
            for (int n = steps - 1; n >= 0; n--) {
                lambda[n] = arena.matrix(Precision.F64, 2, 3);
                chain.adjointStep(n, h, null, null, lambda[n + 1], lambda[n], false, 0, 3);
            }
            try (AdjointSolver solver = new AdjointSolver(chain, KERNELS, steps, h, Precision.F64, 2, 3, options, 1)) {
                // The chain is linear: its adjoint steps ignore the states.
                SolveStatistics stats = solver.solve(n -> lambda[steps], lambda[steps]);
                double[] r = stats.residualNorms();
                assertTrue(stats.converged(), stats.toString());
                assertTrue(r.length >= 3, stats.toString());
                for (int k = 1; k < r.length; k++) {
                    assertTrue(r[k] < r[k - 1], "iteration " + k + ": " + stats);
                }
                for (int n = 0; n <= steps; n++) {
                    double error = maxDifference(solver.adjoint(n).toArray(), lambda[n].toArray());
                    assertTrue(error <= 1e-11, "adjoint " + n + ": error " + error + ", " + stats);
                }
            }
        }
    }

    /**
     * {@code u_{n+1} = u_n + h·A_n u_n} with {@code A_n = [[−d, w_n], [−w_n, −d]]} (as {@link TestChain#linear}) and
     * its transposed step {@code λ_n = λ_{n+1} + h·A_nᵀ λ_{n+1}}; it has no parameter gradient.
     */
    private record Linear(Matrix[] a) implements Propagator {
        static Linear of(int steps, double damping, TensorArena arena) {
            Matrix[] a = new Matrix[steps];
            for (int n = 0; n < steps; n++) {
                double w = 1 + 0.5 * Math.sin(0.3 * n);
                a[n] = arena.matrix(Precision.F64, 2, 2);
                a[n].copyFrom(new double[] {-damping, w, -w, -damping});
            }
            return new Linear(a);
        }

        @Override
        public void step(int n, double h, Matrix u, Matrix next, Matrix z, int c0, int c1) {
            apply(false, n, h, u, next, c0, c1);
        }

        @Override
        public void adjointStep(int n, double h, Matrix u, Matrix z, Matrix lambda, Matrix lambdaPrev,
                boolean accumulateGradient, int c0, int c1) {
            apply(true, n, h, lambda, lambdaPrev, c0, c1);
        }

        private void apply(boolean transpose, int n, double h, Matrix x, Matrix y, int c0, int c1) {
            Matrix from = x.columns(c0, c1);
            Matrix to = y.columns(c0, c1);
            KERNELS.copy(from, to);
            KERNELS.gemm(transpose, false, h, a[n], from, 1, to);
        }
    }

    @Test
    void warmRestartStartsFromThePreviousAdjoints() {
        MgritOptions options = MgritOptions.builder().levels(3, 2).cfactor(4).tolerance(1e-11, 40)
                .initialGuess(InitialGuess.WARM).build();
        try (Problem p = new Problem(N, 3); AdjointSolver solver = p.solver(options, 2)) {
            SolveStatistics cold = p.solve(solver).stats();
            assertTrue(cold.iterations() > 2, cold.toString());
            Result warm = p.solve(solver);
            assertEquals(0, warm.stats().iterations(), warm.stats().toString());
            assertTrue(p.gradientError(warm.gradient()) <= 1e-9);
        }
    }

    @Test
    void resumeWarmDeclaresRestoredAdjointsAFinishedSolve() {
        MgritOptions options = MgritOptions.builder().levels(3, 2).cfactor(4).tolerance(1e-11, 40)
                .initialGuess(InitialGuess.WARM).build();
        try (Problem p = new Problem(N, 3); AdjointSolver solved = p.solver(options, 1);
                AdjointSolver restored = p.solver(options, 1)) {
            assertTrue(p.solve(solved).stats().iterations() > 2);
            for (int n = 0; n <= N; n++) {
                restored.adjoint(n).copyFrom(solved.adjoint(n));
            }
            restored.resumeWarm();
            assertEquals(0, p.solve(restored).stats().iterations());
            assertFalse(restored.progress().running());
            assertArrayEquals(solved.hierarchy().pointsPerLevel(), restored.hierarchy().pointsPerLevel());
            restored.maxIterations(7);
            assertEquals(7, restored.maxIterations());
        }
    }

    @Test
    void batchWorkersWithRecomputedPreActivationsGiveTheSameBits() {
        MgritOptions options = MgritOptions.builder().levels(3, 2).cfactor(4).fixedIterations(2).batchTile(1).build();
        try (Problem p = new Problem(N, 5); AdjointSolver serial = p.solver(options, 1);
                AdjointSolver split = new AdjointSolver(p.propagator, KERNELS, N, p.h, Precision.F64, 4, 5, options, 1,
                        2)) {
            Result one = p.solve(serial);
            Result two = p.solve(split);
            assertArrayEquals(one.gradient(), two.gradient());
            for (int n = 0; n <= N; n++) {
                assertArrayEquals(serial.adjoint(n).toArray(), split.adjoint(n).toArray(), "adjoint " + n);
            }
        }
    }

    @Test
    void closingFreesTheAdjoints() {
        try (Problem p = new Problem(8, 3)) {
            AdjointSolver solver = p.solver(MgritOptions.builder().levels(2, 1).cfactor(2).build(), 1);
            Matrix adjoint = solver.adjoint(0);
            solver.close();
            assertThrows(IllegalStateException.class, () -> adjoint.get(0, 0));
        }
    }
}
