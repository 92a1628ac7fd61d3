package org.layerbraid.bench;

import java.util.Locale;
import org.layerbraid.mgrit.nn.ResNetPropagator;
import org.layerbraid.mgrit.nn.SerialEvaluator;
import org.layerbraid.mgrit.solver.AdjointSolver;
import org.layerbraid.mgrit.solver.ForwardSolver;
import org.layerbraid.mgrit.solver.MgritOptions;
import org.layerbraid.mgrit.solver.SolvePhase;
import org.layerbraid.mgrit.solver.SolveStatistics;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Precision;

/**
 * Where the time of one forward + adjoint MGRIT iteration goes, per phase, from the solvers' own timers (the unit
 * of {@link MgritIterationBench}: Peaks, width 8, 5000 examples, F-relaxation on the layers, FCF coarser, c = 4).
 * Prints the median of 10 timed repetitions after 8 warm-up ones. Run with
 * {@code java --add-modules=jdk.incubator.vector -cp jmh-benchmarks/target/benchmarks.jar
 * org.layerbraid.bench.MgritPhaseTimes LAYERS WORKERS}.
 */
public final class MgritPhaseTimes {
    private static final int EXAMPLES = 5000;
    private static final int WARM_UP = 8;
    private static final int TIMED = 10;

    private MgritPhaseTimes() {
    }

    public static void main(String[] args) {
        int layers = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        int workers = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        Kernels kernels = Kernels.defaults();
        try (PeaksProblem problem = new PeaksProblem(layers, 8, EXAMPLES);
                SerialEvaluator serial = new SerialEvaluator(kernels, problem.config, problem.batch)) {
            serial.loss(problem.model.parameters());
            ResNetPropagator propagator = ResNetPropagator.withThreadScratch(kernels, problem.config, EXAMPLES,
                    problem.arena);
            propagator.use(problem.model.parameters());
            propagator.accumulateInto(problem.model.newVector(problem.arena));
            MgritOptions options = MgritOptions.builder().levels(8, 8).cfactor(4).cfSweeps(0, 1).fixedIterations(1)
                    .build();
            try (ForwardSolver forward = new ForwardSolver(propagator, kernels, layers, problem.config.h(),
                    Precision.F64, 8, EXAMPLES, options, workers);
                    AdjointSolver adjoint = new AdjointSolver(propagator, kernels, layers, problem.config.h(),
                            Precision.F64, 8, EXAMPLES, options, workers)) {
                long[][] f = new long[TIMED][];
                long[][] a = new long[TIMED][];
                for (int r = 0; r < WARM_UP + TIMED; r++) {
                    SolveStatistics fs = forward.solve(serial.state(0));
                    SolveStatistics as = adjoint.solve(forward, serial.state(layers));
                    if (r >= WARM_UP) {
                        f[r - WARM_UP] = fs.phaseNanos();
                        a[r - WARM_UP] = as.phaseNanos();
                    }
                }
                System.out.printf(Locale.ROOT, "N = %d, %d worker(s), median ms of %d iterations%n", layers, workers,
                        TIMED);
                System.out.printf(Locale.ROOT, "%-14s %10s %10s%n", "phase", "forward", "adjoint");
                for (SolvePhase p : SolvePhase.values()) {
                    System.out.printf(Locale.ROOT, "%-14s %10.1f %10.1f%n", p.name().toLowerCase(Locale.ROOT),
                            median(f, p.ordinal()), median(a, p.ordinal()));
                }
            }
        }
    }

    private static double median(long[][] runs, int phase) {
        long[] v = new long[runs.length];
        for (int i = 0; i < runs.length; i++) {
            v[i] = runs[i][phase];
        }
        java.util.Arrays.sort(v);
        return (v[(v.length - 1) / 2] + v[v.length / 2]) / 2e6;
    }
}
