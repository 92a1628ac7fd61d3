package org.layerbraid.mgrit.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The engine's options beyond the XBraid checks of {@link ForwardSolverTest}: per-level coarsening and relaxation,
 * weighted C-relaxation, F-cycles, skipping the first down-cycle, relative tolerance, batch tiles, diagnostics and
 * refusal of bad settings.
 */
class SolverOptionsTest {
    /**
     * Per-level combinations: cfactors, sweeps and weights per level, V or F cycle, with or without skip; every one
     * must converge to serial propagation.
     */
    @ParameterizedTest
    @CsvSource({
        "LINEAR, '4,2,3', '0,1,2', '1.0', V, false", "LINEAR, '2,4', '1,0', '1.0,1.3', F, false",
        "LINEAR, '3', '0,1', '1.0', V, true", "LINEAR, '4,2', '2,1', '1.2', F, true",
        "RESNET, '4,2,3', '0,1,2', '1.0', V, false", "RESNET, '2,4', '1,0', '1.0,1.3', F, false",
        "RESNET, '3', '0,1', '1.0', V, true", "RESNET, '4,2', '2,1', '1.2', F, true"})
    void perLevelCombinationsConvergeToSerial(TestChain.Kind kind, String cfactors, String sweeps, String weights,
            MgritOptions.Cycle cycle, boolean skip) {
        double tolerance = 1e-11;
        MgritOptions options = MgritOptions.builder().levels(4, 2).cfactor(ints(cfactors)).cfSweeps(ints(sweeps))
                .cWeight(doubles(weights)).cycle(cycle).skipFirstDown(skip).tolerance(tolerance, 80).build();
        try (TestChain chain = TestChain.of(kind, 96); ForwardSolver solver = chain.solver(options, 2)) {
            SolveStatistics stats = solver.solve(chain.u0);
            assertTrue(stats.levels() >= 3, stats.toString());
            assertTrue(stats.converged(), stats.toString());
            for (int n = 0; n <= 96; n++) {
                assertTrue(chain.error(solver, n) <= 100 * tolerance, "state " + n + ", " + stats);
            }
        }
    }

    @Test
    void hierarchyFollowsPerLevelCoarseningFactors() {
        MgritOptions options = MgritOptions.builder().levels(4, 1).cfactor(4, 2, 3).build();
        Hierarchy h = options.hierarchy(96, 1.0);
        assertArrayEquals(new int[] {97, 25, 13, 5}, h.pointsPerLevel());
        assertEquals(4 * 2 * 3, h.stride(3));
    }

    @Test
    void fCyclesNeedNoMoreIterationsThanVCycles() {
        int v = iterations(MgritOptions.Cycle.V);
        int f = iterations(MgritOptions.Cycle.F);
        assertTrue(f <= v, "F-cycle " + f + " iterations, V-cycle " + v);
    }

    private static int iterations(MgritOptions.Cycle cycle) {
        MgritOptions options = MgritOptions.builder().levels(4, 2).cfactor(4).cfSweeps(0, 1).cycle(cycle)
                .tolerance(1e-10, 60).build();
        try (TestChain chain = TestChain.resNet(128, 3); ForwardSolver solver = chain.solver(options, 1)) {
            SolveStatistics stats = solver.solve(chain.u0);
            assertTrue(stats.converged(), stats.toString());
            return stats.iterations();
        }
    }

    @Test
    void relativeToleranceStopsWhenTheResidualHasFallenEnough() {
        MgritOptions options = MgritOptions.builder().levels(3, 2).cfactor(4).tolerance(1e-300, 60)
                .relativeTolerance(1e-3).build();
        try (TestChain chain = TestChain.resNet(64, 5); ForwardSolver solver = chain.solver(options, 1)) {
            SolveStatistics stats = solver.solve(chain.u0);
            double[] r = stats.residualNorms();
            assertTrue(stats.converged(), stats.toString());
            assertTrue(r[r.length - 1] <= 1e-3 * r[0], stats.toString());
            assertTrue(r[r.length - 2] > 1e-3 * r[0], "stopped at the first norm below the bound: " + stats);
        }
    }

