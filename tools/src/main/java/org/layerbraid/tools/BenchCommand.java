package org.layerbraid.tools;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.layerbraid.bench.KernelReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code layerbraid bench}: runs a JMH suite and writes results.json and report.md. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Runs the kernel benchmark suite (JMH) and writes results.json and report.md to --out.",
            "Reports GFLOP/s, %% of the FMA probe's peak and bytes allocated per operation."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "A few seconds per point (about two minutes in all) instead of the full run.")
    boolean quick;

    @Option(names = "--suite", defaultValue = "kernels", description = "Which suite to run; available: ${COMPLETION-CANDIDATES}.")
    Suite suite;

    @Option(names = "--out", defaultValue = "runs/bench", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    enum Suite { kernels }

    @Override
    public Integer call() throws Exception {
        System.out.println("Running the " + suite + " suite (" + (quick ? "quick" : "full") + " mode) into " + out);
        var rows = KernelReport.run(quick, out, System.out);
        System.out.println();
        System.out.print(KernelReport.markdown(rows, quick));
        System.out.println("\nWrote " + out.resolve("results.json") + " and " + out.resolve("report.md"));
        return 0;
    }
}
