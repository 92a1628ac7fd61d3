package org.layerbraid.tools.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntToDoubleFunction;
import org.layerbraid.bench.Row;
import org.layerbraid.mgrit.io.AtomicFiles;
import org.layerbraid.tools.model.BreakEven;
import org.layerbraid.tools.model.CostModel;
import org.layerbraid.tools.model.ModelConfig;
import org.layerbraid.tools.model.Network;
import org.layerbraid.tools.model.UnitCostTable;
import org.layerbraid.tools.model.Validation;
import org.layerbraid.tools.model.Validation.Check;
import org.layerbraid.tools.report.BenchCharts.Line;

/**
 * Writes a bench run's report into a folder: {@code results.json}, {@code report.md} (kernel table, unit costs,
 * every serial and MGRIT point with the cost model's prediction and error, layer-parallel against serial, the
 * break-even depths and the projection) and the PNG charts for what the run measured.
 */
public final class BenchReport {
    /** The network assumed between processes for the projection: α = 1 µs, β = 10 GB/s (an HPC interconnect). */
    public static final Network PROJECTED = new Network(1e-6, 10e9);
    /** Depths of the projection chart. */
    private static final int[] PROJECTED_LAYERS = {1024, 4096, 16384};
    private static final int MAX_PROJECTED_WORKERS = 1024;
    private static final int[] BATCHES = {1, 16, 64, 1024, 5000};
    private static final int ONE_SHOT = 2;

    private BenchReport() {
    }

    /**
     * Writes the report of {@code results} into {@code folder}, saying it came from {@code command}.
     *
     * @return the files written
     */
    public static List<Path> write(Path folder, BenchResults results, String command) throws IOException {
        List<Path> written = new ArrayList<>();
        Path json = folder.resolve("results.json");
        ResultsFile.write(json, results);
        written.add(json);
        List<Row> rows = results.rows();
        UnitCostTable measured = UnitCostTable.from(rows, "unit costs of this run");
        UnitCostTable table = measured != null ? measured : UnitCostTable.builtIn();
        List<Check> checks = Validation.of(rows, table, Network.SHARED_MEMORY);
        int[] shape = referenceShape(checks);

        StringBuilder md = new StringBuilder();
        md.append("# LayerBraid benchmark report\n\n");
        md.append(String.format(Locale.ROOT, "Command: `%s`. Mode: %s (%s per point, one fork, JMH's GC profiler). "
                + "Date: %s. Machine: %s, Java %s.%n%n", command, results.mode(), "quick".equals(results.mode())
                ? "3 × 0.3 s warm-up, 3 × 0.3 s measurement" : "3 × 1 s warm-up, 5 × 1 s measurement",
                results.date(), results.machine(), results.java()));
        md.append("± is half JMH's 99.9% confidence interval. Times are per operation.\n\n");
        kernels(md, rows, folder, written);
        Roofline.section(md, rows);
        units(md, table);
        validation(md, checks, folder, written, table, shape);
        comparison(md, checks);
        projection(md, table, shape, folder, written);
        everyPoint(md, rows);
        Path report = folder.resolve("report.md");
        AtomicFiles.writeString(report, md.toString());
        written.add(report);
        return written;
    }