    @ParameterizedTest
    @CsvSource({"16, 1", "32, 2", "48, 3"})
    void batchTilesChangeNoBit(int tile, int workers) {
        for (boolean fixed : new boolean[] {false, true}) {
            MgritOptions.Builder b = MgritOptions.builder().levels(3, 2).cfactor(4).cfSweeps(0, 1);
            b = fixed ? b.fixedIterations(2) : b.tolerance(1e-12, 40);
            try (TestChain chain = TestChain.resNet(64, 9, 101);
                    ForwardSolver whole = chain.solver(b.batchTile(1000).build(), 1);
                    ForwardSolver tiled = chain.solver(b.batchTile(tile).build(), workers)) {
                assertEquals(101, whole.tileColumns());
                assertEquals(tile, tiled.tileColumns());
                SolveStatistics a = whole.solve(chain.u0);
                SolveStatistics t = tiled.solve(chain.u0);
                assertEquals(a.iterations(), t.iterations());
                for (int n = 0; n <= 64; n++) {
                    assertArrayEquals(whole.state(n).toArray(), tiled.state(n).toArray(), "state " + n);
                }
                for (int n = 0; n < 64; n++) {
                    assertArrayEquals(whole.sideProduct(n).toArray(), tiled.sideProduct(n).toArray(), "z " + n);
                }
            }
        }
    }

    @Test
    void automaticTilesFitTheCacheBudgetAndTheAlignment() {
        assertEquals(256, ForwardSolver.tileColumns(0, org.layerbraid.vecmath.Precision.F64, 8, 5000));
        assertEquals(64, ForwardSolver.tileColumns(0, org.layerbraid.vecmath.Precision.F64, 32, 5000));
        assertEquals(32, ForwardSolver.tileColumns(0, org.layerbraid.vecmath.Precision.F32, 200, 5000));
        assertEquals(7, ForwardSolver.tileColumns(0, org.layerbraid.vecmath.Precision.F64, 8, 7));
        assertEquals(32, ForwardSolver.tileColumns(20, org.layerbraid.vecmath.Precision.F64, 8, 5000));
    }

    @Test
    void sideProductsArePreActivationsOfTheFinalStates() {
        MgritOptions options = MgritOptions.builder().levels(3, 2).cfactor(4).fixedIterations(1).build();
        try (TestChain chain = TestChain.resNet(40, 2, 20); ForwardSolver solver = chain.solver(options, 2);
                org.layerbraid.vecmath.TensorArena arena = new org.layerbraid.vecmath.TensorArena("z")) {
            solver.solve(chain.u0);
            var z = arena.matrix(org.layerbraid.vecmath.Precision.F64, 4, 20);
            var next = arena.matrix(org.layerbraid.vecmath.Precision.F64, 4, 20);
            for (int n = 0; n < 40; n++) {
                chain.propagator.step(n, chain.h, solver.state(n), next, z, 0, 20);
                assertArrayEquals(z.toArray(), solver.sideProduct(n).toArray(), "z " + n);
            }
        }
    }

    @Test
    void diagnosticsDescribeTheSolve() {
        MgritOptions options = MgritOptions.builder().levels(3, 2).cfactor(4).tolerance(1e-10, 40).build();
        try (TestChain chain = TestChain.resNet(64, 4); ForwardSolver solver = chain.solver(options, 2)) {
            long before = System.nanoTime();
            SolveStatistics stats = solver.solve(chain.u0);
            long wall = System.nanoTime() - before;
            double[] r = stats.residualNorms();
            double[] factors = stats.convergenceFactors();
            assertEquals(r.length - 1, factors.length);
            for (int k = 0; k < factors.length; k++) {
                assertEquals(r[k + 1] / r[k], factors[k]);
            }
            long sum = 0;
            for (SolvePhase p : SolvePhase.values()) {
                assertTrue(stats.phaseNanos()[p.ordinal()] > 0, p + " timed: " + stats);
                sum += stats.phaseNanos()[p.ordinal()];
            }
            assertTrue(sum <= wall, "phases " + sum + " ns within the wall time " + wall);
            SolveProgress progress = solver.progress();
            assertFalse(progress.running());
            assertEquals(stats.iterations(), progress.iteration());
            assertEquals(stats.finalResidual(), progress.residual());
        }
    }

