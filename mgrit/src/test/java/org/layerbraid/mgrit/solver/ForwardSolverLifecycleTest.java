package org.layerbraid.mgrit.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.layerbraid.mgrit.exec.WorkerPool;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/**
 * A forward solver over its life: sizes and worker counts it refuses, what its progress shows during and after a
 * solve, re-solves that must start from the configured guess again, the divergence guard, and closing.
 */
class ForwardSolverLifecycleTest {
    private static final int N = 32;

    private static ForwardSolver solver(Propagator p, int width, int batch, MgritOptions options, int layers,
            int batches) {
        return new ForwardSolver(p, TestChain.KERNELS, N, 1.0 / N, Precision.F64, width, batch, options, layers,
                batches);
    }

    @Test
    void sizesAndWorkerCountsAreChecked() {
        PlainChain chain = PlainChain.nonlinear(N, 1, 1);
        MgritOptions options = MgritOptions.builder().build();
        assertBad(() -> solver(chain, 0, 1, options, 1, 1), "states must be at least 1 × 1, got 0 × 1");
        assertBad(() -> solver(chain, 1, 0, options, 1, 1), "states must be at least 1 × 1, got 1 × 0");
        assertBad(() -> solver(chain, 1, 1, options, 0, 1), "got 0");
        assertBad(() -> solver(chain, 1, 1, options, 1, 0), "got 1 × 0");
        assertBad(() -> solver(chain, 1, 1, options, WorkerPool.MAX_WORKERS, 2), "in all, got 256 × 2");
        assertBad(() -> solver(chain, 1, 1, options, WorkerPool.MAX_WORKERS + 1, 1), "in all, got 257");
        try (ForwardSolver ok = solver(chain, 1, 1, options, 1, 1)) {
            assertSame(options, ok.options());
            assertEquals(1, ok.tileColumns());
        }
    }

    @Test
    void progressShowsARunningSolveAndWhatItDid() {
        MgritOptions options = MgritOptions.builder().levels(3, 2).cfactor(2).cfSweeps(0, 1).fixedIterations(3)
                .build();
        List<Boolean> runningDuringSteps = new ArrayList<>();
        ForwardSolver[] holder = new ForwardSolver[1];
        PlainChain chain = PlainChain.nonlinear(N, 2, 3);
        Propagator watched = new Propagator() {
            @Override
            public void step(int n, double h, Matrix u, Matrix next, Matrix z, int c0, int c1) {
                runningDuringSteps.add(holder[0].progress().running());
                chain.step(n, h, u, next, z, c0, c1);
            }

            @Override
            public void adjointStep(int n, double h, Matrix u, Matrix z, Matrix lambda, Matrix lambdaPrev,
                    boolean accumulateGradient, int c0, int c1) {
                throw new UnsupportedOperationException();
            }
        };
        try (TensorArena arena = new TensorArena("test");
                ForwardSolver solver = solver(watched, 2, 3, options, 1, 1)) {
            holder[0] = solver;
            Matrix u0 = arena.matrix(Precision.F64, 2, 3);
            u0.copyFrom(chain.initialState(1));
            SolveStatistics stats = solver.solve(u0);
            assertEquals(3, stats.iterations());
            assertFalse(stats.converged(), "fixed-iteration mode measures nothing, so claims nothing");
            assertTrue(runningDuringSteps.stream().allMatch(r -> r), "running while stepping");
            assertFalse(solver.progress().running());
            assertEquals(3, solver.progress().iteration());
            assertEquals(Double.NaN, solver.progress().residual());
        }
    }

    @Test
    void aDivergedSolveIsNoLongerRunning() {
        MgritOptions options = MgritOptions.builder().levels(3, 2).cfactor(4).tolerance(1e-12, 50).build();
        PlainChain chain = new PlainChain(N, 1, 1, false, Double.NaN, 0.1, 1);
        try (TensorArena arena = new TensorArena("test"); ForwardSolver solver = solver(chain, 1, 1, options, 1, 1)) {
            assertThrows(SolveDivergedException.class, () -> solver.solve(arena.matrix(Precision.F64, 1, 1)));
            assertFalse(solver.progress().running());
        }
    }

