package org.layerbraid.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.layerbraid.mgrit.nn.Batch;
import org.layerbraid.mgrit.nn.Initialization;
import org.layerbraid.mgrit.nn.NetworkConfig;
import org.layerbraid.mgrit.nn.Parameters;
import org.layerbraid.mgrit.nn.ResNet;
import org.layerbraid.mgrit.nn.SerialEvaluator;
import org.layerbraid.vecmath.Activation;
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
 * One exact serial forward and backward propagation (loss and full gradient) of a convolutional ResNet on
 * Fashion-MNIST-sized inputs: 28 × 28 images replicated into {@code channels} maps, {@code layers} residual layers
 * of 3 × 3 convolutions with a per-channel bias and tanh, a linear classifier on the flattened last state. The same
 * network and batch as {@code scripts/torch_conv_resnet.py} times in PyTorch (run both with
 * {@code scripts/conv-vs-pytorch.sh}). With 2 threads the batch's slices are shared (data-parallel serial).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class ConvGradientBench {
    @Param({"8"})
    public int layers;

    @Param({"4"})
    public int channels;

    @Param({"1024"})
    public int batch;

    @Param({"1", "2"})
    public int threads;

    @Param({"F32"})
    public Precision precision;

    private TensorArena arena;
    private ResNet model;
    private SerialEvaluator evaluator;
    private Parameters gradient;

    @Setup(Level.Trial)
    public void setUp() {
        NetworkConfig config = new NetworkConfig(784, 10, channels, layers, 2.0, Activation.TANH,
                NetworkConfig.Opening.REPLICATE, false, 0, 0, 0, precision, new NetworkConfig.Convolution(3, 28, 28));
        arena = new TensorArena("benchmark");
        model = new ResNet(config);
        new Initialization(Initialization.Kind.NORMAL, 0.3, 1 / Math.sqrt(9.0 * channels), 0.02)
                .apply(model.parameters(), 1);
        SplittableRandom random = new SplittableRandom(2);
        Matrix inputs = arena.matrix(precision, 784, batch);
        int[] labels = new int[batch];
        for (int e = 0; e < batch; e++) {
            labels[e] = random.nextInt(10);
            for (int f = 0; f < 784; f++) {
                inputs.set(f, e, random.nextDouble());
            }
        }
        evaluator = new SerialEvaluator(Kernels.defaults(), config, new Batch(inputs, labels), threads);
        gradient = model.newVector(arena);
    }

    @Benchmark
    public double forwardBackward() {
        return evaluator.lossAndGradient(model.parameters(), gradient);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        evaluator.close();
        model.close();
        arena.close();
    }
}