    @Test
    void badSettingsAreRefusedWithOneLine() {
        assertBad(() -> MgritOptions.builder().cfactor(1).build(), "coarsening factors must be at least 2");
        assertBad(() -> MgritOptions.builder().cfactor(4, 1).build(), "coarsening factors must be at least 2");
        assertBad(() -> MgritOptions.builder().levels(0, 2).build(), "max levels must be at least 1");
        assertBad(() -> MgritOptions.builder().tolerance(0, 5).build(), "absolute tolerance must be positive");
        assertBad(() -> MgritOptions.builder().tolerance(Double.NaN, 5).build(), "absolute tolerance");
        assertBad(() -> MgritOptions.builder().tolerance(-1, 5).build(), "absolute tolerance");
        assertBad(() -> MgritOptions.builder().relativeTolerance(1).build(), "relative tolerance");
        assertBad(() -> MgritOptions.builder().cWeight(2.0).build(), "C-relaxation weights");
        assertBad(() -> MgritOptions.builder().cfSweeps(-1).build(), "CF sweeps");
        assertBad(() -> MgritOptions.builder().batchTile(-3).build(), "batch tile");
        try (TestChain chain = TestChain.linear(16, 0.1, 0.5)) {
            MgritOptions ok = MgritOptions.builder().build();
            assertBad(() -> chain.solver(ok, 0), "workers must be between 1 and");
            assertBad(() -> chain.solver(ok, 100_000), "workers must be between 1 and");
        }
    }

    private static void assertBad(Supplier<?> make, String expected) {
        String message = assertThrows(IllegalArgumentException.class, make::get).getMessage();
        assertTrue(message.contains(expected), message);
        assertFalse(message.contains("\n"), message);
    }

    private static int[] ints(String csv) {
        String[] parts = csv.split(",");
        int[] v = new int[parts.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = Integer.parseInt(parts[i].trim());
        }
        return v;
    }

    private static double[] doubles(String csv) {
        String[] parts = csv.split(",");
        double[] v = new double[parts.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = Double.parseDouble(parts[i].trim());
        }
        return v;
    }

    /**
     * Layer- and batch-parallelism combined: every split of the workers into layer blocks × batch blocks gives the
     * same bits, forward (states, pre-activations, statistics) and adjoint (adjoints, gradient, statistics).
     */
    @Test
    void everySplitOfLayerAndBatchWorkersGivesTheSameBits() {
        int[][] splits = {{1, 1}, {2, 1}, {1, 2}, {2, 2}, {3, 1}, {1, 3}};
        for (boolean fixed : new boolean[] {false, true}) {
            MgritOptions.Builder b = MgritOptions.builder().levels(3, 2).cfactor(4).cfSweeps(0, 1).cWeight(1.0, 1.2)
                    .batchTile(16);
            MgritOptions options = (fixed ? b.fixedIterations(2, true) : b.tolerance(1e-12, 40)).build();
            try (TestChain chain = TestChain.resNet(64, 13, 101);
                    org.layerbraid.vecmath.TensorArena arena = new org.layerbraid.vecmath.TensorArena("split")) {
                org.layerbraid.mgrit.nn.ResNetPropagator resNet =
                        (org.layerbraid.mgrit.nn.ResNetPropagator) chain.propagator;
                var lambdaN = arena.copyOf(chain.serial[64]);
                double[][] reference = null;
                SolveStatistics[] referenceStats = null;
                for (int[] split : splits) {
                    var gradient = chain.model().newVector(arena);
                    resNet.accumulateInto(gradient);
                    try (ForwardSolver forward = new ForwardSolver(chain.propagator, TestChain.KERNELS, 64, chain.h,
                            org.layerbraid.vecmath.Precision.F64, 4, 101, options, split[0], split[1]);
                            AdjointSolver adjoint = new AdjointSolver(chain.propagator, TestChain.KERNELS, 64, chain.h,
                                    org.layerbraid.vecmath.Precision.F64, 4, 101, options, split[0], split[1])) {
                        SolveStatistics fs = forward.solve(chain.u0);
                        SolveStatistics as = adjoint.solve(forward, lambdaN);
                        double[][] bits = new double[3 * 65 + 1][];
                        for (int n = 0; n <= 64; n++) {
                            bits[n] = forward.state(n).toArray();
                            bits[65 + n] = n < 64 ? forward.sideProduct(n).toArray() : new double[0];
                            bits[130 + n] = adjoint.adjoint(n).toArray();
                        }
                        bits[195] = gradient.flat().toArray();
                        String what = (fixed ? "fixed" : "tolerance") + ", " + split[0] + " × " + split[1];
                        if (reference == null) {
                            reference = bits;
                            referenceStats = new SolveStatistics[] {fs, as};
                            assertTrue(fixed || fs.converged() && as.converged(), fs + " " + as);
                        } else {
                            assertEquals(referenceStats[0], fs, what);
                            assertEquals(referenceStats[1], as, what);
                            for (int i = 0; i < bits.length; i++) {
                                assertArrayEquals(reference[i], bits[i], what + ", array " + i);
                            }
                        }
                    }
                }
            }
        }
    }
}