    /**
     * A re-solve from the zero guess is the first solve again, bit for bit: every point the first iteration reads
     * before writing (the C-points, all points when the first relaxation is skipped, the last point N) is zeroed.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aResolveFromTheZeroGuessRepeatsTheFirstSolve(boolean skip) {
        for (boolean fixed : new boolean[] {false, true}) {
            MgritOptions.Builder b = MgritOptions.builder().levels(3, 2).cfactor(4, 2).cfSweeps(1).skipFirstDown(skip);
            MgritOptions options = (fixed ? b.fixedIterations(2, true) : b.tolerance(1e-10, 30)).build();
            PlainChain chain = PlainChain.nonlinear(N, 2, 3);
            try (TensorArena arena = new TensorArena("test"); ForwardSolver solver = solver(chain, 2, 3, options, 1, 1)) {
                Matrix u0 = arena.matrix(Precision.F64, 2, 3);
                u0.copyFrom(chain.initialState(2));
                SolveStatistics first = solver.solve(u0);
                double[] end = solver.state(N).toArray();
                SolveStatistics second = solver.solve(u0);
                assertEquals(first, second, "skip " + skip + ", fixed " + fixed);
                assertArrayEquals(end, solver.state(N).toArray());
            }
        }
    }

    @Test
    void aRaisedIterationCountIsRunAndOneIsTheFewest() {
        MgritOptions options = MgritOptions.builder().levels(3, 2).cfactor(2).fixedIterations(2, true).build();
        PlainChain chain = PlainChain.nonlinear(N, 2, 3);
        try (TensorArena arena = new TensorArena("test"); ForwardSolver solver = solver(chain, 2, 3, options, 1, 1)) {
            assertBad(() -> {
                solver.maxIterations(0);
                return null;
            }, "iterations must be at least 1, got 0");
            solver.maxIterations(1);
            assertEquals(1, solver.maxIterations());
            solver.maxIterations(5);
            SolveStatistics stats = solver.solve(arena.matrix(Precision.F64, 2, 3));
            assertEquals(5, stats.iterations());
            assertEquals(5, stats.residualNorms().length);
        }
    }

    /**
     * The guard counts consecutive increases of the residual norm and stops at the third: the iteration where that
     * happens is read off the reference MGRIT's history of the same (unstable) configuration.
     */
    @Test
    void theDivergenceGuardStopsAtTheThirdIncreaseInARow() {
        // Linear steps u + h(−10 + a)u with h = 0.15: fine factors about −0.5, coarse (4h) about −5: unstable.
        int steps = 256;
        PlainChain chain = new PlainChain(steps, 1, 2, false, -10, 0.5, 3);
        MgritOptions options = MgritOptions.builder().levels(3, 2).cfactor(4).tolerance(1e-300, 60).build();
        ReferenceMgrit reference = new ReferenceMgrit(chain, steps, 0.15, options);
        double[] start = chain.initialState(4);
        reference.solve(start);
        int expected = -1;
        int growing = 0;
        for (int it = 1; it < reference.norms.size() && expected < 0; it++) {
            growing = reference.norms.get(it) > reference.norms.get(it - 1) ? growing + 1 : 0;
            if (growing == ForwardSolver.GROWTH_LIMIT) {
                expected = it;
            }
        }
        assertTrue(expected > 0, "the reference diverges: " + reference.norms);
        try (TensorArena arena = new TensorArena("test");
                ForwardSolver solver = new ForwardSolver(chain, TestChain.KERNELS, steps, 0.15, Precision.F64, 1, 2,
                        options, 1)) {
            Matrix u0 = arena.matrix(Precision.F64, 1, 2);
            u0.copyFrom(start);
            SolveDivergedException e = assertThrows(SolveDivergedException.class, () -> solver.solve(u0));
            assertEquals(expected, e.iteration(), e.getMessage() + "; reference " + reference.norms);
            assertTrue(e.getMessage().contains("grew 3 times in a row"), e.getMessage());
        }
    }

    @Test
    void closingEndsTheWorkersAndFreesTheStates() {
        PlainChain chain = PlainChain.nonlinear(N, 2, 3);
        ForwardSolver solver = solver(chain, 2, 3, MgritOptions.builder().build(), 2, 1);
        Matrix state = solver.state(0);
        solver.close();
        assertThrows(IllegalStateException.class, () -> state.get(0, 0));
    }

    @Test
    void statisticsAreValuesWithoutTheTimes() {
        long[] times = new long[SolvePhase.values().length];
        long[] otherTimes = times.clone();
        otherTimes[0] = 2_500_000_000L;
        SolveStatistics a = new SolveStatistics(3, new double[] {1, 0.5}, true, new int[] {9, 3}, times);
        SolveStatistics b = new SolveStatistics(3, new double[] {1, 0.5}, true, new int[] {9, 3}, otherTimes);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals(2.5, b.seconds(SolvePhase.values()[0]));
        for (SolveStatistics other : new SolveStatistics[] {
            new SolveStatistics(4, new double[] {1, 0.5}, true, new int[] {9, 3}, times),
            new SolveStatistics(3, new double[] {1, 0.25}, true, new int[] {9, 3}, times),
            new SolveStatistics(3, new double[] {1, 0.5}, false, new int[] {9, 3}, times),
            new SolveStatistics(3, new double[] {1, 0.5}, true, new int[] {9, 4}, times)}) {
            assertNotEquals(a, other);
            assertNotEquals(a.hashCode(), other.hashCode(), other.toString());
        }
        assertNotEquals(a, "a string");
        assertEquals("SolveStatistics[iterations=3, residualNorms=[1.0, 0.5], converged=true, pointsPerLevel=[9, 3],"
                + " phaseNanos=" + java.util.Arrays.toString(otherTimes) + "]", b.toString());
    }

