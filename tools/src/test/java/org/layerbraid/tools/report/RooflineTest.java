package org.layerbraid.tools.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.layerbraid.bench.Row;
import org.layerbraid.bench.TriadBandwidth;

class RooflineTest {
    private static Row serial(int width, String precision, int threads, double ms) {
        return new Row("SerialGradientBench.forwardBackward", Map.of("layers", "1000", "width", "" + width, "batch",
                "1000", "threads", "" + threads, "precision", precision), ms, 0.1, "ms/op", 0, Double.NaN, Double.NaN,
                Double.NaN);
    }

    /** Probes: 10 GB/s on one thread, 16 on two; 100 GFLOP/s f64 and 200 f32 per core. */
    private static List<Row> run(Row... points) {
        List<Row> rows = new java.util.ArrayList<>(List.of(
                new Row("TriadBandwidth.oneThread", Map.of(), 10e9 / TriadBandwidth.BYTES, 0, "ops/s", 0, Double.NaN,
                        Double.NaN, Double.NaN),
                new Row("TriadBandwidth.twoThreads", Map.of(), 16e9 / TriadBandwidth.BYTES, 0, "ops/s", 0, Double.NaN,
                        Double.NaN, Double.NaN),
                new Row("FmaPeak.f64", Map.of(), 1, 0, "ops/s", 0, 100, 0, 100),
                new Row("FmaPeak.f32", Map.of(), 1, 0, "ops/s", 0, 200, 0, 100)));
        rows.addAll(List.of(points));
        return rows;
    }

    @Test
    void narrowPointsAreBoundByMemoryAndWideOnesByTheFmaPeakPerThread() {
        // width 8 f64: 448 B at 10 GB/s = 44.8 ns; 384 flops at 100 GFLOP/s = 3.84 ns. Measured 89.6 ns: 50%.
        // width 64 f32, 2 threads: 1792 B at 16 GB/s = 112 ns; 24576 flops at 400 GFLOP/s = 61.4 ns.
        // width 64 f64, 1 thread: 3584 B at 10 GB/s = 358.4 ns; 24576 flops at 100 GFLOP/s = 245.8 ns.
        // width 128 f64, 1 thread: 7168 B = 716.8 ns; 98304 flops = 983.0 ns.
        List<Roofline.Point> points = Roofline.points(run(serial(8, "f64", 1, 89.6), serial(64, "f32", 2, 224),
                serial(64, "f64", 1, 358.4), serial(128, "f64", 1, 1966.08)));
        assertEquals(4, points.size());
        assertEquals(44.8, points.get(0).roofNs(), 1e-9);
        assertEquals("memory", points.get(0).bound());
        assertEquals(0.5, points.get(0).fraction(), 1e-12);
        assertEquals(112, points.get(1).roofNs(), 1e-9);
        assertEquals(0.5, points.get(1).fraction(), 1e-12);
        assertEquals(1.0, points.get(2).fraction(), 1e-12);
        assertEquals("FMA", points.get(3).bound());
        assertEquals(0.5, points.get(3).fraction(), 1e-12);
    }

    @Test
    void withoutTheProbesThereIsNoRooflineSection() {
        StringBuilder md = new StringBuilder();
        Roofline.section(md, List.of(serial(8, "f64", 1, 50)));
        assertEquals("", md.toString());
        Roofline.section(md, run(serial(8, "f64", 1, 89.6)));
        assertTrue(md.toString().contains("| 1000 | 8 | f64 | 1 | 89.6 ± 0.1 | 89.6 | 44.8 | memory | **50%** |"),
                md.toString());
    }
}
