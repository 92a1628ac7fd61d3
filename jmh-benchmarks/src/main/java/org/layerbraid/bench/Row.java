package org.layerbraid.bench;

import java.util.Map;

/**
 * One measured benchmark point.
 *
 * @param benchmark      class and method, e.g. {@code SerialGradientBench.forwardBackward}
 * @param params         the JMH parameters of the point, by name
 * @param score          JMH's primary score, in {@code unit}
 * @param error          half the 99.9% confidence interval, in {@code unit} (NaN when JMH has none)
 * @param unit           JMH's unit, e.g. {@code ms/op} or {@code ops/s}
 * @param allocBytesPerOp bytes allocated per operation (JMH's GC profiler; NaN when not measured)
 * @param gflops         derived GFLOP/s for kernels with a known operation count, else NaN
 * @param gflopsError    the same for the error
 * @param percentOfPeak  GFLOP/s as a percentage of the FMA probe of the same precision, else NaN
 */
public record Row(String benchmark, Map<String, String> params, double score, double error, String unit,
        double allocBytesPerOp, double gflops, double gflopsError, double percentOfPeak) {

    public Row {
        params = Map.copyOf(params);
    }

    /** The class part of {@link #benchmark}. */
    public String benchmarkClass() {
        int dot = benchmark.indexOf('.');
        return dot < 0 ? benchmark : benchmark.substring(0, dot);
    }

    /** The method part of {@link #benchmark}. */
    public String method() {
        return benchmark.substring(benchmark.indexOf('.') + 1);
    }

    /** A parameter's value, or null when the point has no such parameter. */
    public String param(String name) {
        return params.get(name);
    }

    /** An integer parameter; throws IllegalArgumentException naming the point when it is missing. */
    public int intParam(String name) {
        String v = params.get(name);
        if (v == null) {
            throw new IllegalArgumentException(benchmark + " has no parameter '" + name + "'");
        }
        return Integer.parseInt(v);
    }

    /** Seconds per operation, from a time-per-operation or a throughput score. */
    public double secondsPerOp() {
        return toSeconds(score);
    }

    /** The error in seconds per operation (for throughputs: the error of the inverse, to first order). */
    public double secondsPerOpError() {
        return unit.endsWith("/op") ? toSeconds(error) : error / (score * score * perSecond());
    }

    private double toSeconds(double value) {
        if (unit.endsWith("/op")) {
            return value * seconds(unit.substring(0, unit.length() - 3));
        }
        return 1 / (value * perSecond());
    }

    private double perSecond() {
        if (!unit.startsWith("ops/")) {
            throw new IllegalArgumentException(benchmark + ": unknown unit '" + unit + "'");
        }
        return 1 / seconds(unit.substring(4));
    }

    private double seconds(String timeUnit) {
        return switch (timeUnit) {
            case "ns" -> 1e-9;
            case "us" -> 1e-6;
            case "ms" -> 1e-3;
            case "s" -> 1;
            case "min" -> 60;
            default -> throw new IllegalArgumentException(benchmark + ": unknown unit '" + unit + "'");
        };
    }
}
