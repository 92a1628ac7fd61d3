package org.layerbraid.bench;

import java.util.concurrent.TimeUnit;
import org.layerbraid.mgrit.nn.Parameters;
import org.layerbraid.mgrit.nn.SerialEvaluator;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Precision;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One exact serial forward and backward propagation (loss and full gradient) of the Peaks network (smooth ReLU,
 * f64 unless {@link #precision} says f32): the unit of work of one serial training iteration, comparable with the reference C++ code's and
 * PyTorch's forward+backward. With more than one thread the batch is shared (data-parallel serial).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class SerialGradientBench {
    @Param({"30", "64", "256", "1024"})
    public int layers;

    @Param({"8"})
    public int width;

    @Param({"5000"})
    public int batch;

    @Param({"1", "2"})
    public int threads;

    @Param({"f64"})
    public String precision;

    private PeaksProblem problem;
    private SerialEvaluator evaluator;
    private Parameters gradient;

    @Setup(Level.Trial)
    public void setUp() {
        problem = new PeaksProblem(layers, width, batch, Precision.parse(precision));
        evaluator = new SerialEvaluator(Kernels.defaults(), problem.config, problem.batch, threads);
        gradient = problem.model.newVector(problem.arena);
    }

    @Benchmark
    public double forwardBackward() {
        return evaluator.lossAndGradient(problem.model.parameters(), gradient);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        evaluator.close();
        problem.close();
    }
}
