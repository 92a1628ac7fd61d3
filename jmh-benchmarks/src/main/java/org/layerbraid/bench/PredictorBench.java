package org.layerbraid.bench;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.layerbraid.mgrit.api.Model;
import org.layerbraid.mgrit.api.Predictor;
import org.layerbraid.mgrit.data.Standardization;
import org.layerbraid.mgrit.nn.Initialization;
import org.layerbraid.mgrit.nn.NetworkConfig;
import org.layerbraid.mgrit.nn.ResNet;
import org.layerbraid.vecmath.Activation;
import org.layerbraid.vecmath.Precision;
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
 * Inference latency of the {@link Predictor} (the path a JVM service takes): probabilities of {@code batch} raw
 * examples, on the Peaks network (2 features, N = 30, width 8, smooth ReLU, 5 classes) and the Fashion-MNIST dense
 * network (784 features, N = 16, width 32, 10 classes). Weights are random: cost does not depend on their values.
 * Run with JMH's GC profiler (as {@code layerbraid bench} does) it shows the bytes allocated per call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class PredictorBench {
    @Param({"peaks", "fashion"})
    public String network;

    @Param({"F64", "F32"})
    public Precision precision;

    @Param({"1", "16", "64"})
    public int batch;

    private Predictor predictor;
    private double[] rows;
    private double[] probabilities;

    /** The benchmark's networks, also used by the load test. */
    static Model model(String network, Precision precision) {
        try (ResNet net = network(network, precision)) {
            return Model.of(net, Standardization.identity(net.config().features()), List.of(), List.of());
        }
    }

    /** The benchmark's networks with their seeded random weights, as the library holds them (also exported to ONNX). */
    static ResNet network(String network, Precision precision) {
        NetworkConfig c = switch (network) {
            case "peaks" -> new NetworkConfig(2, 5, 8, 30, 1.0, Activation.SMOOTH_RELU, NetworkConfig.Opening.DENSE,
                    true, 0, 0, 0, precision);
            case "fashion" -> new NetworkConfig(784, 10, 32, 16, 1.0, Activation.SMOOTH_RELU,
                    NetworkConfig.Opening.DENSE, true, 0, 0, 0, precision);
            default -> throw new IllegalArgumentException("unknown network '" + network + "': use peaks or fashion");
        };
        ResNet net = new ResNet(c);
        new Initialization(Initialization.Kind.NORMAL, 0.3, 0.3, 0.3).apply(net.parameters(), 1);
        return net;
    }

    /** {@code count} random raw examples for a model, example-major. */
    static double[] inputs(Model model, int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[count * model.features()];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextDouble(-2, 2);
        }
        return x;
    }

    @Setup(Level.Trial)
    public void setUp() {
        Model model = model(network, precision);
        predictor = model.predictor();
        rows = inputs(model, batch, 2);
        probabilities = new double[batch * model.classes()];
    }

    @Benchmark
    public double predict() {
        predictor.probabilities(rows, batch, probabilities);
        return probabilities[0];
    }
}
