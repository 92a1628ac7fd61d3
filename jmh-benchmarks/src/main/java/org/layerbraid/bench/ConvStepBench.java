package org.layerbraid.bench;

import java.util.concurrent.TimeUnit;
import org.layerbraid.vecmath.Activation;
import org.layerbraid.vecmath.ConvShape;
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

/**
 * The convolutional residual layer's kernels (same-padding k × k, C channels of size × size, tanh): the step
 * with z stored, the adjoint step without and with the kernel and bias gradients, the kernel gradient alone, and
 * the bare convolution with its bias (no activation: what the step costs without tanh).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class ConvStepBench extends KernelState {
    @Param({"8"})
    public int channels;

    @Param({"28"})
    public int size;

    @Param({"3"})
    public int kernel;

    @Param({"64", "256"})
    public int batch;

    private ConvShape shape;
    private Matrix k, bias, u, next, z, lambda, lambdaPrev, g, dk, db;

    @Setup(Level.Trial)
    public void setUp() {
        open();
        shape = ConvShape.residual(channels, size, size, kernel);
        int rows = shape.inRows();
        k = random(channels, shape.kernelColumns(), 1, 1 / Math.sqrt(shape.kernelColumns()));
        bias = random(channels, 1, 2, 0.1);
        u = random(rows, batch, 3, 1);
        lambda = random(rows, batch, 4, 1);
        next = arena.matrix(p, rows, batch);
        z = arena.matrix(p, rows, batch);
        lambdaPrev = arena.matrix(p, rows, batch);
        g = arena.matrix(p, rows, batch);
        dk = arena.matrix(p, channels, shape.kernelColumns());
        db = arena.matrix(p, channels, 1);
        kernels.convResidualStep(shape, k, bias, 0.1, Activation.TANH, u, null, z, 0, batch);
    }

    @Benchmark
    public Matrix residualStep() {
        kernels.convResidualStep(shape, k, bias, 0.1, Activation.TANH, u, next, z, 0, batch);
        return next;
    }

    @Benchmark
    public Matrix convolve() {
        kernels.convolve(shape, k, bias, u, z, 0, batch);
        return z;
    }

    @Benchmark
    public Matrix adjointStep() {
        kernels.convAdjointStep(shape, k, z, u, 0.1, Activation.TANH, lambda, lambdaPrev, g, null, null, 0, batch);
        return lambdaPrev;
    }

    @Benchmark
    public Matrix adjointWithGradients() {
        kernels.convAdjointStep(shape, k, z, u, 0.1, Activation.TANH, lambda, lambdaPrev, g, dk, db, 0, batch);
        return lambdaPrev;
    }

    @Benchmark
    public Matrix weightGradient() {
        kernels.convWeightGradient(shape, lambda, u, dk, 0, batch);
        return dk;
    }
}
