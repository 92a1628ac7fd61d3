package org.layerbraid.bench;

import java.util.concurrent.TimeUnit;
import org.layerbraid.vecmath.Matrix;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Square C = A·B (the dense opening and classifier layers use the same kernel). */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class GemmBench extends KernelState {
    @Param({"64", "256", "1024"})
    public int n;

    private Matrix a, b, c;

    @Setup(Level.Trial)
    public void setUp() {
        open();
        a = random(n, n, 1, 1);
        b = random(n, n, 2, 1);
        c = arena.matrix(p, n, n);
    }

    @Benchmark
    public Matrix gemm() {
        kernels.gemm(false, false, 1, a, b, 0, c);
        return c;
    }
}
