package org.layerbraid.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
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
 * Runs suites in one JMH run through JMH's API, with its GC profiler, and turns the results into {@link Row}s:
 * every point with its parameters, score, error, unit and allocation, and for the kernels GFLOP/s and % of the
 * FMA probe's peak for the same precision. Parameter values may be overridden as with JMH's {@code -p}.
 */
public final class SuiteRunner {
    private SuiteRunner() {
    }

    /**
     * Runs the suites. Quick mode: 3 × 0.3 s warm-up and 3 × 0.3 s measurement per point (a few seconds a point,
     * for smoke runs; wide error bars); full mode: 3 × 1 s and 5 × 1 s. Every iteration runs at least one operation,
     * so the JIT has three to warm up on even when one takes longer. JMH's own JSON goes to {@code jmhJson}.
     *
     * @param params values replacing a parameter's defaults in every benchmark that has it
     * @throws IllegalArgumentException when no benchmark of the suites has one of the parameters
     */
    public static List<Row> run(Collection<Suite> suites, boolean quick, Map<String, List<String>> params,
            Path jmhJson, PrintStream progress) throws IOException, RunnerException {
        return runClasses(suites.stream().distinct().flatMap(s -> s.classes().stream()).toList(), quick, params,
                jmhJson, progress);
    }

    /** {@link #run} on benchmark classes chosen one by one (e.g. one class of a suite, for a comparison). */
    public static List<Row> runClasses(List<Class<?>> classes, boolean quick, Map<String, List<String>> params,
            Path jmhJson, PrintStream progress) throws IOException, RunnerException {
        int points = points(classes, params);
        Path folder = jmhJson.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        ChainedOptionsBuilder options = new OptionsBuilder()
                .forks(1)
                .warmupIterations(3)
                .warmupTime(TimeValue.milliseconds(quick ? 300 : 1000))
                .measurementIterations(quick ? 3 : 5)
                .measurementTime(TimeValue.milliseconds(quick ? 300 : 1000))
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(true)
                .result(jmhJson.toString())
                .resultFormat(ResultFormatType.JSON);
        for (Class<?> c : classes) {
            options.include("^" + c.getName().replace(".", "\\.") + "\\.");
        }
        params.forEach((name, values) -> options.param(name, values.toArray(String[]::new)));
        return rows(new Runner(options.build(), new ProgressOutput(progress, points)).run());
    }

    /** How many points the classes give with these parameter overrides (for the progress line). */
    static int points(List<Class<?>> classes, Map<String, List<String>> params) {
        Map<String, Boolean> used = new TreeMap<>();
        params.keySet().forEach(name -> used.put(name, false));
        Map<String, Integer> known = new TreeMap<>();
        int total = 0;
        for (Class<?> c : classes) {
            int count = 0;
            for (Method m : c.getMethods()) {
                count += m.isAnnotationPresent(Benchmark.class) ? 1 : 0;
            }
            for (Class<?> k = c; k != null; k = k.getSuperclass()) {
                for (Field f : k.getDeclaredFields()) {
                    Param p = f.getAnnotation(Param.class);
                    if (p != null) {
                        known.put(f.getName(), 0);
                        List<String> override = params.get(f.getName());
                        count *= override != null ? override.size() : p.value().length;
                        used.replace(f.getName(), true);
                    }
                }
            }
            total += count;
        }
        used.forEach((name, isUsed) -> {
            if (!isUsed) {
                throw new IllegalArgumentException("no benchmark of the chosen suites has a parameter '" + name
                        + "'; they have: " + String.join(", ", new TreeSet<>(known.keySet())));
            }
        });
        return total;
    }

    static List<Row> rows(Collection<RunResult> results) {
        Map<String, Double> peaks = new TreeMap<>();
        for (RunResult r : results) {
            String method = r.getParams().getBenchmark();
            if (method.startsWith(FmaPeak.class.getName())) {
                String precision = method.substring(method.lastIndexOf('.') + 1);
                peaks.put(precision, r.getPrimaryResult().getScore() * Flops.fmaPeak(precision) / 1e9);
            }
        }
        List<Row> rows = new ArrayList<>();
        for (RunResult r : results) {
            BenchmarkParams bp = r.getParams();
            String full = bp.getBenchmark();
            String name = full.substring(full.lastIndexOf('.', full.lastIndexOf('.') - 1) + 1);
            Map<String, String> params = new LinkedHashMap<>();
            for (String key : bp.getParamsKeys()) {
                params.put(key, bp.getParam(key));
            }
            Result<?> primary = r.getPrimaryResult();
            double flops = flops(name, params);
            String precision = name.startsWith("FmaPeak.") ? name.substring(8) : params.get("precision");
            double peak = precision == null ? Double.NaN : peaks.getOrDefault(precision, Double.NaN);
            double gflops = primary.getScore() * flops / 1e9;
            double gflopsError = primary.getScoreError() * flops / 1e9;
            rows.add(new Row(name, params, primary.getScore(), primary.getScoreError(), primary.getScoreUnit(),
                    allocation(r.getSecondaryResults()), gflops, gflopsError, 100 * gflops / peak));
        }
        return rows;
    }

    /** Floating-point operations per operation of a kernel throughput benchmark; NaN for the others. */
    private static double flops(String name, Map<String, String> params) {
        return switch (name.substring(0, name.indexOf('.'))) {
            case "FmaPeak" -> Flops.fmaPeak(name.substring(name.indexOf('.') + 1));
            case "GemmBench" -> Flops.gemm(Integer.parseInt(params.get("n")));
            case "ResidualStepBench" -> Flops.residualStep(Integer.parseInt(params.get("width")),
                    Integer.parseInt(params.get("batch")));
            case "AdjointStepBench" -> Flops.adjointStep(Integer.parseInt(params.get("width")),
                    Integer.parseInt(params.get("batch")));
            case "ConvStepBench" -> Flops.conv(name.substring(name.indexOf('.') + 1),
                    Integer.parseInt(params.get("channels")), Integer.parseInt(params.get("size")),
                    Integer.parseInt(params.get("kernel")), Integer.parseInt(params.get("batch")));
            default -> Double.NaN;
        };
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
}
