package org.layerbraid.mgrit.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/**
 * XBraid's correctness checks for the forward MGRIT solve, on a linear chain and on a tanh ResNet: one level is
 * serial propagation, the exact initial guess has zero residual, c ≥ N is exact after one iteration, FCF makes
 * 2c more steps exact per iteration, converged solves match serial, and worker counts do not change any bit.
 */
class ForwardSolverTest {
    private static final int N = 64;

    @ParameterizedTest
    @EnumSource(TestChain.Kind.class)
    void oneLevelIsSerialPropagationBitwise(TestChain.Kind kind) {
        try (TestChain chain = TestChain.of(kind, N);
                ForwardSolver solver = chain.solver(MgritOptions.builder().levels(1, 1).build(), 2)) {
            SolveStatistics stats = solver.solve(chain.u0);
            assertEquals(1, stats.levels());
            assertTrue(stats.converged());
            for (int n = 0; n <= N; n++) {
                assertArrayEquals(chain.serial[n].toArray(), solver.state(n).toArray(), "state " + n);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestChain.Kind.class)
    void sequentialInitialGuessHasZeroResidual(TestChain.Kind kind) {
        MgritOptions options = MgritOptions.builder().levels(3, 2).cfactor(4).initialGuess(InitialGuess.SEQUENTIAL)
                .tolerance(Double.MIN_VALUE, 10).build();
        try (TestChain chain = TestChain.of(kind, N); ForwardSolver solver = chain.solver(options, 1)) {
            SolveStatistics stats = solver.solve(chain.u0);
            assertEquals(0, stats.iterations());
            assertArrayEquals(new double[] {0.0}, stats.residualNorms());
            assertTrue(stats.converged());
            for (int n = 0; n <= N; n++) {
                assertArrayEquals(chain.serial[n].toArray(), solver.state(n).toArray(), "state " + n);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"LINEAR, 64, 1", "LINEAR, 64, 0", "RESNET, 64, 1", "RESNET, 64, 0", "LINEAR, 45, 1", "RESNET, 45, 0"})
    void twoLevelsWithCoarseningFactorAtLeastNAreExactAfterOneIteration(TestChain.Kind kind, int c, int sweeps) {
        // N = 50: c = 45 leaves F-points 46..50 after the last C-point, which only F-relaxation reaches.
        int steps = c == N ? N : 50;
        MgritOptions options = MgritOptions.builder().levels(2, 1).cfactor(c).cfSweeps(sweeps, sweeps)
                .fixedIterations(1).build();
        try (TestChain chain = TestChain.of(kind, steps); ForwardSolver solver = chain.solver(options, 2)) {
            SolveStatistics stats = solver.solve(chain.u0);
            assertArrayEquals(new int[] {steps + 1, 2}, stats.pointsPerLevel());
            assertEquals(0, stats.residualNorms().length, "fixed-iteration mode measures nothing");
            for (int n = 0; n <= steps; n++) {
                assertTrue(chain.error(solver, n) <= 1e-14, "state " + n + ": error " + chain.error(solver, n));
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"LINEAR, 4", "LINEAR, 3", "RESNET, 4", "RESNET, 2"})
    void fcfMakesTwoCoarseningFactorsMoreStepsExactPerIteration(TestChain.Kind kind, int c) {
        try (TestChain chain = TestChain.of(kind, N)) {
            for (int k = 1; 2 * c * k <= N; k++) {
                MgritOptions options = MgritOptions.builder().levels(2, 1).cfactor(c).cfSweeps(1, 1)
                        .fixedIterations(k).build();
                try (ForwardSolver solver = chain.solver(options, 1)) {
                    solver.solve(chain.u0);
                    for (int n = 0; n <= 2 * c * k; n++) {
                        double error = chain.error(solver, n);
                        assertTrue(error <= 1e-14, "after " + k + " iterations, state " + n + ": error " + error);
                    }
                    if (k == 1) {
                        // The exactness front has not reached the end yet, so the check above is not vacuous.
                        assertTrue(chain.error(solver, N) > 1e-12, "after one iteration the end is still wrong");
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @CsvSource({
        "LINEAR, 96, 2, 2, 1", "LINEAR, 96, 4, 2, 0", "LINEAR, 100, 3, 3, 1", "LINEAR, 96, 4, 4, 1",
        "RESNET, 96, 2, 2, 1", "RESNET, 96, 4, 2, 1", "RESNET, 100, 3, 3, 1", "RESNET, 96, 4, 4, 0"})
    void convergedSolvesEqualSerialWithinTheTolerance(TestChain.Kind kind, int steps, int c0, int c, int sweeps) {
        double tolerance = 1e-11;
        MgritOptions options = MgritOptions.builder().levels(5, 2).cfactor(c0, c).cfSweeps(sweeps, sweeps)
                .tolerance(tolerance, 60).build();
        try (TestChain chain = kind == TestChain.Kind.LINEAR ? TestChain.linear(steps, 1.0 / steps, 0.5)
                : TestChain.resNet(steps, 7); ForwardSolver solver = chain.solver(options, 2)) {
            SolveStatistics stats = solver.solve(chain.u0);
            assertTrue(stats.levels() >= 3, stats.toString());
            assertTrue(stats.converged(), stats.toString());
            assertTrue(stats.finalResidual() <= tolerance);
            for (int n = 0; n <= steps; n++) {
                // The error is the residuals propagated by a stable chain: a few times their norm.
                double error = chain.error(solver, n);
                assertTrue(error <= 100 * tolerance, "state " + n + ": error " + error + ", " + stats);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"0, 3", "1, 3", "1, 5", "2, 2"})
    void residualDecreasesEveryIterationOnTheLinearChain(int sweeps, int levels) {
        MgritOptions options = MgritOptions.builder().levels(levels, 2).cfactor(4).cfSweeps(sweeps, sweeps)
                .tolerance(1e-13, 40).build();
        try (TestChain chain = TestChain.linear(256, 1.0 / 64, 0.5); ForwardSolver solver = chain.solver(options, 1)) {
            SolveStatistics stats = solver.solve(chain.u0);
            double[] r = stats.residualNorms();
            assertTrue(stats.converged(), stats.toString());
            assertEquals(stats.iterations() + 1, r.length);
            assertTrue(r.length >= 3, stats.toString());
            for (int k = 1; k < r.length; k++) {
                assertTrue(r[k] < r[k - 1], "iteration " + k + ": " + stats);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestChain.Kind.class)
    void workerCountsGiveBitwiseEqualResults(TestChain.Kind kind) {
        for (boolean fixed : new boolean[] {false, true}) {
            MgritOptions.Builder b = MgritOptions.builder().levels(3, 2).cfactor(4, 2).cfSweeps(1, 1);
            MgritOptions options = (fixed ? b.fixedIterations(2) : b.tolerance(1e-12, 30)).build();
            try (TestChain chain = TestChain.of(kind, 90)) {
                double[][] reference = null;
                SolveStatistics referenceStats = null;
                for (int workers = 1; workers <= 3; workers++) {
                    try (ForwardSolver solver = chain.solver(options, workers)) {
                        SolveStatistics stats = solver.solve(chain.u0);
                        double[][] states = new double[91][];
                        for (int n = 0; n <= 90; n++) {
                            states[n] = solver.state(n).toArray();
                        }
                        if (reference == null) {
                            reference = states;
                            referenceStats = stats;
                        } else {
                            assertEquals(referenceStats, stats, workers + " workers");
                            for (int n = 0; n <= 90; n++) {
                                assertArrayEquals(reference[n], states[n], workers + " workers, state " + n);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void warmRestartStartsFromThePreviousSolution() {
        MgritOptions options = MgritOptions.builder().levels(3, 2).cfactor(4).tolerance(1e-11, 40)
                .initialGuess(InitialGuess.WARM).build();
        try (TestChain chain = TestChain.resNet(N, 3); ForwardSolver solver = chain.solver(options, 2)) {
            SolveStatistics cold = solver.solve(chain.u0);
            assertTrue(cold.iterations() > 2, cold.toString());
            SolveStatistics warm = solver.solve(chain.u0);
            assertEquals(0, warm.iterations(), warm.toString());
            assertTrue(warm.converged());
        }
    }

    @Test
    void unstableCoarsePropagatorDivergesWithTheIterationNamed() {
        // Fine steps multiply by about 1 − 0.15·10 = −0.5, coarse ones (h·4) by about −5: the coarse grid blows up.
        MgritOptions options = MgritOptions.builder().levels(3, 2).cfactor(4).tolerance(1e-12, 200).build();
        try (TestChain chain = TestChain.linear(256, 0.15, 10); ForwardSolver solver = chain.solver(options, 1)) {
            SolveDivergedException e = assertThrows(SolveDivergedException.class, () -> solver.solve(chain.u0));
            assertTrue(e.getMessage().contains("iteration " + e.iteration()), e.getMessage());
        }
    }

    @Test
    void nonFiniteStatesStopTheSolveInBothModes() {
        // A NaN in every step matrix: the residual (tolerance mode) and the final state (fixed mode) are NaN.
        for (boolean fixed : new boolean[] {false, true}) {
            MgritOptions.Builder b = MgritOptions.builder().levels(3, 2).cfactor(4);
            MgritOptions options = (fixed ? b.fixedIterations(5) : b.tolerance(1e-12, 5)).build();
            try (TestChain chain = TestChain.linear(64, 0.1, Double.NaN);
                    ForwardSolver solver = chain.solver(options, 1)) {
                SolveDivergedException e = assertThrows(SolveDivergedException.class, () -> solver.solve(chain.u0));
                assertEquals(fixed ? 1 : 0, e.iteration());
                assertTrue(e.getMessage().contains("iteration " + e.iteration()), e.getMessage());
            }
        }
    }

    @Test
    void initialStateOfTheWrongShapeIsRefused() {
        try (TestChain chain = TestChain.linear(8, 0.1, 0.5);
                ForwardSolver solver = chain.solver(MgritOptions.builder().build(), 1);
                TensorArena arena = new TensorArena("test")) {
            Matrix wrong = arena.matrix(Precision.F64, 3, 3);
            String message = assertThrows(IllegalArgumentException.class, () -> solver.solve(wrong)).getMessage();
            assertFalse(message.contains("\n"));
        }
    }
}
