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
import org.layerbraid.mgrit.nn.ResNet;
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
import org.openjdk.jmh.annotations.TearDown;

/**
 * Latency of serving an exported network with ONNX Runtime Java, beside {@link PredictorBench} (same networks, same
 * seeded weights, same raw inputs): one call is what a server does per request, the input tensor made over a direct
 * buffer holding the raw features, the session run and the probabilities read back. One intra-op thread and every
 * graph optimisation, so the figure is one core's. Not in a {@code layerbraid bench} suite (the command line does not
 * ship ONNX Runtime): run it from {@code jmh-benchmarks/target/benchmarks.jar}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class OrtPredictBench {
    @Param({"peaks"})
    public String network;

    @Param({"F64", "F32"})
    public Precision precision;

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
        byte[] onnx;
        try (ResNet net = PredictorBench.network(network, precision)) {
            onnx = OnnxExport.graph(net, Standardization.identity(net.config().features()), List.of(), List.of())
                    .toByteArray();
            double[] raw = PredictorBench.inputs(PredictorBench.model(network, precision), batch, 2);
            shape = new long[] {batch, net.config().features()};
            ByteBuffer input = ByteBuffer.allocateDirect(raw.length * precision.bytes()).order(ByteOrder.nativeOrder());
            if (precision == Precision.F64) {
                doubles = input.asDoubleBuffer().put(raw).flip();
            } else {
                floats = input.asFloatBuffer();
                for (double v : raw) {
                    floats.put((float) v);
                }
                floats.flip();
            }
        }
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
