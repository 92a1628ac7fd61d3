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

/** The adjoint step: g = h·σ'(z)⊙λ, λ_prev = λ + Kᵀg, dK += g·uᵀ, db += Σ g (smooth ReLU). */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class AdjointStepBench extends KernelState {
    @Param({"8", "32", "64"})
    public int width;

    @Param({"256", "1024", "5000"})
    public int batch;

    private Matrix k, z, u, lambda, lambdaPrev, g, dk, db;

    @Setup(Level.Trial)
    public void setUp() {
        open();
        k = random(width, width, 1, 1 / Math.sqrt(width));
        z = random(width, batch, 2, 1);
        u = random(width, batch, 3, 1);
        lambda = random(width, batch, 4, 1);
        lambdaPrev = arena.matrix(p, width, batch);
        g = arena.matrix(p, width, batch);
        dk = arena.matrix(p, width, width);
        db = arena.matrix(p, width, 1);
    }

    @Benchmark
    public Matrix adjointStep() {
        kernels.adjointStep(k, z, u, 0.1, Activation.SMOOTH_RELU, lambda, lambdaPrev, g, dk, db);
        return lambdaPrev;
    }
}
