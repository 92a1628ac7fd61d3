package org.layerbraid.mgrit.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The grid levels: sizes, strides, step sizes, fine indices, remainders and argument checks. */
class HierarchyTest {
    @Test
    void divisibleGridCoarsensByTheFactors() {
        Hierarchy g = new Hierarchy(96, 0.5, 4, 2, 4, 3);
        assertEquals(4, g.levels());
        assertArrayEquals(new int[] {97, 25, 9, 3}, g.pointsPerLevel());
        assertEquals(4, g.cfactor(0));
        assertEquals(3, g.cfactor(2));
        assertArrayEquals(new int[] {1, 4, 12, 36}, new int[] {g.stride(0), g.stride(1), g.stride(2), g.stride(3)});
        assertEquals(0.5, g.stepSize(0));
        assertEquals(18.0, g.stepSize(3));
        assertEquals(72, g.fineIndex(2, 6));
        assertEquals(72, g.fineIndex(3, 2));
        assertThrows(IllegalArgumentException.class, () -> g.cfactor(3));
        assertThrows(IllegalArgumentException.class, () -> g.fineIndex(1, 25));
    }

    @Test
    void remainderLeavesAShorterLastIntervalOfFPoints() {
        Hierarchy g = new Hierarchy(10, 0.1, 5, 1, 4, 4);
        // 10 / 4 = 2 coarse steps (C-points 0, 4, 8; points 9 and 10 are F-points), 2 / 4 = 0 < 1: stop.
        assertArrayEquals(new int[] {11, 3}, g.pointsPerLevel());
        assertEquals(8, g.fineIndex(1, 2));
    }

    @Test
    void minCoarseAndMaxLevelsLimitTheDepth() {
        assertEquals(1, new Hierarchy(64, 1, 1, 2, 2, 2).levels());
        assertEquals(3, new Hierarchy(64, 1, 10, 16, 2, 2).levels());
        assertEquals(1, new Hierarchy(3, 1, 3, 2, 2, 2).levels());
        assertEquals(2, new Hierarchy(5, 1, 3, 1, 5, 5).levels());
    }

    @Test
    void badArgumentsFailWithOneLine() {
        Executable[] bad = {
            () -> new Hierarchy(0, 1, 2, 1, 2, 2),
            () -> new Hierarchy(8, Double.NaN, 2, 1, 2, 2),
            () -> new Hierarchy(8, -1, 2, 1, 2, 2),
            () -> new Hierarchy(8, 1, 0, 1, 2, 2),
            () -> new Hierarchy(8, 1, 2, 0, 2, 2),
            () -> new Hierarchy(8, 1, 2, 1, 1, 2),
            () -> new Hierarchy(8, 1, 2, 1, 2, 1),
            () -> new Hierarchy(8, 0, 2, 1, 2, 2),
            () -> new Hierarchy(8, 1, 2, 1, new int[0]),
        };
        for (Executable e : bad) {
            String message = assertThrows(IllegalArgumentException.class, e).getMessage();
            assertFalse(message.isBlank());
            assertTrue(message.lines().count() == 1, message);
        }
    }

    @Test
    void argumentsAtTheEdgeOfTheirRangeAreAccepted() {
        Hierarchy g = new Hierarchy(1, Double.MIN_VALUE, 1, 1, new int[] {2});
        assertEquals(1, g.levels());
        assertEquals(0, g.fineIndex(0, 0));
        assertEquals(1, g.fineIndex(0, 1));
        assertThrows(IllegalArgumentException.class, () -> g.fineIndex(0, -1));
        assertThrows(IllegalArgumentException.class, () -> g.fineIndex(0, 2));
    }

    @Test
    void optionsValidateAndBuildTheHierarchy() {
        MgritOptions o = MgritOptions.builder().levels(3, 1).cfactor(8, 2).cfSweeps(2, 0).build();
        assertEquals(2, o.cfSweeps(0));
        assertEquals(0, o.cfSweeps(2));
        assertArrayEquals(new int[] {65, 9, 5}, o.hierarchy(64, 1).pointsPerLevel());
        assertThrows(IllegalArgumentException.class, () -> MgritOptions.builder().cfactor(1).build());
        assertThrows(IllegalArgumentException.class, () -> MgritOptions.builder().tolerance(-1, 5).build());
        assertThrows(IllegalArgumentException.class, () -> MgritOptions.builder().tolerance(1e-9, 0).build());
        assertThrows(IllegalArgumentException.class, () -> MgritOptions.builder().cfSweeps(-1, 0).build());
        assertThrows(IllegalArgumentException.class, () -> MgritOptions.builder().initialGuess(null).build());
    }
}
