package org.layerbraid.bench;

import java.util.concurrent.TimeUnit;
import org.layerbraid.mgrit.solver.AdjointSolver;
import org.layerbraid.mgrit.solver.ForwardSolver;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The MGRIT work of one one-shot optimisation step: a forward solve of {@value #ITERATIONS} V-cycles and an
 * adjoint solve of {@value #ITERATIONS} V-cycles with the gradient, both warm-started. The line search's
 * further forward solves are left out (the cost model adds them); compare with {@link SerialGradientBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class OneShotStepBench extends MgritState {
    /** Forward and adjoint iterations per step, the paper's one-shot setting. */
    public static final int ITERATIONS = 2;

    private ForwardSolver forward;
    private AdjointSolver adjoint;

    @Setup(Level.Trial)
    public void setUp() {
        open();
        forward = forward(ITERATIONS);
        adjoint = adjoint(ITERATIONS);
    }

    @Benchmark
    public Object oneShotStep() {
        forward.solve(u0);
        return adjoint.solve(forward, lambdaN);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        adjoint.close();
        forward.close();
        closeProblem();
    }
}