    /** The width and batch most MGRIT points were measured at (8 × 5000 when none were). */
    private static int[] referenceShape(List<Check> checks) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Check c : checks) {
            counts.merge(c.config().width() + " " + c.config().batch(), 1, Integer::sum);
        }
        return counts.entrySet().stream().max(Map.Entry.comparingByValue())
                .map(e -> new int[] {Integer.parseInt(e.getKey().split(" ")[0]),
                    Integer.parseInt(e.getKey().split(" ")[1])})
                .orElse(new int[] {8, 5000});
    }

    private static void kernels(StringBuilder md, List<Row> rows, Path folder, List<Path> written)
            throws IOException {
        List<Row> kernels = rows.stream().filter(r -> Double.isFinite(r.gflops())).toList();
        if (kernels.isEmpty()) {
            return;
        }
        md.append("## Kernels\n\n| kernel | precision | size | GFLOP/s | ± | % of FMA peak | allocated B/op |\n")
                .append("|---|---|---|---:|---:|---:|---:|\n");
        Map<String, Map<String, Double>> bars = new TreeMap<>();
        for (Row r : kernels) {
            boolean probe = r.benchmark().startsWith("FmaPeak.");
            String precision = probe ? r.method() : r.param("precision");
            String size = size(r);
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %.1f | %.1f | %.0f%% | %.0f |%n",
                    probe ? "fmaPeak" : r.method(),
                    precision, size, r.gflops(), r.gflopsError(), r.percentOfPeak(), r.allocBytesPerOp()));
            if (!probe) {
                bars.computeIfAbsent(precision, k -> new TreeMap<>()).put(r.method() + " " + size,
                        r.percentOfPeak());
            }
        }
        md.append("\nGFLOP/s count the multiply-adds of the matrix products (2 per FMA); % of peak is against the "
                + "FMA probe of the same precision in the same run.\n\n");
        if (!bars.isEmpty()) {
            TreeSet<String> points = new TreeSet<>();
            bars.values().forEach(m -> points.addAll(m.keySet()));
            List<String> precisions = List.copyOf(bars.keySet());
            double[][] percent = new double[precisions.size()][];
            for (int p = 0; p < precisions.size(); p++) {
                Map<String, Double> m = bars.get(precisions.get(p));
                percent[p] = points.stream().mapToDouble(k -> m.getOrDefault(k, Double.NaN)).toArray();
            }
            Path png = folder.resolve("kernel_peak.png");
            PngFiles.write(BenchCharts.percentOfPeak(List.copyOf(points), precisions, percent), png);
            written.add(png);
            md.append("![kernels](kernel_peak.png)\n\n");
        }
    }

    private static String size(Row r) {
        if (r.param("n") != null) {
            return "n=" + r.param("n");
        }
        if (r.param("channels") != null) {
            return "C=" + r.param("channels") + " " + r.param("size") + "×" + r.param("size") + " k=" + r.param("kernel")
                    + " batch=" + r.param("batch");
        }
        return r.param("width") == null ? "-" : "width=" + r.param("width") + " batch=" + r.param("batch");
    }

    private static void units(StringBuilder md, UnitCostTable table) {
        md.append("## Cost model inputs\n\nSource: ").append(table.source()).append(". Per example and layer step: "
                + "t_step forward with z stored, t_adj adjoint on the stored z, t_grad the gradient's extra.\n\n")
                .append(table.markdown()).append('\n');
    }

    private static void validation(StringBuilder md, List<Check> checks, Path folder, List<Path> written,
            UnitCostTable table, int[] shape) throws IOException {
        if (checks.isEmpty()) {
            return;
        }
        md.append("## Serial and layer-parallel: measured and modelled\n\n")
                .append("| benchmark | N | width | batch | P | levels | measured ms | ± | B/op | model ms | error |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        List<Double> errors = new ArrayList<>();
        for (Check c : checks) {
            Row r = c.row();
            ModelConfig m = c.config();
            int levels = CostModel.hierarchy(m).levels();
            md.append(String.format(Locale.ROOT,
                    "| %s | %d | %d | %d | %d | %s | %.3f | %.3f | %.0f | %.3f | %+.1f%% |%n",
                    r.benchmarkClass(), m.layers(), m.width(), m.batch(), m.workers(),
                    r.benchmarkClass().equals("SerialGradientBench") ? "-" : String.valueOf(levels),
                    1e3 * c.measured(), 1e3 * r.secondsPerOpError(), r.allocBytesPerOp(), 1e3 * c.predicted(),
                    100 * c.relativeError()));
            errors.add(Math.abs(c.relativeError()));
        }
        errors.sort(Comparator.naturalOrder());
        md.append(String.format(Locale.ROOT, "%nModel error over %d points: median |error| %.1f%%, largest %.1f%% "
                + "(target: within 15%%). P = 1 and 2 are threads of one process.%n%n", errors.size(),
                100 * errors.get(errors.size() / 2), 100 * errors.getLast()));
        timeChart(checks, table, shape, folder, written);
        md.append("![time per iteration](time_vs_layers.png)\n\n");
        if (speedupChart(checks, table, shape, folder, written)) {
            md.append("![speedup](speedup.png)\n\n");
        }
    }

    /** Measured points of one benchmark class at the reference shape and P, by N. */
    private static Line measured(List<Check> checks, String benchmark, int[] shape, int workers, String name,
            int colour) {
        TreeMap<Integer, Double> points = new TreeMap<>();
        for (Check c : checks) {
            ModelConfig m = c.config();
            if (c.row().benchmarkClass().equals(benchmark) && m.width() == shape[0] && m.batch() == shape[1]
                    && m.workers() == workers) {
                points.put(m.layers(), 1e3 * c.measured());
            }
        }
        return new Line(name, points.keySet().stream().mapToDouble(n -> n).toArray(),
                points.values().stream().mapToDouble(v -> v).toArray(), false, colour);
    }

    private static Line modelled(String name, double[] x, IntToDoubleFunction value, int colour) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = value.applyAsDouble((int) x[i]);
        }
        return new Line(name, x, y, true, colour);
    }

    private static int maxWorkers(List<Check> checks) {
        return checks.stream().mapToInt(c -> c.config().workers()).max().orElse(1);
    }

    private static void timeChart(List<Check> checks, UnitCostTable table, int[] shape, Path folder,
            List<Path> written) throws IOException {
        int p = maxWorkers(checks);
        CostModel model = new CostModel(table.at(shape[0], shape[1]), Network.SHARED_MEMORY, false);
        double[] depths = checks.stream().mapToDouble(c -> c.config().layers()).distinct().sorted().toArray();
        ModelConfig base = ModelConfig.reference(1, shape[0], shape[1], 1);
        List<Line> lines = new ArrayList<>();
        lines.add(measured(checks, "SerialGradientBench", shape, 1, "serial, 1 thread", 0));
        lines.add(modelled("model: serial", depths, n -> 1e3 * model.serial(base.withLayers(n)), 0));
        if (p > 1) {
            lines.add(measured(checks, "SerialGradientBench", shape, p, "data-parallel serial, P = " + p, 1));
            lines.add(modelled("model: data-parallel", depths,
                    n -> 1e3 * model.dataParallel(base.withLayers(n).withWorkers(p)), 1));
        }
        for (int w : new TreeSet<>(List.of(1, p))) {
            lines.add(measured(checks, "OneShotStepBench", shape, w, "one-shot step, P = " + w, 2 + w));
            lines.add(modelled("model: one-shot, P = " + w, depths,
                    n -> 1e3 * model.oneShotStep(base.withLayers(n).withWorkers(w), ONE_SHOT, ONE_SHOT, 0), 2 + w));
        }
        Path png = folder.resolve("time_vs_layers.png");
        PngFiles.write(BenchCharts.lines(String.format(Locale.ROOT, "Time per optimisation iteration (width %d, "
                + "batch %d)", shape[0], shape[1]), "layers N", "ms", true, true, lines), png);
        written.add(png);
    }

    private static boolean speedupChart(List<Check> checks, UnitCostTable table, int[] shape, Path folder,
            List<Path> written) throws IOException {
        int p = maxWorkers(checks);
        if (p == 1) {
            return false;
        }
        CostModel model = new CostModel(table.at(shape[0], shape[1]), Network.SHARED_MEMORY, false);
        double[] workers = new double[p];
        for (int i = 0; i < p; i++) {
            workers[i] = i + 1;
        }
        List<Line> lines = new ArrayList<>();
        int colour = 0;
        TreeSet<Integer> depths = new TreeSet<>();
        checks.stream().filter(c -> c.row().benchmarkClass().equals("OneShotStepBench"))
                .forEach(c -> depths.add(c.config().layers()));
        for (int n : depths) {
            Map<Integer, Double> time = new TreeMap<>();
            for (Check c : checks) {
                ModelConfig m = c.config();
                if (c.row().benchmarkClass().equals("OneShotStepBench") && m.layers() == n && m.width() == shape[0]
                        && m.batch() == shape[1]) {
                    time.put(m.workers(), c.measured());
                }
            }
            if (time.containsKey(1)) {
                double[] x = time.keySet().stream().mapToDouble(w -> w).toArray();
                double[] y = time.values().stream().mapToDouble(t -> time.get(1) / t).toArray();
                lines.add(new Line("one-shot, N = " + n, x, y, false, colour));
                ModelConfig c = ModelConfig.reference(n, shape[0], shape[1], 1);
                double t1 = model.oneShotStep(c, ONE_SHOT, ONE_SHOT, 0);
                lines.add(modelled("model, N = " + n, workers,
                        w -> t1 / model.oneShotStep(c.withWorkers(w), ONE_SHOT, ONE_SHOT, 0), colour));
            }
            colour++;
        }
        Path png = folder.resolve("speedup.png");
        PngFiles.write(BenchCharts.lines(String.format(Locale.ROOT, "One-shot step: speedup over its own time on "
                + "one worker (width %d, batch %d)", shape[0], shape[1]), "workers P", "speedup", false, false,
                lines), png);
        written.add(png);
        return true;
    }

    private static void comparison(StringBuilder md, List<Check> checks) {
        Map<String, Double> serial = new TreeMap<>();
        for (Check c : checks) {
            if (c.row().benchmarkClass().equals("SerialGradientBench")) {
                serial.put(key(c.config(), c.config().workers()), c.measured());
            }
        }
        StringBuilder table = new StringBuilder();
        for (Check c : checks) {
            ModelConfig m = c.config();
            Double one = serial.get(key(m, 1));
            Double parallel = serial.get(key(m, m.workers()));
            if (c.row().benchmarkClass().equals("OneShotStepBench") && one != null && parallel != null) {
                table.append(String.format(Locale.ROOT, "| %d | %d | %d | %d | %.3f | %.3f | %.3f | %.2f | %.2f |%n",
                        m.layers(), m.width(), m.batch(), m.workers(), 1e3 * c.measured(), 1e3 * one,
                        1e3 * parallel, one / c.measured(), parallel / c.measured()));
            }
        }
        if (!table.isEmpty()) {
            md.append("## Layer-parallel against serial (measured)\n\nOne-shot step (2 forward and 2 adjoint "
                    + "V-cycles) against serial forward+backward on 1 thread and data-parallel on the same P; "
                    + "a ratio above 1 means layer-parallel is faster.\n\n")
                    .append("| N | width | batch | P | one-shot ms | serial ms | data-parallel ms | serial / "
                            + "one-shot | data-parallel / one-shot |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
                    .append(table).append('\n');
        }
    }

    private static String key(ModelConfig m, int workers) {
        return m.layers() + " " + m.width() + " " + m.batch() + " " + workers;
    }

    private static void projection(StringBuilder md, UnitCostTable table, int[] shape, Path folder,
            List<Path> written) throws IOException {
        if (!table.covers(shape[0])) {
            return;
        }
        CostModel threads = new CostModel(table.at(shape[0], shape[1]), Network.SHARED_MEMORY, false);
        CostModel processes = new CostModel(table.at(shape[0], shape[1]), PROJECTED, false);
        md.append("## Break-even depth (model)\n\nThe smallest N (a power of two up to 2^20) at which one one-shot "
                + "step on P workers is faster than serial forward+backward, at width ").append(shape[0])
                .append(" with this run's unit costs (the nearest measured batch size). P = 2: threads; larger P: ")
                .append("processes with the network below.\n\n| batch | P = 2 vs serial | P = 2 vs data-parallel | ")
                .append("P = 64 vs data-parallel | P = 1024 vs data-parallel |\n|---:|---:|---:|---:|---:|\n");
        double[][] depth = new double[4][BATCHES.length];
        for (int b = 0; b < BATCHES.length; b++) {
            int batch = BATCHES[b];
            CostModel t = new CostModel(table.at(shape[0], batch), Network.SHARED_MEMORY, false);
            CostModel pr = new CostModel(table.at(shape[0], batch), PROJECTED, false);
            ModelConfig c = ModelConfig.reference(16, shape[0], batch, 2);
            depth[0][b] = BreakEven.depth(t, c, false);
            depth[1][b] = BreakEven.depth(t, c, true);
            depth[2][b] = BreakEven.depth(pr, c.withWorkers(64), true);
            depth[3][b] = BreakEven.depth(pr, c.withWorkers(1024), true);
            md.append("| ").append(batch);
            for (double[] d : depth) {
                md.append(" | ").append(d[b] == 0 ? "none" : String.valueOf((int) d[b]));
            }
            md.append(" |\n");
        }
        String[] names = {"P = 2 threads vs serial", "P = 2 threads vs data-parallel",
            "P = 64 processes vs data-parallel", "P = 1024 processes vs data-parallel"};
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < depth.length; i++) {
            List<double[]> xy = new ArrayList<>();
            for (int b = 0; b < BATCHES.length; b++) {
                if (depth[i][b] > 0) {
                    xy.add(new double[] {BATCHES[b], depth[i][b]});
                }
            }
            lines.add(new Line(names[i], xy.stream().mapToDouble(v -> v[0]).toArray(),
                    xy.stream().mapToDouble(v -> v[1]).toArray(), true, i));
        }
        Path breakEven = folder.resolve("break_even.png");
        PngFiles.write(BenchCharts.lines("Break-even depth: layer-parallel one-shot step faster (model, width "
                + shape[0] + ")", "batch", "layers N", true, true, lines), breakEven);
        written.add(breakEven);
        md.append("\n![break-even](break_even.png)\n\n");

        md.append("## Projection to 1024 workers (model)\n\n").append(String.format(Locale.ROOT,
                "Speedup of one one-shot step over serial forward+backward on one worker, width %d, batch %d. "
                + "Assumptions: the unit costs measured here hold on every worker; one region costs the measured "
                + "2-worker synchronisation at any P; between processes each region also sends one boundary state "
                + "(width × batch × 8 bytes) to the neighbour at α = %.0f µs latency and β = %.0f GB/s, each "
                + "V-cycle has one global collective of ⌈log2 P⌉ latencies, and data-parallel serial all-reduces "
                + "the gradient in 2 ⌈log2 P⌉ messages of all parameters, each process taking an equal share of "
                + "the batch (at least one example) at the per-example cost measured for the whole batch."
                + "%n%n| P |", shape[0], shape[1], PROJECTED.latency() * 1e6, PROJECTED.bandwidth() / 1e9));
        List<Integer> ps = new ArrayList<>();
        for (int p = 1; p <= MAX_PROJECTED_WORKERS; p *= 2) {
            ps.add(p);
        }
        for (int n : PROJECTED_LAYERS) {
            md.append(" one-shot N = ").append(n).append(" |");
        }
        md.append(" data-parallel (any N) |\n|---:|").append("---:|".repeat(PROJECTED_LAYERS.length + 1)).append('\n');
        List<Line> projected = new ArrayList<>();
        double[] x = ps.stream().mapToDouble(p -> p).toArray();
        for (int i = 0; i < PROJECTED_LAYERS.length; i++) {
            ModelConfig c = ModelConfig.reference(PROJECTED_LAYERS[i], shape[0], shape[1], 1);
            double serial = threads.serial(c);
            projected.add(modelled("one-shot, N = " + PROJECTED_LAYERS[i], x, p -> serial
                    / (p == 1 ? threads : processes).oneShotStep(c.withWorkers(p), ONE_SHOT, ONE_SHOT, 0), i));
        }
        // Data-parallel's speedup hardly depends on N (only its all-reduce does): one line, at the middle depth.
        ModelConfig middle = ModelConfig.reference(PROJECTED_LAYERS[1], shape[0], shape[1], 1);
        double serial = threads.serial(middle);
        projected.add(modelled("data-parallel serial", x, p -> serial
                / (p == 1 ? threads : processes).dataParallel(middle.withWorkers(p)), PROJECTED_LAYERS.length));
        for (int i = 0; i < ps.size(); i++) {
            md.append("| ").append(ps.get(i));
            for (Line l : projected) {
                md.append(String.format(Locale.ROOT, " | %.1f", l.y()[i]));
            }
            md.append(" |\n");
        }
        Path png = folder.resolve("projection.png");
        PngFiles.write(BenchCharts.lines("Projected speedup over serial on one worker (model, width " + shape[0]
                + ", batch " + shape[1] + ")", "workers P", "speedup", true, true, projected), png);
        written.add(png);
        md.append("\n![projection](projection.png)\n\n");
    }

    private static void everyPoint(StringBuilder md, List<Row> rows) {
        md.append("## Every point\n\n| benchmark | parameters | score | ± | unit | allocated B/op |\n")
                .append("|---|---|---:|---:|---|---:|\n");
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %.4g | %.2g | %s | %.0f |%n", r.benchmark(),
                    new TreeMap<>(r.params()), r.score(), r.error(), r.unit(), r.allocBytesPerOp()));
        }
    }
}
