package org.layerbraid.tools.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.layerbraid.bench.Row;

/**
 * Unit costs per width and batch size, from the {@code LayerStepBench} and {@code PoolRegionBench} rows of a
 * bench run, or built in. A question about a batch size not measured takes the nearest measured one (in ratio).
 */
public final class UnitCostTable {
    /** From {@code layerbraid bench --quick --suite serial,mgrit,pool --param policy=BACKOFF} on 2026-11-24. */
    static final String BUILT_IN_SOURCE = "built-in defaults (bench --quick, 2026-11-24, Intel Xeon AVX-512, 2 cores)";

    private record Entry(int width, int batch, double step, double adjoint, double gradient, double vector,
            double contention) {
    }

    private final List<Entry> entries;
    private final double region1;
    private final double region;
    private final String source;

    private UnitCostTable(List<Entry> entries, double region1, double region, String source) {
        this.entries = List.copyOf(entries);
        this.region1 = region1;
        this.region = region;
        this.source = source;
    }

    /** The built-in unit costs (seconds per example-step; seconds per region). */
    public static UnitCostTable builtIn() {
        List<Entry> e = new ArrayList<>();
        // width, batch, t_step, t_adj, t_grad, t_vec (LayerStepBench per example), slow-down on all cores.
        e.add(new Entry(8, 64, 27.0e-9, 24.8e-9, 14.6e-9, 9.48e-9, 1.03));
        e.add(new Entry(8, 1024, 13.6e-9, 14.6e-9, 9.51e-9, 5.11e-9, 1.07));
        e.add(new Entry(8, 5000, 12.0e-9, 18.1e-9, 8.16e-9, 4.96e-9, 1.12));
        e.add(new Entry(32, 64, 143e-9, 134e-9, 127e-9, 32.0e-9, 1.00));
        e.add(new Entry(32, 1024, 161e-9, 175e-9, 77.1e-9, 19.4e-9, 1.03));
        e.add(new Entry(32, 5000, 167e-9, 202e-9, 109e-9, 24.6e-9, 1.01));
        e.add(new Entry(64, 64, 303e-9, 375e-9, 461e-9, 62.8e-9, 1.13));
        e.add(new Entry(64, 1024, 368e-9, 379e-9, 383e-9, 39.9e-9, 1.20));
        e.add(new Entry(64, 5000, 421e-9, 467e-9, 351e-9, 49.6e-9, 1.02));
        // PoolRegionBench.emptyRegion, BACKOFF, 1 and 2 workers.
        return new UnitCostTable(e, 10.7e-9, 476e-9, BUILT_IN_SOURCE);
    }

    /**
     * The unit costs measured in {@code rows}, the built-in ones standing in for what they lack (the source says
     * which); null when the rows measured neither layer steps nor regions.
     */
    public static UnitCostTable from(List<Row> rows, String source) {
        List<Entry> entries = new ArrayList<>();
        for (Row step : rows) {
            if (!step.benchmark().equals("LayerStepBench.step")) {
                continue;
            }
            Row adjoint = find(rows, "LayerStepBench.adjoint", step);
            Row gradient = find(rows, "LayerStepBench.adjointGradient", step);
            if (adjoint == null || gradient == null) {
                continue;
            }
            int batch = step.intParam("batch");
            double tAdj = adjoint.secondsPerOp() / batch;
            Row axpby = find(rows, "LayerStepBench.axpby", step);
            Row allCores = find(rows, "LayerStepBench.stepAllCores", step);
            entries.add(new Entry(step.intParam("width"), batch, step.secondsPerOp() / batch, tAdj,
                    Math.max(0, gradient.secondsPerOp() / batch - tAdj),
                    axpby == null ? 0 : axpby.secondsPerOp() / batch,
                    allCores == null ? 1 : Math.max(1, allCores.secondsPerOp() / step.secondsPerOp())));
        }
        double r1 = region(rows, 1);
        double r = region(rows, 2);
        boolean regions = !Double.isNaN(r1) && !Double.isNaN(r);
        if (entries.isEmpty() && !regions) {
            return null;
        }
        UnitCostTable b = builtIn();
        String what = entries.isEmpty() ? source + " (region costs; layer steps built in)"
                : regions ? source : source + " (layer steps; region costs built in)";
        return new UnitCostTable(entries.isEmpty() ? b.entries : entries, regions ? r1 : b.region1,
                regions ? r : b.region, what);
    }

    private static Row find(List<Row> rows, String benchmark, Row like) {
        for (Row r : rows) {
            if (r.benchmark().equals(benchmark) && r.params().equals(like.params())) {
                return r;
            }
        }
        return null;
    }

    /** The empty region of the pool's default idle policy (BACKOFF) on that many workers; NaN if not measured. */
    private static double region(List<Row> rows, int workers) {
        for (Row r : rows) {
            if (r.benchmark().equals("PoolRegionBench.emptyRegion") && "BACKOFF".equals(r.param("policy"))
                    && String.valueOf(workers).equals(r.param("workers"))) {
                return r.secondsPerOp();
            }
        }
        return Double.NaN;
    }

    /** Where the numbers come from. */
    public String source() {
        return source;
    }

    /** The table as Markdown: unit costs per width and batch in ns per example, then the region costs. */
    public String markdown() {
        StringBuilder md = new StringBuilder("| width | batch | t_step ns | t_adj ns | t_grad ns | t_vec ns | "
                + "all-cores slow-down |\n|---:|---:|---:|---:|---:|---:|---:|\n");
        entries.stream().sorted(Comparator.comparingInt(Entry::width).thenComparingInt(Entry::batch))
                .forEach(e -> md.append(String.format(Locale.ROOT, "| %d | %d | %.3g | %.3g | %.3g | %.3g | %.2f |%n",
                        e.width, e.batch, e.step * 1e9, e.adjoint * 1e9, e.gradient * 1e9, e.vector * 1e9,
                        e.contention)));
        md.append(String.format(Locale.ROOT, "%nOne parallel region: %.3g ns on 1 worker, %.3g ns on 2 or more.%n",
                region1 * 1e9, region * 1e9));
        return md.toString();
    }

    private static double distance(int a, int b) {
        return Math.abs(Math.log((double) a / b));
    }

    /** Whether some batch size was measured at {@code width}. */
    public boolean covers(int width) {
        return entries.stream().anyMatch(e -> e.width == width);
    }

    /**
     * The unit costs at {@code width}, measured at the batch size nearest {@code batch}.
     *
     * @throws IllegalArgumentException when the width was not measured, naming those that were
     */
    public UnitCosts at(int width, int batch) {
        Entry best = null;
        for (Entry e : entries) {
            if (e.width == width && (best == null || distance(e.batch, batch) < distance(best.batch, batch))) {
                best = e;
            }
        }
        if (best == null) {
            TreeSet<Integer> widths = new TreeSet<>();
            entries.forEach(e -> widths.add(e.width));
            throw new IllegalArgumentException("no unit costs for width " + width + " (" + source + "); measured: "
                    + widths);
        }
        String where = String.format(Locale.ROOT, "%s; width %d, batch %d", source, best.width, best.batch);
        return new UnitCosts(best.step, best.adjoint, best.gradient, best.vector, best.contention, region1, region,
                where);
    }
}
