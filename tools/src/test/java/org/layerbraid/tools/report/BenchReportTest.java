package org.layerbraid.tools.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerbraid.bench.Row;
import org.layerbraid.tools.model.CostModel;
import org.layerbraid.tools.model.ModelConfig;
import org.layerbraid.tools.model.Network;
import org.layerbraid.tools.model.UnitCostTable;
import org.layerbraid.tools.model.Validation;

class BenchReportTest {
    @TempDir
    Path dir;

    private static Row time(String benchmark, Map<String, String> params, double ms) {
        return new Row(benchmark, params, ms, ms / 20, "ms/op", 0, Double.NaN, Double.NaN, Double.NaN);
    }

    private static Map<String, String> mgrit(int layers, int workers) {
        return Map.of("layers", "" + layers, "width", "8", "batch", "1024", "workers", "" + workers, "levels", "8",
                "minCoarse", "8", "cfactor", "4", "relax", "F");
    }

    /**
     * A run of every suite whose serial and MGRIT times are exactly what the model predicts from its unit costs
     * (t_step 8 ns, t_adj 10 ns, t_grad 4 ns, t_vec 2 ns per example, 25% slower on all cores; regions 10 ns and
     * 500 ns).
     */
    static List<Row> syntheticRun() {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("FmaPeak.f64", Map.of(), 1e6, 1e4, "ops/s", 0, 100, 1, 100));
        rows.add(new Row("ResidualStepBench.residualStep", Map.of("width", "8", "batch", "1024", "precision", "f64",
                "impl", "panama"), 1e6, 5e4, "ops/s", 0, 20, 1, 20));
        Map<String, String> shape = Map.of("width", "8", "batch", "1024");
        rows.add(new Row("LayerStepBench.step", shape, 8 * 1024, 100, "ns/op", 0, Double.NaN, Double.NaN, Double.NaN));
        rows.add(new Row("LayerStepBench.adjoint", shape, 10 * 1024, 100, "ns/op", 0, Double.NaN, Double.NaN,
                Double.NaN));
        rows.add(new Row("LayerStepBench.adjointGradient", shape, 14 * 1024, 100, "ns/op", 0, Double.NaN, Double.NaN,
                Double.NaN));
        rows.add(new Row("LayerStepBench.axpby", shape, 2 * 1024, 100, "ns/op", 0, Double.NaN, Double.NaN,
                Double.NaN));
        rows.add(new Row("LayerStepBench.stepAllCores", shape, 1.25 * 8 * 1024, 100, "ns/op", 0, Double.NaN,
                Double.NaN, Double.NaN));
        rows.add(new Row("PoolRegionBench.emptyRegion", Map.of("workers", "1", "policy", "BACKOFF"), 10, 1, "ns/op", 0,
                Double.NaN, Double.NaN, Double.NaN));
        rows.add(new Row("PoolRegionBench.emptyRegion", Map.of("workers", "2", "policy", "BACKOFF"), 500, 50, "ns/op",
                0, Double.NaN, Double.NaN, Double.NaN));
        UnitCostTable table = UnitCostTable.from(rows, "synthetic");
        CostModel model = new CostModel(table.at(8, 1024), Network.SHARED_MEMORY, false);
        for (int layers : new int[] {64, 256}) {
            for (int p : new int[] {1, 2}) {
                Map<String, String> serial = Map.of("layers", "" + layers, "width", "8", "batch", "1024", "threads",
                        "" + p);
                ModelConfig c = ModelConfig.reference(layers, 8, 1024, p);
                rows.add(time("SerialGradientBench.forwardBackward", serial,
                        1e3 * Validation.predict(model, "SerialGradientBench.x", c)));
                for (String b : new String[] {"ForwardCycleBench.forwardCycle", "AdjointCycleBench.adjointCycle",
                    "OneShotStepBench.oneShotStep"}) {
                    rows.add(time(b, mgrit(layers, p), 1e3 * Validation.predict(model, b, c)));
                }
            }
        }
        return rows;
    }

    @Test
    void writesResultsReportAndCharts() throws IOException {
        List<Row> rows = syntheticRun();
        BenchResults results = new BenchResults("quick", "2026-11-24", "test machine, 2 cores", "25", rows);
        List<Path> written = BenchReport.write(dir, results, "layerbraid bench --quick --suite all");

        JsonNode json = new ObjectMapper().readTree(dir.resolve("results.json").toFile());
        assertEquals(rows.size(), json.get("points").size());
        assertTrue(json.get("points").get(2).get("gflops").isNull(), "NaN is written as null");
        BenchResults back = ResultsFile.read(dir.resolve("results.json"));
        assertEquals(rows.size(), back.rows().size());
        for (int i = 0; i < rows.size(); i++) {
            Row a = rows.get(i);
            Row b = back.rows().get(i);
            assertEquals(a.benchmark(), b.benchmark());
            assertEquals(a.params(), b.params());
            assertEquals(a.score(), b.score());
            assertEquals(a.unit(), b.unit());
            assertEquals(Double.isNaN(a.gflops()), Double.isNaN(b.gflops()));
        }
        assertEquals("quick", back.mode());

        String md = Files.readString(dir.resolve("report.md"));
        assertTrue(md.contains("Command: `layerbraid bench --quick --suite all`. Mode: quick"), md);
        assertTrue(md.contains("| residualStep | f64 | width=8 batch=1024 | 20.0 | 1.0 | 20% | 0 |"), md);
        assertTrue(md.contains("| 8 | 1024 | 8.00 | 10.0 | 4.00 | 2.00 | 1.25 |"), "unit costs in ns:\n" + md);
        assertTrue(md.contains("median |error| 0.0%, largest 0.0%"), "measured = model here:\n" + md);
        assertTrue(md.contains("| OneShotStepBench | 256 | 8 | 1024 | 2 |"), md);
        assertTrue(md.contains("## Layer-parallel against serial (measured)"), md);
        assertTrue(md.contains("| PoolRegionBench.emptyRegion | {policy=BACKOFF, workers=2} | 500.0 |"), md);

        List<String> names = written.stream().map(p -> p.getFileName().toString()).toList();
        assertEquals(List.of("results.json", "kernel_peak.png", "time_vs_layers.png", "speedup.png",
                "break_even.png", "projection.png", "report.md"), names);
        for (Path p : written) {
            if (p.toString().endsWith(".png")) {
                BufferedImage image = ImageIO.read(p.toFile());
                assertTrue(image != null && image.getWidth() >= 900, p + " is a PNG of the chart's size");
                byte[] head = Files.readAllBytes(p);
                assertEquals((byte) 0x89, head[0]);
                assertEquals('P', head[1]);
            }
        }
    }

    @Test
    void aRunWithoutSerialPointsStillReports() throws IOException {
        List<Row> rows = syntheticRun().subList(0, 2);
        BenchReport.write(dir, new BenchResults("full", "d", "m", "j", rows), "layerbraid bench");
        String md = Files.readString(dir.resolve("report.md"));
        assertTrue(md.contains("built-in defaults"), md);
        assertTrue(!md.contains("## Serial and layer-parallel"), md);
        assertTrue(Files.exists(dir.resolve("projection.png")));
    }

    @Test
    void unreadableResultsAreOneLineErrors() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"mode\": \"quick\"}");
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> ResultsFile.read(bad));
        assertEquals(bad + " is not a bench results.json: it has no \"points\" array", e.getMessage());
        Path missing = dir.resolve("none.json");
        e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> ResultsFile.read(missing));
        assertEquals("cannot read " + missing + ": no such file", e.getMessage());
    }
}
