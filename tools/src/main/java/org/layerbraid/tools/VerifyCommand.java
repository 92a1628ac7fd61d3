package org.layerbraid.tools;

import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.layerbraid.mgrit.api.LayerBraid;
import org.layerbraid.mgrit.api.PropagatorCheck;
import org.layerbraid.mgrit.api.Step;
import org.layerbraid.mgrit.solver.Propagator;
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
                + "finite differences.",
            "With --propagator CLASS (--classpath DIR-OR-JAR): the same MGRIT checks on your own chain (a public class "
                + "with a public no-argument constructor implementing org.layerbraid.mgrit.solver.Propagator or "
                + "org.layerbraid.mgrit.api.Step): N = --layers steps of size --final-time / N on --width × --batch "
                + "states; adjoint checks when it has an adjoint step; --linear adds the linearity check."})
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
    @Option(names = "--propagator", paramLabel = "CLASS", description = "Check your own propagator or step class "
            + "instead of the built-in ResNet.")
    String propagator;
    @Option(names = "--classpath", paramLabel = "PATH", split = ":", description = "Where --propagator's class is "
            + "(directories or jars, separated by ':').")
    List<Path> classpath = new ArrayList<>();
    @Option(names = "--final-time", defaultValue = "1.0", description = "With --propagator: the chain's length in "
            + "time; h = T / N (default ${DEFAULT-VALUE}).")
    double finalTime;
    @Option(names = "--linear", description = "With --propagator: the chain is linear in u; check that too.")
    boolean linear;

    @Override
    public Integer call() throws Exception {
        if (propagator != null) {
            return checkUserPropagator();
        }
        List<Verification.Check> checks = Verification.run(new Verification.Setup(layers, width, batch,
                Activation.parse(activation), cfactor, levels, threads, seed), System.out);
        long failed = checks.stream().filter(c -> !c.passed()).count();
        System.out.println(failed == 0 ? "All " + checks.size() + " checks passed."
                : failed + " of " + checks.size() + " checks failed.");
        return failed == 0 ? 0 : 1;
    }

    private int checkUserPropagator() throws Exception {
        PropagatorCheck.Builder check = PropagatorCheck.of(load()).steps(layers).stepSize(finalTime / layers)
                .state(width, batch).grid(cfactor, levels).linear(linear).seed(seed);
        try (LayerBraid lb = LayerBraid.builder().threads(threads).build()) {
            PropagatorCheck result = check.run(lb);
            System.out.print(result.table());
            long failed = result.checks().stream().filter(c -> !c.passed()).count();
            System.out.println(failed == 0 ? "All " + result.checks().size() + " checks passed."
                    : failed + " of " + result.checks().size() + " checks failed.");
            return failed == 0 ? 0 : 1;
        }
    }

    /** The user's class as a propagator: loaded from --classpath, made with its no-argument constructor. */
    private Propagator load() throws MalformedURLException {
        List<URL> urls = new ArrayList<>();
        for (Path p : classpath) {
            if (!Files.exists(p)) {
                throw new IllegalArgumentException("--classpath " + p + ": no such file or directory");
            }
            urls.add(p.toUri().toURL());
        }
        Object instance;
        try {
            Class<?> c = Class.forName(propagator, true, new URLClassLoader(urls.toArray(URL[]::new),
                    getClass().getClassLoader()));
            instance = c.getConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("--propagator " + propagator + ": no such class on the class path"
                    + (classpath.isEmpty() ? " (give --classpath)" : " " + classpath));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            throw new IllegalArgumentException("--propagator " + propagator + " needs a public no-argument "
                    + "constructor");
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("--propagator " + propagator + ": its constructor failed: "
                    + e.getCause());
        }
        if (instance instanceof Propagator p) {
            return p;
        }
        if (instance instanceof Step s) {
            return s.asPropagator();
        }
        throw new IllegalArgumentException("--propagator " + propagator + " is neither a "
                + Propagator.class.getName() + " nor a " + Step.class.getName());
    }
}
