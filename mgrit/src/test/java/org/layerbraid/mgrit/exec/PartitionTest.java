package org.layerbraid.mgrit.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PartitionTest {
    private static final int[] SIZES = {0, 1, 2, 3, 5, 7, 8, 13, 64, 100, 207, 1000, 4098};

    @Test
    void sharesAreContiguousAndCoverTheRangeOnce() {
        for (int n : SIZES) {
            for (int p = 1; p <= 9; p++) {
                assertEquals(0, Partition.from(0, p, n));
                assertEquals(n, Partition.to(p - 1, p, n));
                for (int t = 0; t < p; t++) {
                    int from = Partition.from(t, p, n);
                    int to = Partition.to(t, p, n);
                    assertTrue(from <= to, "n " + n + " p " + p + " t " + t);
                    assertTrue(to - from <= n / p + 1, "balanced: n " + n + " p " + p + " t " + t);
                    if (t > 0) {
                        assertEquals(Partition.to(t - 1, p, n), from);
                    }
                }
            }
        }
    }

    @Test
    void sharesFollowTheFormula() {
        assertEquals(3, Partition.from(1, 3, 10));
        assertEquals(6, Partition.to(1, 3, 10));
        // n·t beyond int range
        assertEquals(Integer.MAX_VALUE / 2, Partition.from(1, 2, Integer.MAX_VALUE));
    }

    @Test
    void alignedSharesStartOnTheGridAndCoverTheRangeOnce() {
        for (int alignment : new int[] {1, 4, 8, 16}) {
            for (int n : SIZES) {
                for (int p = 1; p <= 9; p++) {
                    assertEquals(0, Partition.alignedFrom(0, p, n, alignment));
                    assertEquals(n, Partition.alignedTo(p - 1, p, n, alignment));
                    for (int t = 0; t < p; t++) {
                        int from = Partition.alignedFrom(t, p, n, alignment);
                        int to = Partition.alignedTo(t, p, n, alignment);
                        String where = "n " + n + " p " + p + " t " + t + " alignment " + alignment;
                        assertTrue(from <= to, where);
                        assertTrue(from == n || from % alignment == 0, where);
                        if (t > 0) {
                            assertEquals(Partition.alignedTo(t - 1, p, n, alignment), from, where);
                        }
                    }
                }
            }
        }
    }

    @Test
    void alignedSharesAreWholeBlocks() {
        // 5000 columns in blocks of 8: 625 blocks, 312 and 313 per worker.
        assertEquals(2496, Partition.alignedTo(0, 2, 5000, 8));
        assertEquals(2496, Partition.alignedFrom(1, 2, 5000, 8));
        assertEquals(5000, Partition.alignedTo(1, 2, 5000, 8));
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Partition.from(0, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> Partition.from(-1, 2, 10));
        assertThrows(IllegalArgumentException.class, () -> Partition.to(2, 2, 10));
        assertThrows(IllegalArgumentException.class, () -> Partition.to(0, 2, -1));
        var e = assertThrows(IllegalArgumentException.class, () -> Partition.alignedFrom(0, 2, 10, 0));
        assertEquals("bad partition: worker 0 of 2, n = 10, alignment 0", e.getMessage());
    }

    @Test
    void everyEntryPointChecksItsArguments() {
        assertThrows(IllegalArgumentException.class, () -> Partition.from(2, 2, 10));
        assertThrows(IllegalArgumentException.class, () -> Partition.to(-1, 2, 10));
        assertThrows(IllegalArgumentException.class, () -> Partition.alignedFrom(0, 2, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> Partition.alignedTo(0, 2, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> Partition.alignedTo(2, 2, 10, 4));
        assertThrows(IllegalArgumentException.class, () -> Partition.alignedTo(0, 0, 10, 4));
    }
}
