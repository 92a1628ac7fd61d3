package org.layerbraid.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.layerbraid.bench.Row;
import org.layerbraid.bench.SerialGradientBench;
import org.layerbraid.bench.SuiteRunner;
import org.layerbraid.bench.TorchPeer;
import org.layerbraid.mgrit.io.AtomicFiles;
import org.layerbraid.mgrit.training.Machine;
import org.openjdk.jmh.runner.RunnerException;

/**
 * The {@code peers} bench suite: LayerBraid's serial forward + backward ({@link SerialGradientBench}, JMH) and the
 * same network in PyTorch on the CPU ({@link TorchPeer}), one after the other in one run, on 1 and 2 threads; the
 * ratios go to {@code peers.md} and {@code peers.json} (and are appended to {@code report.md} when JMH suites of
 * the same run wrote one). The reference C++ code cannot be built here: its figures are quoted with their date and
 * machine. Without a Python that imports torch the suite says so in one line and is skipped.
 */
final class PeersReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int WIDTH = 8;
    private static final int EXAMPLES = 5000;
    private static final int[] THREADS = {1, 2};
    private static final String REFERENCE = """
            The reference C++ code (LayerParallelLearning 8693d15 on XBraid 649a811, `mpicxx -O3 -march=native`,
            serial, fixed step, no validation) could not be built here; quoted from `PEERS.md`, **measured on
            2026-11-29 on an Intel Xeon with AVX-512, 2 cores — another machine, not this run**: N = 30 25.9 ms,
            N = 256 225 ms, N = 1024 842 ms (164 ns per layer·example) per iteration on 1 rank, 917 ms on 2 ranks.
            """;

    private PeersReport() {
    }

    /** One point: LayerBraid's JMH row and PyTorch's timing of the same configuration. */
    record Point(int layers, int threads, double layerbraidMs, double layerbraidErrorMs, TorchPeer.Result torch) {
        double layerbraidNs() {
            return layerbraidMs * 1e6 / ((double) layers * EXAMPLES);
        }

        double ratio() {
            return torch.medianMs() / layerbraidMs;
        }
    }

    static void run(Path out, boolean quick, List<Integer> layers, boolean appendToReport, PrintStream console)
            throws IOException, InterruptedException, RunnerException {
        Optional<TorchPeer> torch = TorchPeer.find();
        if (torch.isEmpty()) {
            console.println(TorchPeer.missing());
            return;
        }
        Files.createDirectories(out);
        console.println("Peers: LayerBraid (JMH) and PyTorch (" + torch.get().describe() + "), N = " + layers
                + ", 1 and 2 threads");
        Map<String, List<String>> params = new LinkedHashMap<>();
        params.put("layers", layers.stream().map(String::valueOf).toList());
        params.put("width", List.of(String.valueOf(WIDTH)));
        params.put("batch", List.of(String.valueOf(EXAMPLES)));
        params.put("threads", List.of("1", "2"));
        List<Row> rows = SuiteRunner.runClasses(List.of(SerialGradientBench.class), quick, params,
                out.resolve("peers-jmh.json"), console);
        List<Point> points = new ArrayList<>();
        for (int n : layers) {
            for (int t : THREADS) {
                console.printf(Locale.ROOT, "PyTorch: N = %d, %d thread%s...%n", n, t, t == 1 ? "" : "s");
                TorchPeer.Result r = torch.get().run(n, WIDTH, EXAMPLES, t, quick ? 2 : 5);
                Row lb = rows.stream().filter(row -> row.param("layers").equals(String.valueOf(n))
                        && row.param("threads").equals(String.valueOf(t))).findFirst().orElseThrow();
                points.add(new Point(n, t, lb.score(), lb.error(), r));
            }
        }
        String table = table(points);
        console.print(table);
        AtomicFiles.writeString(out.resolve("peers.json"), JSON.writeValueAsString(points) + "\n");
        String section = "## Peers: the same network in PyTorch, measured in this run\n\n" + "Machine: "
                + Machine.cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores; "
                + torch.get().describe() + ". Peaks network, width " + WIDTH + ", " + EXAMPLES + " examples, smooth "
                + "ReLU, f64; one forward + backward (loss, full gradient). LayerBraid: JMH mean ± 99.9%; PyTorch: "
                + "median of its repetitions [min–max].\n\n" + table + "\n" + REFERENCE;
        AtomicFiles.writeString(out.resolve("peers.md"), section);
        Path report = out.resolve("report.md");
        if (appendToReport) {
            AtomicFiles.writeString(report, Files.readString(report) + "\n" + section);
        }
        console.println("Wrote " + out.resolve("peers.md") + " and peers.json");
    }

    static String table(List<Point> points) {
        StringBuilder b = new StringBuilder("| N | threads | LayerBraid | ns per layer·example | PyTorch "
                + "| ns per layer·example | PyTorch ÷ LayerBraid |\n|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Point p : points) {
            TorchPeer.Result t = p.torch();
            b.append(String.format(Locale.ROOT, "| %d | %d | %.1f ± %.1f ms | %.1f | %.0f ms [%.0f–%.0f] | %.0f "
                    + "| **%.1f×** |%n", p.layers(), p.threads(), p.layerbraidMs(), p.layerbraidErrorMs(),
                    p.layerbraidNs(), t.medianMs(), t.minMs(), t.maxMs(), t.nsPerLayerExample(), p.ratio()));
        }
        return b.toString();
    }
}