    private static void assertBad(java.util.function.Supplier<?> make, String expected) {
        String message = assertThrows(IllegalArgumentException.class, make::get).getMessage();
        assertTrue(message.contains(expected), message);
    }

    @Test
    void equalResidualNormsInARowAreNoGrowth() {
        // This unstable-looking chain converges in a few iterations and then repeats the same rounding-level norm.
        PlainChain chain = new PlainChain(N, 1, 2, false, -10, 0.5, 3);
        MgritOptions options = MgritOptions.builder().levels(3, 2).cfactor(4, 2).tolerance(1e-300, 12).build();
        ReferenceMgrit reference = new ReferenceMgrit(chain, N, 0.15, options);
        reference.solve(chain.initialState(4));
        List<Double> tail = reference.norms.subList(8, 13);
        assertEquals(1, tail.stream().distinct().count(), "the reference repeats its last norm: " + reference.norms);
        try (TensorArena arena = new TensorArena("test");
                ForwardSolver solver = new ForwardSolver(chain, TestChain.KERNELS, N, 0.15, Precision.F64, 1, 2,
                        options, 1)) {
            Matrix u0 = arena.matrix(Precision.F64, 1, 2);
            u0.copyFrom(chain.initialState(4));
            SolveStatistics stats = solver.solve(u0);
            assertEquals(12, stats.iterations());
            assertFalse(stats.converged());
        }
    }

    /** A norm exactly equal to the tolerance meets it (the tolerance is a norm the same solve produced). */
    @Test
    void aResidualNormEqualToTheToleranceHasConverged() {
        PlainChain chain = PlainChain.nonlinear(N, 2, 3);
        MgritOptions.Builder b = MgritOptions.builder().levels(3, 2).cfactor(2).cfSweeps(0, 1);
        try (TensorArena arena = new TensorArena("test")) {
            Matrix u0 = arena.matrix(Precision.F64, 2, 3);
            u0.copyFrom(chain.initialState(2));
            double[] norms;
            try (ForwardSolver solver = solver(chain, 2, 3, b.tolerance(1e-300, 6).build(), 1, 1)) {
                norms = solver.solve(u0).residualNorms();
            }
            try (ForwardSolver solver = solver(chain, 2, 3, b.tolerance(norms[3], 30).build(), 1, 1)) {
                SolveStatistics stats = solver.solve(u0);
                assertEquals(3, stats.iterations(), stats.toString());
                assertTrue(stats.converged(), stats.toString());
            }
        }
    }

    @Test
    void aNonFiniteFinalStateIsReportedWithTheIterationCount() {
        // N = 9, c = 4: the last step (8 → 9) leaves the C-points finite and makes only the final state NaN.
        PlainChain chain = PlainChain.nonlinear(9, 1, 1);
        Propagator lastStepBroken = new Propagator() {
            @Override
            public void step(int n, double h, Matrix u, Matrix next, Matrix z, int c0, int c1) {
                chain.step(n, h, u, next, z, c0, c1);
                if (n == 8) {
                    next.set(0, 0, Double.NaN);
                }
            }

            @Override
            public void adjointStep(int n, double h, Matrix u, Matrix z, Matrix lambda, Matrix lambdaPrev,
                    boolean accumulateGradient, int c0, int c1) {
                throw new UnsupportedOperationException();
            }
        };
        for (int iterations : new int[] {1, 2}) {
            MgritOptions options = MgritOptions.builder().levels(2, 1).cfactor(4).fixedIterations(iterations).build();
            try (TensorArena arena = new TensorArena("test");
                    ForwardSolver solver = new ForwardSolver(lastStepBroken, TestChain.KERNELS, 9, 0.1, Precision.F64,
                            1, 1, options, 1)) {
                SolveDivergedException e = assertThrows(SolveDivergedException.class,
                        () -> solver.solve(arena.matrix(Precision.F64, 1, 1)));
                assertTrue(e.getMessage().endsWith("the final state is not finite after " + iterations
                        + (iterations == 1 ? " iteration" : " iterations")), e.getMessage());
            }
        }
    }

    @Test
    void fixedIterationsStopAtTheFirstIterationThatLeavesTheLastCPointNonFinite() {
        // N = 8, c = 4: the last C-point is 8, not 8 / 4 / 4 = 0 (the initial state, always finite).
        PlainChain chain = new PlainChain(8, 1, 1, false, Double.NaN, 0.1, 1);
        MgritOptions options = MgritOptions.builder().levels(2, 1).cfactor(4).fixedIterations(5).build();
        try (TensorArena arena = new TensorArena("test");
                ForwardSolver solver = new ForwardSolver(chain, TestChain.KERNELS, 8, 0.1, Precision.F64, 1, 1,
                        options, 1)) {
            SolveDivergedException e = assertThrows(SolveDivergedException.class,
                    () -> solver.solve(arena.matrix(Precision.F64, 1, 1)));
            assertEquals(1, e.iteration(), e.getMessage());
        }
    }
}
