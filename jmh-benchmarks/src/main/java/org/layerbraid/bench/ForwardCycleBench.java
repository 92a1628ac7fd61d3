package org.layerbraid.bench;

import java.util.concurrent.TimeUnit;
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
 * One forward MGRIT V-cycle: a forward solve of one fixed iteration from the warm start (so it includes the
 * solve's final pass, which keeps the pre-activations for the adjoint), as the one-shot method runs it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class ForwardCycleBench extends MgritState {
    private ForwardSolver forward;

    @Setup(Level.Trial)
    public void setUp() {
        open();
        forward = forward(1);
    }

    @Benchmark
    public Object forwardCycle() {
        return forward.solve(u0);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        forward.close();
        closeProblem();
    }
}
