package org.layerbraid.tools;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.layerbraid.bench.Row;
import org.layerbraid.bench.Suite;
import org.layerbraid.bench.SuiteRunner;
import org.layerbraid.tools.report.BenchReport;
import org.layerbraid.tools.report.BenchResults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code layerbraid bench}: runs JMH suites and writes results.json, report.md and charts. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs benchmark suites (JMH); writes results.json, jmh.json, report.md and PNG charts to --out.",
            "Suites: kernels (GFLOP/s, %% of the FMA peak); conv (the convolutional layer's kernels, likewise);",
            "serial (the cost model's unit costs; serial forward+backward on 1 and P threads);",
            "mgrit (forward V-cycle, adjoint V-cycle, one-shot step on P workers); pool (parallel region cost);",
            "predict (Predictor latency, batch 1/16/64); latency (a load test of single-example prediction on 1 and 2",
            "request threads: HdrHistogram percentiles, bytes allocated per prediction, GC count);",
            "peers (serial forward+backward against the same network in PyTorch, N = 1024 or --param layers, 1 and 2",
            "threads, in one run; skipped with one line when no python3 imports torch);",
            "roofline (the FMA and triad probes and serial forward+backward, each point against its roofline).",
            "The report checks the cost model against the serial and mgrit points and projects to 1024 workers."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--quick",
            description = "A few seconds per point instead of 3 × 1 s warm-up and 5 × 1 s measurement.")
    boolean quick;

    @Option(names = "--suite", paramLabel = "SUITE", split = ",",
            description = "Suites to run (repeatable or comma-separated): kernels, conv, serial, mgrit, pool, predict, "
                    + "roofline, latency, peers or all (default: kernels).")
    List<String> suites = new ArrayList<>();

    @Option(names = "--param", paramLabel = "NAME=V1,V2", description = "Replace a benchmark parameter's values, "
            + "as JMH's -p does (repeatable), e.g. --param layers=64,4096 --param workers=1,2.")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--latency-seconds", paramLabel = "S", description = "Measured seconds per load test of the "
            + "latency suite (default: 20, or 3 with --quick).")
    Double latencySeconds;

    @Spec
    CommandSpec spec;

    @Option(names = "--out", defaultValue = "runs/bench", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        EnumSet<Suite> chosen = EnumSet.noneOf(Suite.class);
        boolean latency = false;
        boolean peers = false;
        for (String s : suites.isEmpty() ? List.of("kernels") : suites) {
            if (s.equals("all")) {
                chosen.addAll(EnumSet.allOf(Suite.class));
                latency = true;
                peers = true;
            } else if (s.equals("latency")) {
                latency = true;
            } else if (s.equals("peers")) {
                peers = true;
            } else {
                chosen.add(parse(s, spec));
            }
        }
        double seconds = latencySeconds != null ? latencySeconds : quick ? 3 : 20;
        if (!(seconds > 0) || seconds > 3600) {
            throw new ParameterException(spec.commandLine(), "--latency-seconds must be in (0, 3600], got " + seconds);
        }
        Map<String, List<String>> values = new LinkedHashMap<>();
        params.forEach((name, list) -> values.put(name, List.of(list.split(","))));
        String mode = quick ? "quick" : "full";
        if (!chosen.isEmpty()) {
            System.out.println("Running " + chosen.toString().toLowerCase(Locale.ROOT) + " (" + mode
                    + " mode) into " + out);
            List<Row> rows = SuiteRunner.run(chosen, quick, values, out.resolve("jmh.json"), System.out);
            List<Path> written = BenchReport.write(out, BenchResults.now(quick, rows), "layerbraid bench "
                    + String.join(" ", command(chosen, values)));
            System.out.println("\nWrote " + out.resolve("report.md") + ", results.json, jmh.json and "
                    + (written.size() - 2) + " charts");
        }
        if (latency) {
            LatencyReport.run(out, seconds, !chosen.isEmpty(), System.out);
        }
        if (peers) {
            List<Integer> layers = values.getOrDefault("layers", List.of("1024")).stream().map(Integer::valueOf)
                    .toList();
            PeersReport.run(out, quick, layers, !chosen.isEmpty(), System.out);
        }
        return 0;
    }

    private List<String> command(EnumSet<Suite> chosen, Map<String, List<String>> values) {
        List<String> words = new ArrayList<>();
        if (quick) {
            words.add("--quick");
        }
        chosen.forEach(s -> words.add("--suite " + s.name().toLowerCase(Locale.ROOT)));
        values.forEach((k, v) -> words.add("--param " + k + "=" + String.join(",", v)));
        return words;
    }

    private static Suite parse(String name, CommandSpec spec) {
        for (Suite s : Suite.values()) {
            if (s.name().equalsIgnoreCase(name)) {
                return s;
            }
        }
        throw new ParameterException(spec.commandLine(), "unknown suite '" + name
                + "': use kernels, conv, serial, mgrit, pool, predict, roofline, latency, peers or all");
    }
}
