package org.layerbraid.bench;

import java.util.concurrent.TimeUnit;
import org.layerbraid.mgrit.nn.NetworkConfig;
import org.layerbraid.mgrit.nn.Parameters;
import org.layerbraid.mgrit.nn.ResNet;
import org.layerbraid.mgrit.nn.ResNetPropagator;
import org.layerbraid.mgrit.nn.SerialEvaluator;
import org.layerbraid.mgrit.solver.AdjointSolver;
import org.layerbraid.mgrit.solver.ForwardSolver;
import org.layerbraid.mgrit.solver.MgritOptions;
import org.layerbraid.mgrit.training.LayerParallelSettings;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;
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
 * One forward and one adjoint MGRIT iteration (F-relaxation, c = 4, as many levels as fit with ≥ 8 coarse
 * steps) of the Peaks network (width 8, smooth ReLU, f64, 5000 examples), including the gradient pass: the
 * unit of work of one one-shot optimisation step, to compare with {@link SerialGradientBench}; with all fine states
 * kept or the C-points only ({@code storage}). The tear-down prints the bytes the two solvers hold and the
 * process's peak resident memory.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class MgritIterationBench {
    private static final int EXAMPLES = 5000;

    @Param({"1024"})
    public int layers;

    @Param({"1", "2"})
    public int workers;

    @Param({"all"})
    public String storage;

    private PeaksProblem problem;
    private SerialEvaluator serial;
    private ForwardSolver forward;
    private AdjointSolver adjoint;
    private Matrix lambdaN;

    @Setup(Level.Trial)
    public void setUp() {
        problem = new PeaksProblem(layers, 8, EXAMPLES);
        NetworkConfig config = problem.config;
        ResNet model = problem.model;
        TensorArena arena = problem.arena;
        serial = new SerialEvaluator(Kernels.defaults(), config, problem.batch);
        Parameters p = model.parameters();
        serial.loss(p);
        int examples = EXAMPLES;
        ResNetPropagator propagator = ResNetPropagator.withThreadScratch(Kernels.defaults(), config, examples, arena);
        propagator.use(p);
        propagator.accumulateInto(model.newVector(arena));
        MgritOptions options = MgritOptions.builder().levels(8, 8).cfactor(4).cfSweeps(0, 1).fixedIterations(1)
                .storage(LayerParallelSettings.parseStorage(storage)).build();
        forward = new ForwardSolver(propagator, Kernels.defaults(), layers, config.h(), Precision.F64, 8, examples,
                options, workers);
        adjoint = new AdjointSolver(propagator, Kernels.defaults(), layers, config.h(), Precision.F64, 8, examples,
                options, workers);
        lambdaN = serial.state(layers);
    }

    @Benchmark
    public double forwardAndAdjointIteration() {
        forward.solve(serial.state(0));
        return adjoint.solve(forward, lambdaN).finalResidual();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws java.io.IOException {
        String peak = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("VmHWM")).findFirst().orElse("VmHWM: unknown").replaceAll("\\s+", " ");
        System.out.println("storage " + storage + ", " + workers + " workers: forward solver "
                + forward.bytesAllocated() + " bytes, adjoint solver " + adjoint.bytesAllocated() + " bytes, peak RSS ("
                + peak + ")");
        adjoint.close();
        forward.close();
        serial.close();
        problem.close();
    }
}
