package org.layerbraid.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.layerbraid.bench.PredictorLoad;
import org.layerbraid.mgrit.io.AtomicFiles;
import org.layerbraid.mgrit.training.Machine;
import org.layerbraid.vecmath.Precision;

/**
 * The {@code latency} bench suite: load tests of single-example prediction (Peaks network, f64) on 1 and 2 request
 * threads, written to {@code latency.json} and {@code latency.md}, and appended to {@code report.md} when JMH suites
 * of the same run wrote one.
 */
final class LatencyReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private LatencyReport() {
    }

    static void run(Path out, double seconds, boolean appendToReport, PrintStream console) throws IOException, InterruptedException {
        Files.createDirectories(out);
        List<PredictorLoad.Result> results = new ArrayList<>();
        for (int threads : new int[] {1, 2}) {
            console.printf(Locale.ROOT, "Load test: Peaks network, f64, %d request thread%s, %.0f s after %.0f s of "
                    + "warm-up...%n", threads, threads == 1 ? "" : "s", seconds, Math.min(5, seconds));
            results.add(PredictorLoad.run("peaks", Precision.F64, threads, Math.min(5, seconds), seconds));
        }
        String table = table(results);
        console.print(table);
        AtomicFiles.writeString(out.resolve("latency.json"), JSON.writeValueAsString(results) + "\n");
        String section = "## Single-example latency under load\n\n" + "Machine: " + Machine.cpuModel() + ", "
                + Runtime.getRuntime().availableProcessors() + " cores. Each request thread owns a Predictor and "
                + "predicts back to back; latency per call from System.nanoTime into an HdrHistogram.\n\n" + table;
        AtomicFiles.writeString(out.resolve("latency.md"), section);
        Path report = out.resolve("report.md");
        if (appendToReport) {
            AtomicFiles.writeString(report, Files.readString(report) + "\n" + section);
        }
        console.println("Wrote " + out.resolve("latency.md") + " and latency.json");
    }

    static String table(List<PredictorLoad.Result> results) {
        StringBuilder b = new StringBuilder("| network | threads | predictions | p50 | p99 | p99.9 | max "
                + "| bytes / prediction | GCs |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (PredictorLoad.Result r : results) {
            b.append(String.format(Locale.ROOT, "| %s %s | %d | %,d | %s | %s | %s | %s | %.3f | %d |%n",
                    r.network(), r.precision().label(), r.threads(), r.predictions(), micros(r.p50()),
                    micros(r.p99()), micros(r.p999()), micros(r.max()), r.bytesPerPrediction(), r.collections()));
        }
        return b.toString();
    }

    private static String micros(long nanos) {
        return String.format(Locale.ROOT, "%.2f µs", nanos / 1000.0);
    }
}
