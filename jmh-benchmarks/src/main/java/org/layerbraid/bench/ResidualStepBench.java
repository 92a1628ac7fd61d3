package org.layerbraid.bench;

import java.util.concurrent.TimeUnit;
import org.layerbraid.vecmath.Activation;
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

/** The fused residual step u ← u + h·σ(K·u + b), storing z as training does (smooth ReLU, per-channel bias). */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class ResidualStepBench extends KernelState {
    @Param({"8", "32", "64"})
    public int width;

    @Param({"256", "1024", "5000"})
    public int batch;

    private Matrix k, bias, u, next, z;

    @Setup(Level.Trial)
    public void setUp() {
        open();
        k = random(width, width, 1, 1 / Math.sqrt(width));
        bias = random(width, 1, 2, 0.1);
        u = random(width, batch, 3, 1);
        next = arena.matrix(p, width, batch);
        z = arena.matrix(p, width, batch);
    }

    @Benchmark
    public Matrix residualStep() {
        kernels.residualStep(k, bias, 0.1, Activation.SMOOTH_RELU, u, next, z);
        return next;
    }
}
