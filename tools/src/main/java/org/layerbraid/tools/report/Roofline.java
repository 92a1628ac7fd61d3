package org.layerbraid.tools.report;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.layerbraid.bench.Row;
import org.layerbraid.bench.TriadBandwidth;

/**
 * Every serial forward + backward point against its roofline, from the probes of the same run: the bytes it must
 * move over the triad bandwidth, or its flops over the FMA peak, whichever takes longer. Per layer and example a
 * forward + backward of width w with s-byte numbers moves at least 7·w·s bytes (forward: read u, write u′ and z;
 * backward: read u, z and λ′, write λ; counted as STREAM counts, without the writes' read-for-ownership) and does
 * 6·w² flops (K·u, Kᵀ·g and g·uᵀ). The FMA peak is per core, so two threads get twice it.
 */
final class Roofline {
    private Roofline() {
    }

    /** One point: measured and roofline nanoseconds per layer·example, and which roof binds. */
    record Point(Row row, double measuredNs, double memoryNs, double computeNs) {
        double roofNs() {
            return Math.max(memoryNs, computeNs);
        }

        double fraction() {
            return roofNs() / measuredNs;
        }

        String bound() {
            return memoryNs >= computeNs ? "memory" : "FMA";
        }
    }

    static List<Point> points(List<Row> rows) {
        Optional<Row> one = probe(rows, "TriadBandwidth.oneThread");
        Optional<Row> two = probe(rows, "TriadBandwidth.twoThreads");
        if (one.isEmpty()) {
            return List.of();
        }
        return rows.stream().filter(r -> r.benchmarkClass().equals("SerialGradientBench")).flatMap(r -> {
            String precision = r.param("precision") == null ? "f64" : r.param("precision");
            int threads = r.intParam("threads");
            Optional<Row> triad = threads == 1 ? one : two;
            Optional<Row> fma = probe(rows, "FmaPeak." + precision);
            if (triad.isEmpty() || fma.isEmpty() || threads > 2) {
                return Stream.empty();
            }
            int w = r.intParam("width");
            int bytes = "f32".equals(precision) ? 4 : 8;
            double measured = r.secondsPerOp() * 1e9 / ((double) r.intParam("layers") * r.intParam("batch"));
            double bandwidth = triad.get().score() * TriadBandwidth.BYTES; // bytes per second
            double memory = 7.0 * w * bytes / bandwidth * 1e9;
            double compute = 6.0 * w * w / (fma.get().gflops() * 1e9 * threads) * 1e9;
            return Stream.of(new Point(r, measured, memory, compute));
        }).toList();
    }

    private static Optional<Row> probe(List<Row> rows, String benchmark) {
        return rows.stream().filter(r -> r.benchmark().equals(benchmark)).findFirst();
    }

    static void section(StringBuilder md, List<Row> rows) {
        List<Point> points = points(rows);
        if (points.isEmpty()) {
            return;
        }
        md.append("## Serial forward + backward against the roofline\n\nProbes of this run: triad ");
        probe(rows, "TriadBandwidth.oneThread").ifPresent(r -> md.append(String.format(Locale.ROOT,
                "%.1f GB/s on one thread", r.score() * TriadBandwidth.BYTES / 1e9)));
        probe(rows, "TriadBandwidth.twoThreads").ifPresent(r -> md.append(String.format(Locale.ROOT,
                ", %.1f GB/s on two", r.score() * TriadBandwidth.BYTES / 1e9)));
        for (String p : new String[] {"f64", "f32"}) {
            probe(rows, "FmaPeak." + p).ifPresent(r -> md.append(String.format(Locale.ROOT,
                    "; FMA peak %s %.1f GFLOP/s per core", p, r.gflops())));
        }
        md.append(". Roof = max(7·w·s bytes ÷ triad bandwidth, 6·w² flops ÷ FMA peak × threads) per layer·example."
                + "\n\n| N | width | precision | threads | ms | ns per layer·example | roof ns | bound | "
                + "fraction of roof |\n|---:|---:|---|---:|---:|---:|---:|---|---:|\n");
        for (Point p : points) {
            Row r = p.row();
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.1f ± %.1f | %.1f | %.1f | %s | **%.0f%%** |%n",
                    r.param("layers"), r.param("width"), r.param("precision") == null ? "f64" : r.param("precision"),
                    r.param("threads"), r.score(), r.error(), p.measuredNs(), p.roofNs(), p.bound(),
                    100 * p.fraction()));
        }
        md.append('\n');
    }
}
