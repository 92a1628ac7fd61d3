package org.layerbraid.mgrit.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/**
 * The solver's iteration counts, residual histories and states, configuration by configuration, equal those of
 * {@link ReferenceMgrit}, a plain FAS MGRIT written independently of it: so a cycle leg, a sweep, a weight or the
 * skipped first relaxation cannot change without a test seeing it (convergence to the serial result alone does
 * not show any of them).
 */
class ReferenceMgritTest {
    private static final double T = 4;

    private static MgritOptions.Builder base() {
        return MgritOptions.builder().levels(3, 2).cfactor(2).cfSweeps(0, 1).tolerance(1e-10, 40);
    }

    static Stream<Arguments> configurations() {
        return Stream.of(
                case_("V-cycle, F on level 0 and FCF below", 32, 3, 4, 1, base()),
                case_("F-cycle over four levels", 32, 3, 4, 1, base().levels(4, 2).cycle(MgritOptions.Cycle.F)),
                case_("F-cycle over five levels, FCF everywhere", 64, 2, 3, 2,
                        base().levels(5, 2).cfSweeps(1).cycle(MgritOptions.Cycle.F)),
                case_("FCF with C weights 1.3 and 0.7", 32, 3, 4, 1, base().cfactor(4, 2).cfSweeps(1).cWeight(1.3, 0.7)),
                case_("F(CF)² on level 0, F below", 32, 3, 4, 1, base().cfSweeps(2, 0)),
                case_("skip first down, V", 32, 3, 4, 1, base().cfSweeps(1).skipFirstDown(true)),
                case_("skip first down, F", 32, 3, 4, 2,
                        base().levels(4, 2).skipFirstDown(true).cycle(MgritOptions.Cycle.F)),
                case_("N not a multiple of c", 30, 3, 4, 1, base().cfactor(4, 2)),
                case_("per-level coarsening 3, 2", 36, 2, 2, 1, base().cfactor(3, 2).cfSweeps(1, 0)),
                case_("relative tolerance", 32, 3, 4, 1, base().tolerance(1e-14, 40).relativeTolerance(1e-3)),
                case_("relative tolerance, skip first down", 32, 3, 4, 1,
                        base().tolerance(1e-14, 40).relativeTolerance(1e-3).skipFirstDown(true)),
                case_("iteration limit reached", 32, 3, 4, 1, base().tolerance(1e-14, 3)),
                case_("width 1, batch 1", 32, 1, 1, 1, base()),
                case_("width 1, batch 1, two workers", 32, 1, 1, 2, base().cycle(MgritOptions.Cycle.F)),
                case_("batch tiles over two workers", 32, 2, 19, 2, base().batchTile(8)),
                case_("fixed iterations", 32, 3, 4, 1, base().fixedIterations(2)),
                case_("fixed iterations, measured", 32, 3, 4, 1, base().fixedIterations(3, true)),
                case_("fixed iterations, skip first down", 32, 3, 4, 1, base().skipFirstDown(true).fixedIterations(2)),
                case_("fixed iterations, skip first down, measured", 32, 3, 4, 1,
                        base().skipFirstDown(true).fixedIterations(3, true)),
                case_("one level", 32, 3, 4, 2, base().levels(1, 1)));
    }

    private static Arguments case_(String name, int steps, int width, int batch, int workers, MgritOptions.Builder b) {
        return Arguments.of(name, steps, width, batch, workers, b.build());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurations")
    void solverFollowsTheReferenceIterationByIteration(String name, int steps, int width, int batch, int workers,
            MgritOptions options) {
        PlainChain chain = PlainChain.nonlinear(steps, width, batch);
        double[] u0 = chain.initialState(5);
        ReferenceMgrit reference = new ReferenceMgrit(chain, steps, T / steps, options);
        reference.solve(u0);
        try (TensorArena arena = new TensorArena("reference test");
                ForwardSolver solver = new ForwardSolver(chain, TestChain.KERNELS, steps, T / steps, Precision.F64,
                        width, batch, options, workers)) {
            Matrix start = arena.matrix(Precision.F64, width, batch);
            start.copyFrom(u0);
            SolveStatistics stats = solver.solve(start);
            assertEquals(reference.levels(), stats.levels(), stats.toString());
            assertEquals(reference.iterations, stats.iterations(), stats.toString());
            assertEquals(reference.converged, stats.converged(), stats.toString());
            assertHistory(reference.norms, stats.residualNorms());
            for (int n = 0; n <= steps; n++) {
                assertStates(reference.state(n), solver.state(n), "state " + n);
            }
            if (!options.fixedIterations() && options.maxLevels() > 1) {
                assertTrue(stats.iterations() >= 3, "a case that needs several iterations: " + stats);
            }
        }
    }

    @Test
    void everyOptionTheReferenceIsCheckedOnChangesItsHistory() {
        // Guards the test above: if an option made no difference to the reference, the comparison could not see it.
        List<UnaryOperator<MgritOptions.Builder>> changes = List.of(
                b -> b.cycle(MgritOptions.Cycle.F),
                b -> b.cfSweeps(1, 1),
                b -> b.cfSweeps(0, 2),
                b -> b.cfSweeps(1).cWeight(1.3, 1),
                b -> b.cfSweeps(1).cWeight(1, 0.7),
                b -> b.skipFirstDown(true));
        List<Double> base = referenceNorms(base().levels(4, 2));
        for (UnaryOperator<MgritOptions.Builder> change : changes) {
            assertNotEquals(base, referenceNorms(change.apply(base().levels(4, 2))), change.toString());
        }
    }

    private static List<Double> referenceNorms(MgritOptions.Builder b) {
        PlainChain chain = PlainChain.nonlinear(32, 3, 4);
        ReferenceMgrit reference = new ReferenceMgrit(chain, 32, T / 32, b.build());
        reference.solve(chain.initialState(5));
        return List.copyOf(reference.norms);
    }

    /** Residual norms equal up to the rounding of sums taken in another order. */
    static void assertHistory(List<Double> expected, double[] actual) {
        assertEquals(expected.size(), actual.length, "residual history " + expected + " vs " + List.of(box(actual)));
        for (int k = 0; k < actual.length; k++) {
            assertEquals(expected.get(k), actual[k], 1e-9 * expected.get(k) + 1e-300, "residual norm " + k);
        }
    }

    private static Double[] box(double[] values) {
        return java.util.Arrays.stream(values).boxed().toArray(Double[]::new);
    }

    static void assertStates(double[] expected, Matrix actual, String what) {
        double[] a = actual.toArray();
        assertEquals(expected.length, a.length, what);
        for (int i = 0; i < a.length; i++) {
            assertEquals(expected[i], a[i], 1e-11 * (1 + Math.abs(expected[i])), what + ", entry " + i);
        }
    }
}
