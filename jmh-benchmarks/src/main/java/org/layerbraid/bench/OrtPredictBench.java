package org.layerbraid.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.layerbraid.mgrit.data.Standardization;
import org.layerbraid.mgrit.nn.OnnxExport;
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
 * Latency of serving an exported Peaks network with ONNX Runtime Java: one call is what a server does per request,
 * the input tensor made over a direct buffer holding the raw features, the session run and the probabilities read
 * back. One intra-op thread and every graph optimisation, so the figure is one core's and comparable with
 * LayerBraid's own single-threaded forward pass.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class OrtPredictBench {
    @Param({"30"})
    public int layers;

    @Param({"8"})
    public int width;

    @Param({"f64", "f32"})
    public String precision;

    @Param({"1", "16"})
    public int batch;

    private OrtEnvironment environment;
    private OrtSession session;
    /** The raw features as a view of a direct buffer: one of the two, by precision. */
    private DoubleBuffer doubles;
    private FloatBuffer floats;
    private long[] shape;

    @Setup(Level.Trial)
    public void setUp() throws OrtException {
        Precision p = Precision.parse(precision);
        byte[] onnx;
        double[] raw;
        try (PeaksProblem problem = new PeaksProblem(layers, width, batch, p)) {
            // Peaks points are uniform on [−3, 3]²: the standardisation a training run would store.
            Standardization standardization = new Standardization(new double[] {0, 0},
                    new double[] {Math.sqrt(3), Math.sqrt(3)});
            onnx = OnnxExport.graph(problem.model, standardization, List.of(), List.of()).toByteArray();
            raw = problem.data.examples();
        }
        ByteBuffer input = ByteBuffer.allocateDirect(raw.length * p.bytes()).order(ByteOrder.nativeOrder());
        if (p == Precision.F64) {
            doubles = input.asDoubleBuffer().put(raw).flip();
        } else {
            floats = input.asFloatBuffer();
            for (double v : raw) {
                floats.put((float) v);
            }
            floats.flip();
        }
        shape = new long[] {batch, raw.length / batch};
        environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = environment.createSession(onnx, options);
        }
    }

    @Benchmark
    public double predict() throws OrtException {
        try (OnnxTensor x = doubles != null ? OnnxTensor.createTensor(environment, doubles, shape)
                : OnnxTensor.createTensor(environment, floats, shape);
                OrtSession.Result result = session.run(Map.of(OnnxExport.INPUT, x))) {
            OnnxTensor probabilities = (OnnxTensor) result.get(0);
            return doubles != null ? probabilities.getDoubleBuffer().get(0) : probabilities.getFloatBuffer().get(0);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        session.close();
    }
}
