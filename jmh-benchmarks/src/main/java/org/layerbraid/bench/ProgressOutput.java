package org.layerbraid.bench;

import java.io.PrintStream;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.format.OutputFormat;

/** JMH output reduced to one line per benchmark point: which one, the time elapsed and left, then its result. */
final class ProgressOutput implements OutputFormat {
    private final PrintStream out;
    private final int total;
    private final long start = System.nanoTime();
    private int done;

    ProgressOutput(PrintStream out, int total) {
        this.out = out;
        this.total = total;
    }

    @Override
    public void startBenchmark(BenchmarkParams params) {
        String name = params.getBenchmark();
        name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
        Map<String, String> values = new TreeMap<>();
        for (String key : params.getParamsKeys()) {
            values.put(key, params.getParam(key));
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        String eta = done == 0 ? ""
                : String.format(Locale.ROOT, ", about %.0f s left", elapsed / done * (total - done));
        out.printf(Locale.ROOT, "[%2d/%d] %s %s (%.0f s elapsed%s)%n", done + 1, total, name,
                values.isEmpty() ? "" : values, elapsed, eta);
        out.flush();
    }

    @Override
    public void endBenchmark(BenchmarkResult result) {
        done++;
        if (result != null) {
            out.printf(Locale.ROOT, "        %.4g %s%n", result.getPrimaryResult().getScore(),
                    result.getPrimaryResult().getScoreUnit());
        }
    }

    @Override
    public void iteration(BenchmarkParams benchParams, IterationParams params, int iteration) {
    }

    @Override
    public void iterationResult(BenchmarkParams benchParams, IterationParams params, int iteration,
            IterationResult data) {
    }

    @Override
    public void startRun() {
    }

    @Override
    public void endRun(Collection<RunResult> result) {
    }

    @Override
    public void print(String s) {
    }

    @Override
    public void println(String s) {
        // JMH reports fork failures through here; those must be seen.
        if (s.contains("ERROR") || s.contains("Exception")) {
            out.println(s);
        }
    }

    @Override
    public void flush() {
        out.flush();
    }

    @Override
    public void close() {
    }

    @Override
    public void verbosePrintln(String s) {
    }

    @Override
    public void write(int b) {
    }

    @Override
    public void write(byte[] b) {
    }
}
