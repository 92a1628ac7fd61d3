package org.layerbraid.mgrit.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Every check of {@link MgritOptions} refuses the first value outside its range and accepts the last one inside. */
class MgritOptionsTest {
    private static void assertBad(UnaryOperator<MgritOptions.Builder> change, String expected) {
        String message = assertThrows(IllegalArgumentException.class,
                () -> change.apply(MgritOptions.builder()).build()).getMessage();
        assertTrue(message.contains(expected), message);
    }

    private static void assertGood(UnaryOperator<MgritOptions.Builder> change) {
        assertDoesNotThrow(() -> change.apply(MgritOptions.builder()).build());
    }

    @Test
    void everySettingIsCheckedAtItsBoundary() {
        assertBad(b -> b.levels(0, 2), "max levels must be at least 1, got 0");
        assertGood(b -> b.levels(1, 2));
        assertBad(b -> b.levels(3, 0), "min coarse must be at least 1, got 0");
        assertGood(b -> b.levels(3, 1));
        assertBad(b -> b.cfactor(), "at least one coarsening factor");
        assertBad(b -> b.cfactor(2, 1), "coarsening factors must be at least 2, got 1");
        assertGood(b -> b.cfactor(2));
        assertBad(b -> b.cfSweeps(), "at least one relaxation setting");
        assertBad(b -> b.cfSweeps(0, -1), "CF sweeps must be ≥ 0");
        assertGood(b -> b.cfSweeps(0));
        assertBad(b -> b.cWeight(), "at least one C-relaxation weight");
        assertBad(b -> b.cWeight(0.0), "C-relaxation weights must lie in (0, 2)");
        assertBad(b -> b.cWeight(1, 2.0), "C-relaxation weights must lie in (0, 2)");
        assertBad(b -> b.cWeight(Double.NaN), "C-relaxation weights");
        assertGood(b -> b.cWeight(Double.MIN_VALUE, Math.nextDown(2.0)));
        assertBad(b -> b.cycle(null), "a cycle (V or F) must be given");
        assertBad(b -> b.tolerance(1e-10, 0), "max iterations must be at least 1");
        assertGood(b -> b.tolerance(1e-10, 1));
        assertGood(b -> b.fixedIterations(0));
        assertBad(b -> b.fixedIterations(-1), "max iterations");
        assertBad(b -> b.tolerance(0, 5), "the absolute tolerance must be positive and finite");
        assertBad(b -> b.tolerance(Double.POSITIVE_INFINITY, 5), "the absolute tolerance");
        assertGood(b -> b.tolerance(Double.MIN_VALUE, 5));
        assertBad(b -> b.relativeTolerance(-1e-300), "the relative tolerance must be in [0, 1)");
        assertBad(b -> b.relativeTolerance(1), "the relative tolerance");
        assertGood(b -> b.relativeTolerance(0));
        assertGood(b -> b.relativeTolerance(Math.nextDown(1.0)));
        assertBad(b -> b.initialGuess(null), "an initial guess must be given");
        assertBad(b -> b.batchTile(-1), "the batch tile must be ≥ 0");
        assertGood(b -> b.batchTile(0));
    }

    @Test
    void gettersAndToBuilderGiveBackWhatWasSet() {
        MgritOptions o = MgritOptions.builder().levels(5, 3).cfactor(4, 2).cfSweeps(0, 1).cWeight(1.5, 0.5)
                .cycle(MgritOptions.Cycle.F).skipFirstDown(true).fixedIterations(3, true)
                .initialGuess(InitialGuess.WARM).batchTile(8).build();
        for (MgritOptions options : new MgritOptions[] {o, o.toBuilder().build()}) {
            assertEquals(5, options.maxLevels());
            assertEquals(3, options.minCoarse());
            assertEquals(4, options.cfactor(0));
            assertEquals(2, options.cfactor(7));
            assertEquals(0, options.cfSweeps(0));
            assertEquals(1, options.cfSweeps(3));
            assertEquals(1.5, options.cWeight(0));
            assertEquals(0.5, options.cWeight(2));
            assertEquals(MgritOptions.Cycle.F, options.cycle());
            assertTrue(options.skipFirstDown());
            assertEquals(3, options.maxIterations());
            assertTrue(options.fixedIterations());
            assertTrue(options.measuresFixedIterations());
            assertEquals(InitialGuess.WARM, options.initialGuess());
            assertEquals(8, options.batchTile());
            assertEquals(o.toString(), options.toString());
        }
        MgritOptions defaults = MgritOptions.builder().build();
        assertFalse(defaults.skipFirstDown());
        assertFalse(defaults.measuresFixedIterations());
        assertEquals(MgritOptions.Cycle.V, defaults.cycle());
        assertArrayEquals(new int[] {33, 9, 3}, defaults.hierarchy(32, 0.1).pointsPerLevel());
    }

    @Test
    void theDescriptionNamesEverySetting() {
        String fixed = MgritOptions.builder().levels(5, 3).cfactor(4, 2).cfSweeps(0, 1).cWeight(1.5)
                .cycle(MgritOptions.Cycle.F).skipFirstDown(true).fixedIterations(3, true).batchTile(8).build()
                .toString();
        assertEquals("MgritOptions[levels ≤ 5, min coarse 3, cfactor [4, 2], CF sweeps [0, 1], C weight [1.5], F-cycle,"
                + " skip first down, fixed 3 iterations (measured), initial guess ZERO, batch tile 8]", fixed);
        String tolerance = MgritOptions.builder().tolerance(1e-8, 20).relativeTolerance(0.001).build().toString();
        assertEquals("MgritOptions[levels ≤ 3, min coarse 2, cfactor [4], CF sweeps [1], C weight [1.0], V-cycle,"
                + " ≤ 20 iterations to 1.0E-8 or 0.001 relative, initial guess ZERO, batch tile auto]", tolerance);
        String plain = MgritOptions.builder().fixedIterations(2).build().toString();
        assertTrue(plain.contains(", fixed 2 iterations, initial guess"), plain);
        assertTrue(MgritOptions.builder().build().toString().contains("≤ 30 iterations to 1.0E-10, initial"));
    }
}
