package org.layerbraid.tools;

import java.util.List;
import java.util.concurrent.Callable;
import org.layerbraid.tools.run.Verification;
import org.layerbraid.vecmath.Activation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code layerbraid verify}: the MGRIT engine's self-checks as a pass/fail table; exit code 1 when one fails. */
@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs the engine's self-checks on a Peaks network (f64, random weights) and prints a pass/fail "
            + "table with the measured numbers; the exit code is 1 when any check fails.",
            "Checks: 1 level = serial bitwise; sequential guess ⇒ zero residual; 2 levels with c ≥ N exact after one "
                + "iteration; FCF advances ≥ 2c layers per iteration; converged = serial; worker count changes no "
                + "bit; adjoint with 1 level = serial backpropagation bitwise; converged adjoint = serial; gradient = "
                + "finite differences."})
final class VerifyCommand implements Callable<Integer> {
    @Option(names = "--layers", defaultValue = "64", description = "Residual layers N (default ${DEFAULT-VALUE}).")
    int layers;
    @Option(names = "--width", defaultValue = "8", description = "Channels (default ${DEFAULT-VALUE}).")
    int width;
    @Option(names = "--batch", defaultValue = "100", description = "Examples (default ${DEFAULT-VALUE}).")
    int batch;
    @Option(names = "--activation", defaultValue = "tanh", description = "tanh, relu or smoothrelu (default ${DEFAULT-VALUE}).")
    String activation;
    @Option(names = "--cfactor", defaultValue = "4", description = "Coarsening factor (default ${DEFAULT-VALUE}).")
    int cfactor;
    @Option(names = "--levels", defaultValue = "3", description = "Levels of the converged solve (default ${DEFAULT-VALUE}).")
    int levels;
    @Option(names = "--threads", defaultValue = "2", description = "Workers, compared with one (default ${DEFAULT-VALUE}).")
    int threads;
    @Option(names = "--seed", defaultValue = "1", description = "Seed of data and weights (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        List<Verification.Check> checks = Verification.run(new Verification.Setup(layers, width, batch,
                Activation.parse(activation), cfactor, levels, threads, seed), System.out);
        long failed = checks.stream().filter(c -> !c.passed()).count();
        System.out.println(failed == 0 ? "All " + checks.size() + " checks passed."
                : failed + " of " + checks.size() + " checks failed.");
        return failed == 0 ? 0 : 1;
    }
}
