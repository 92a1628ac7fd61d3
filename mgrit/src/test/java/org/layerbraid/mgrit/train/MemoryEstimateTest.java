package org.layerbraid.mgrit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.layerbraid.mgrit.solver.Hierarchy;
import org.layerbraid.mgrit.solver.MgritOptions;
import org.layerbraid.mgrit.solver.Storage;
import org.layerbraid.vecmath.Precision;

/** Memory added up before allocation, and refused in one line when it cannot fit. */
class MemoryEstimateTest {
    private static final long GB = 1_000_000_000L;

    @Test
    void tensorsCountTheirPaddedRows() {
        MemoryEstimate m = new MemoryEstimate().tensors("states", 10, Precision.F64, 8, 5);
        // 5 doubles pad to 8 per row (64 bytes): 8 rows × 64 bytes + bookkeeping, ten times.
        assertEquals(10 * (8 * 64 + 192), m.totalBytes() - (64L << 20));
        assertEquals(0, m.heapBytes());
    }

    @Test
    void aRunThatDoesNotFitIsRefusedNamingItsLargestParts() {
        MemoryEstimate m = new MemoryEstimate().tensors("L-BFGS memory", 200_000_000L, Precision.F64, 1, 1000)
                .heap("data", 2 * GB);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.check(8 * GB, 32 * GB, "lower --lbfgs-memory"));
        assertTrue(e.getMessage().matches("this run needs ≈ [\\d.]+ TB \\(L-BFGS memory [\\d.]+ TB, data 2\\.0 GB\\), this "
                + "machine has 32 GB: lower --lbfgs-memory"), e.getMessage());
        IllegalArgumentException heap = assertThrows(IllegalArgumentException.class,
                () -> new MemoryEstimate().heap("data", 9 * GB).check(8 * GB, 32 * GB, "fewer examples"));
        assertTrue(heap.getMessage().contains("needs ≈ 9.0 GB on the heap (data 9.0 GB), this JVM can use 8.0 GB"),
                heap.getMessage());
        new MemoryEstimate().heap("data", GB).tensors("states", 100, Precision.F32, 8, 5000).check(8 * GB, 32 * GB,
                "never said");
    }

    @Test
    void hugeCountsSaturateInsteadOfOverflowing() {
        MemoryEstimate m = new MemoryEstimate().tensors("L-BFGS memory", Long.MAX_VALUE / 3, Precision.F64,
                1, Integer.MAX_VALUE);
        assertEquals(Long.MAX_VALUE, m.totalBytes());
        assertThrows(IllegalArgumentException.class, () -> m.check(Long.MAX_VALUE, Long.MAX_VALUE - 1, ""));
    }

    @Test
    void mgritStatesCoverEveryLevel() {
        MgritOptions options = MgritOptions.builder().levels(10, 2).cfactor(4).build();
        Hierarchy h = options.hierarchy(64, 1.0 / 64);
        long points = 0;
        for (int l = 0; l < h.levels(); l++) {
            points += l == 0 ? 65 + 64 : 2L * (h.steps(l) + 1) - 1;
        }
        MemoryEstimate m = new MemoryEstimate().mgritStates("MGRIT states", options, 64, 1.0 / 64, true, 2,
                Precision.F64, 8, 8);
        assertEquals((points + 6) * (8 * 64 + 192), m.totalBytes() - (64L << 20));
    }

    @Test
    void cPointStorageCountsTheKeptStatesAndTheRecomputation() {
        MgritOptions options = MgritOptions.builder().levels(10, 2).cfactor(4).cfSweeps(1).storage(Storage.C_POINTS)
                .build();
        Hierarchy h = options.hierarchy(61, 1.0 / 61);
        long coarse = 0;
        for (int l = 1; l < h.levels(); l++) {
            coarse += 2L * (h.steps(l) + 1) - 1;
        }
        long state = 8 * 64 + 192;
        // 0, 4, …, 60 and 61; a carry per worker for the C-relaxation.
        MemoryEstimate forward = new MemoryEstimate().mgritStates("MGRIT states", options, 61, 1.0 / 61, true, 2,
                Precision.F64, 8, 8);
        assertEquals((coarse + 6 + 17 + 2) * state, forward.totalBytes() - (64L << 20));
        // The adjoint also recomputes c states and c side products per worker.
        MemoryEstimate adjoint = new MemoryEstimate().mgritStates("MGRIT states", options, 61, 1.0 / 61, false, 2,
                Precision.F64, 8, 8);
        assertEquals((coarse + 6 + 17 + 2 + 16) * state, adjoint.totalBytes() - (64L << 20));
    }

    @Test
    void sizesReadAsPeopleWriteThem() {
        assertEquals("812 bytes", MemoryEstimate.size(812));
        assertEquals("9.6 GB", MemoryEstimate.size(9_600_000_000L));
        assertEquals("24 GB", MemoryEstimate.size(24_000_000_000L));
    }
}
