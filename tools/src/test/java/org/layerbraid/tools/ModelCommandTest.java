package org.layerbraid.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerbraid.bench.Row;
import org.layerbraid.tools.report.BenchResults;
import org.layerbraid.tools.report.ResultsFile;

class ModelCommandTest {
    private static final double NaN = Double.NaN;

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void printsPredictionsWithTheBuiltInUnitCosts() {
        assertEquals(0, run("model", "--layers", "256", "--workers", "1,2,64", "--latency", "1e-6"), err.toString());
        String text = out.toString();
        assertTrue(text.contains("built-in defaults"), text);
        assertTrue(text.contains("N_l = 256, 64, 16 (3 levels)"), text);
        assertTrue(text.contains("Workers: processes"), text);
        assertEquals(3, text.lines().filter(l -> l.matches("\\|\\s+\\d+ \\|.*")).count(), text);
    }

    @Test
    void readsUnitCostsFromAResultsFile() throws IOException {
        Path results = dir.resolve("results.json");
        Map<String, String> shape = Map.of("width", "8", "batch", "1024");
        List<Row> rows = List.of(
                new Row("LayerStepBench.step", shape, 8192, 1, "ns/op", 0, NaN, NaN, NaN),
                new Row("LayerStepBench.adjoint", shape, 10.24, 1, "us/op", 0, NaN, NaN, NaN),
                new Row("LayerStepBench.adjointGradient", shape, 14336, 1, "ns/op", 0, NaN, NaN, NaN));
        ResultsFile.write(results, new BenchResults("quick", "d", "m", "j", rows));
        assertEquals(0, run("model", "--units", results.toString(), "--batch", "1024"), err.toString());
        String text = out.toString();
        assertTrue(text.contains("t_step 8.00 ns, t_adj 10.0 ns, t_grad 4.00 ns"), text);
        assertTrue(text.contains("(layer steps; region costs built in)"), text);
    }

    @Test
    void badInputIsOneLineAndNonZero() throws IOException {
        assertEquals(2, run("model", "--relax", "CFC"));
        assertEquals("layerbraid: --relax must be F or FCF, got CFC", err.toString().strip());
        err.getBuffer().setLength(0);
        assertEquals(1, run("model", "--width", "16"));
        assertTrue(err.toString().startsWith("layerbraid model: no unit costs for width 16"), err.toString());
        assertEquals(1, err.toString().strip().lines().count());
        err.getBuffer().setLength(0);
        Path empty = Files.writeString(dir.resolve("empty.json"), "{\"points\": []}");
        assertEquals(1, run("model", "--units", empty.toString()));
        assertTrue(err.toString().contains("has no LayerStepBench or PoolRegionBench results"), err.toString());
    }
}
