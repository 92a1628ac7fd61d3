package org.layerbraid.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SuiteRunnerTest {
    @Test
    void pointsCountMethodsTimesParameterValuesWithOverrides() {
        // PoolRegionBench: 2 methods × 2 workers × 2 policies.
        assertEquals(8, SuiteRunner.points(Suite.POOL.classes(), Map.of()));
        assertEquals(6, SuiteRunner.points(Suite.POOL.classes(), Map.of("workers", List.of("1", "2", "4"),
                "policy", List.of("SPIN"))));
        // Kernels: 2 FMA probes, the triad probe on 1 and 2 threads, residual and adjoint 3 widths × 3 batches ×
        // 2 precisions, GEMM 3 sizes × 2 precisions.
        assertEquals(2 + 2 + 18 + 18 + 6, SuiteRunner.points(Suite.KERNELS.classes(), Map.of()));
        // Convolutions: 2 probes, 5 kernels × 2 batches × 2 precisions.
        assertEquals(2 + 20, SuiteRunner.points(Suite.CONV.classes(), Map.of()));
        // MGRIT parameters are inherited from MgritState: 3 benchmarks × 3 depths × 2 worker counts.
        assertEquals(18, SuiteRunner.points(Suite.MGRIT.classes(), Map.of()));
    }

    @Test
    void anUnknownParameterIsRefusedNamingTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SuiteRunner.points(Suite.POOL.classes(), Map.of("layers", List.of("64"))));
        assertEquals("no benchmark of the chosen suites has a parameter 'layers'; they have: policy, workers",
                e.getMessage());
    }

    @Test
    void rowsConvertTimesAndThroughputsToSeconds() {
        Row time = new Row("A.b", Map.of("n", "3"), 250, 10, "us/op", 0, Double.NaN, Double.NaN, Double.NaN);
        assertEquals(250e-6, time.secondsPerOp(), 1e-18);
        assertEquals(10e-6, time.secondsPerOpError(), 1e-18);
        assertEquals(3, time.intParam("n"));
        assertEquals("A", time.benchmarkClass());
        assertEquals("b", time.method());
        Row rate = new Row("A.c", Map.of(), 1000, 100, "ops/ms", 0, Double.NaN, Double.NaN, Double.NaN);
        assertEquals(1e-6, rate.secondsPerOp(), 1e-18);
        assertEquals(1e-7, rate.secondsPerOpError(), 1e-18);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> time.intParam("width"));
        assertEquals("A.b has no parameter 'width'", e.getMessage());
    }
}
