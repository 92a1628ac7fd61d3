package org.layerbraid.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the kernel suite (FMA peak, residual step, adjoint step, GEMM) in one JMH run and turns the
 * throughputs into GFLOP/s and % of the FMA probe's peak for the same precision, with the allocation per
 * operation from JMH's GC profiler. Writes JMH's {@code results.json} and a {@code report.md} table.
 */
public final class KernelReport {
    /** One measured point. */
    public record Row(String kernel, String precision, String size, double opsPerSecond, double opsError,
            double gflops, double gflopsError, double percentOfPeak, double allocBytesPerOp) {
    }

    private static final String[] SUITE = {
        FmaPeak.class.getName(), ResidualStepBench.class.getName(), AdjointStepBench.class.getName(),
        GemmBench.class.getName()};
    /** Points in the suite: 2 probes, 18 residual, 18 adjoint, 6 GEMM. */
    static final int POINTS = 2 + 18 + 18 + 6;

    private KernelReport() {
    }

    /**
     * Runs the suite. Quick mode: 2 × 0.3 s warm-up and 3 × 0.3 s measurement per point (about two minutes
     * in all, for smoke runs; the error bars are wide); full mode: 3 × 1 s and 5 × 1 s.
     */
    public static List<Row> run(boolean quick, Path outDir, PrintStream progress) throws IOException, RunnerException {
        Files.createDirectories(outDir);
        ChainedOptionsBuilder options = new OptionsBuilder()
                .forks(1)
                .warmupIterations(quick ? 2 : 3)
                .warmupTime(TimeValue.milliseconds(quick ? 300 : 1000))
                .measurementIterations(quick ? 3 : 5)
                .measurementTime(TimeValue.milliseconds(quick ? 300 : 1000))
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(true)
                .result(outDir.resolve("results.json").toString())
                .resultFormat(ResultFormatType.JSON);
        for (String benchmark : SUITE) {
            options.include("^" + benchmark.replace(".", "\\.") + "\\.");
        }
        Collection<RunResult> results = new Runner(options.build(), new ProgressOutput(progress, POINTS)).run();
        List<Row> rows = rows(results);
        Files.writeString(outDir.resolve("report.md"), markdown(rows, quick));
        return rows;
    }

    static List<Row> rows(Collection<RunResult> results) {
        double peak32 = Double.NaN;
        double peak64 = Double.NaN;
        for (RunResult r : results) {
            String method = r.getParams().getBenchmark();
            if (method.startsWith(FmaPeak.class.getName())) {
                String precision = method.substring(method.lastIndexOf('.') + 1);
                double gflops = r.getPrimaryResult().getScore() * Flops.fmaPeak(precision) / 1e9;
                if (precision.equals("f32")) {
                    peak32 = gflops;
                } else {
                    peak64 = gflops;
                }
            }
        }
        List<Row> rows = new ArrayList<>();
        for (RunResult r : results) {
            BenchmarkParams params = r.getParams();
            String method = params.getBenchmark();
            String kernel = method.substring(method.lastIndexOf('.') + 1);
            String precision;
            String size;
            double flops;
            if (method.startsWith(FmaPeak.class.getName())) {
                precision = kernel;
                kernel = "fmaPeak";
                size = "-";
                flops = Flops.fmaPeak(precision);
            } else {
                precision = params.getParam("precision");
                if (params.getParam("n") != null) {
                    int n = Integer.parseInt(params.getParam("n"));
                    size = "n=" + n;
                    flops = Flops.gemm(n);
                } else {
                    int width = Integer.parseInt(params.getParam("width"));
                    int batch = Integer.parseInt(params.getParam("batch"));
                    size = "width=" + width + " batch=" + batch;
                    flops = kernel.equals("adjointStep") ? Flops.adjointStep(width, batch)
                            : Flops.residualStep(width, batch);
                }
            }
            Result<?> primary = r.getPrimaryResult();
            double gflops = primary.getScore() * flops / 1e9;
            double gflopsError = primary.getScoreError() * flops / 1e9;
            double peak = "f32".equals(precision) ? peak32 : peak64;
            rows.add(new Row(kernel, precision, size, primary.getScore(), primary.getScoreError(), gflops, gflopsError,
                    100 * gflops / peak, allocation(r.getSecondaryResults())));
        }
        return rows;
    }

    @SuppressWarnings("rawtypes") // JMH's API hands out a raw Map<String, Result>
    private static double allocation(Map<String, Result> secondary) {
        for (Map.Entry<String, Result> e : secondary.entrySet()) {
            if (e.getKey().endsWith("gc.alloc.rate.norm")) {
                return e.getValue().getScore();
            }
        }
        return Double.NaN;
    }

    /** The rows as a Markdown table. */
    public static String markdown(List<Row> rows, boolean quick) {
        StringBuilder out = new StringBuilder();
        out.append("| kernel | precision | size | GFLOP/s | ± (99.9%) | % of FMA peak | allocated B/op |\n");
        out.append("|---|---|---|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %.1f | %.1f | %.0f%% | %.0f |%n", r.kernel(),
                    r.precision(), r.size(), r.gflops(), r.gflopsError(), r.percentOfPeak(), r.allocBytesPerOp()));
        }
        out.append("\nGFLOP/s count the multiply-adds of the matrix products (2 per FMA); % of peak is against the ")
                .append("FMA probe of the same precision in the same run. Mode: ").append(quick ? "quick" : "full")
                .append(".\n");
        return out.toString();
    }
}
