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
 * One adjoint MGRIT V-cycle: an adjoint solve of one fixed iteration from the warm start on the states and
 * pre-activations a forward solve kept, including the parameter gradient (as training runs it).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class AdjointCycleBench extends MgritState {
    private ForwardSolver forward;
    private AdjointSolver adjoint;

    @Setup(Level.Trial)
    public void setUp() {
        open();
        forward = forward(2);
        forward.solve(u0);
        adjoint = adjoint(1);
    }

    @Benchmark
    public Object adjointCycle() {
        return adjoint.solve(forward, lambdaN);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        adjoint.close();
        forward.close();
        closeProblem();
    }
}
