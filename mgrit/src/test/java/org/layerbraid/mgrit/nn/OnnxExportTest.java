package org.layerbraid.mgrit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.layerbraid.mgrit.api.Model;
import org.layerbraid.mgrit.data.Standardization;
import org.layerbraid.mgrit.io.OnnxModel;
import org.layerbraid.vecmath.Activation;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/**
 * Exported graphs run under ONNX Runtime give the probabilities of LayerBraid's own forward pass (standardisation,
 * {@link SerialEvaluator}, classifier and softmax) on raw inputs, for every kind of network.
 */
class OnnxExportTest {
    private static final OrtEnvironment ORT = OrtEnvironment.getEnvironment();
    /** Raw features far from standardised: the graph's standardisation must do real work. */
    private static final Standardization STANDARDIZATION = new Standardization(new double[] {1.5, -20, 0.003},
            new double[] {2, 10, 0.01});
    private static final List<String> CLASS_NAMES = List.of("low", "mid", "high", "top");

    @TempDir
    Path dir;

    static Stream<Arguments> networks() {
        List<Arguments> all = new ArrayList<>();
        for (Precision precision : Precision.values()) {
            for (NetworkConfig.Opening opening : NetworkConfig.Opening.values()) {
                if (opening.convolutional()) {
                    continue; // dense layers only: ConvolutionalNetworkTest has the others
                }
                for (boolean scalarBias : new boolean[] {true, false}) {
                    for (Activation activation : Activation.values()) {
                        all.add(Arguments.of(precision, opening, scalarBias, activation));
                    }
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1} scalar bias {2} {3}")
    @MethodSource("networks")
    void onnxRuntimeGivesTheProbabilitiesOfTheForwardPass(Precision precision, NetworkConfig.Opening opening,
            boolean scalarBias, Activation activation) throws OrtException {
        NetworkConfig config = new NetworkConfig(3, 4, 5, 6, 1.5, activation, opening, scalarBias, 0, 0, 0,
                precision);
        try (ResNet model = new ResNet(config)) {
            new Initialization(Initialization.Kind.NORMAL, 0.7, 0.7, 0.7).apply(model.parameters(), 11);
            byte[] onnx = OnnxExport.graph(model, STANDARDIZATION, CLASS_NAMES, List.of()).toByteArray();
            for (int batch : new int[] {1, 7}) {
                double[] raw = rawInputs(batch, precision, 100 + batch);
                assertAgree(model, STANDARDIZATION, onnx, raw);
            }
        }
    }

    /**
     * One residual layer u₁ = y + σ(y) on inputs at and around the smooth ReLU's patch (−η, η), read through a
     * two-class softmax of (u₁, 0): a patch taken as plain ReLU, or a wrong constant, would show.
     */
    @Test
    void smoothReluMatchesInsideAndAtTheEdgesOfItsPatch() throws OrtException {
        for (Precision precision : Precision.values()) {
            NetworkConfig config = new NetworkConfig(1, 2, 1, 1, 1.0, Activation.SMOOTH_RELU,
                    NetworkConfig.Opening.ZERO_PAD, true, 0, 0, 0, precision);
            try (ResNet model = new ResNet(config)) {
                Parameters p = model.parameters();
                p.weights(0).set(0, 0, 1);
                p.classifierWeights().set(0, 0, 1);
                double[] raw = {-0.3, -0.1, -0.06, 0, 0.025, 0.1, 0.3};
                byte[] onnx = OnnxExport.graph(model, Standardization.identity(1), List.of(), List.of()).toByteArray();
                double[][] probabilities = assertAgree(model, Standardization.identity(1), onnx, raw);
                // at 0 the patch gives η/4: u₁ = 0.025, p₀ = 1 / (1 + e^−0.025)
                assertEquals(1 / (1 + Math.exp(-0.025)), probabilities[3][0], 1e-6);
            }
        }
    }

    @Test
    void theFileNamesItsInputOutputTypesAndClasses() throws OrtException, IOException {
        NetworkConfig config = new NetworkConfig(3, 4, 5, 2, 1.0, Activation.TANH, NetworkConfig.Opening.DENSE, false,
                0, 0, 0, Precision.F32);
        try (ResNet model = new ResNet(config)) {
            new Initialization(Initialization.Kind.NORMAL, 0.5, 0.5, 0.5).apply(model.parameters(), 3);
            Path file = dir.resolve("model.safetensors");
            ModelFile.write(model, file, ModelFile.dataMetadata(STANDARDIZATION, CLASS_NAMES, List.of("a", "b", "c")));
            Path onnx = dir.resolve("model.onnx");
            OnnxExport.Exported exported = OnnxExport.write(file, onnx);
            assertEquals(Files.size(onnx), exported.bytes());
            assertEquals(config, exported.config());
            try (OrtSession session = ORT.createSession(onnx.toString(), new OrtSession.SessionOptions())) {
                assertEquals(OnnxModel.PRODUCER, session.getMetadata().getProducerName());
                assertEquals(Map.of(OnnxExport.CLASS_NAMES_KEY, "[\"low\",\"mid\",\"high\",\"top\"]",
                        OnnxExport.FEATURE_NAMES_KEY, "[\"a\",\"b\",\"c\"]"), session.getMetadata().getCustomMetadata());
                TensorInfo in = (TensorInfo) session.getInputInfo().get(OnnxExport.INPUT).getInfo();
                TensorInfo out = (TensorInfo) session.getOutputInfo().get(OnnxExport.OUTPUT).getInfo();
                assertEquals(OnnxJavaType.FLOAT, in.type);
                assertArrayEquals(new long[] {-1, 3}, in.getShape(), "dynamic batch × features");
                assertEquals(OnnxJavaType.FLOAT, out.type);
                assertArrayEquals(new long[] {-1, 4}, out.getShape());
            }
            // the standardisation came from the model file's metadata
            assertAgree(model, STANDARDIZATION, Files.readAllBytes(onnx), rawInputs(5, Precision.F32, 8));
        }
    }

    @Test
    void namesMustFitTheNetwork() {
        NetworkConfig config = new NetworkConfig(3, 4, 5, 1, 1.0, Activation.RELU, NetworkConfig.Opening.ZERO_PAD, true,
                0, 0, 0, Precision.F64);
        try (ResNet model = new ResNet(config)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> OnnxExport.graph(model, STANDARDIZATION, List.of("yes", "no"), List.of()));
            assertEquals("2 class names for a network with 4", e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> OnnxExport.graph(model, Standardization.identity(2), CLASS_NAMES, List.of()));
            assertEquals("the standardisation covers 2 features, the network takes 3", e.getMessage());
        }
    }

    /** Example-major raw inputs around the standardisation's means, exactly representable in the precision. */
    private static double[] rawInputs(int batch, Precision precision, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] means = STANDARDIZATION.means();
        double[] stds = STANDARDIZATION.stds();
        double[] raw = new double[batch * means.length];
        for (int i = 0; i < raw.length; i++) {
            double v = means[i % means.length] + stds[i % means.length] * random.nextGaussian();
            raw[i] = precision == Precision.F32 ? (float) v : v;
        }
        return raw;
    }

    /** Checks ONNX Runtime against the forward pass within the precision's tolerance; returns ONNX Runtime's rows. */
    private static double[][] assertAgree(ResNet model, Standardization standardization, byte[] onnx, double[] raw)
            throws OrtException {
        NetworkConfig config = model.config();
        int batch = raw.length / config.features();
        double[][] expected = forwardPass(model, standardization, raw);
        double[][] actual = onnxRuntime(onnx, config, raw);
        double tolerance = config.precision() == Precision.F64 ? 1e-12 : 1e-5;
        double worst = 0;
        for (int i = 0; i < batch; i++) {
            for (int k = 0; k < config.classes(); k++) {
                worst = Math.max(worst, Math.abs(expected[i][k] - actual[i][k]));
            }
        }
        assertTrue(worst <= tolerance, "largest difference " + worst + " for batch " + batch);
        // The inference front door a service would use instead agrees with the export just as closely.
        double[] predicted = new double[batch * config.classes()];
        Model.of(model, standardization, List.of(), List.of()).predictor().probabilities(raw, batch, predicted);
        double worstPredictor = 0;
        for (int i = 0; i < batch; i++) {
            for (int k = 0; k < config.classes(); k++) {
                worstPredictor = Math.max(worstPredictor, Math.abs(predicted[i * config.classes() + k]
                        - actual[i][k]));
            }
        }
        assertTrue(worstPredictor <= tolerance, "Predictor vs ONNX Runtime: largest difference " + worstPredictor
                + " for batch " + batch);
        return actual;
    }

    /** The probabilities LayerBraid computes: standardise, propagate with the serial evaluator, classify. */
    private static double[][] forwardPass(ResNet model, Standardization standardization, double[] raw) {
        NetworkConfig config = model.config();
        int features = config.features();
        int batch = raw.length / features;
        double[] standardized = standardization.apply(raw);
        try (TensorArena arena = new TensorArena("inputs")) {
            Matrix inputs = arena.matrix(config.precision(), features, batch);
            for (int i = 0; i < batch; i++) {
                for (int f = 0; f < features; f++) {
                    inputs.set(f, i, standardized[i * features + f]);
                }
            }
            try (SerialEvaluator evaluator = new SerialEvaluator(Kernels.defaults(), config,
                    new Batch(inputs, new int[batch]))) {
                evaluator.loss(model.parameters());
                Matrix last = evaluator.state(config.layers());
                Matrix w = model.parameters().classifierWeights();
                Matrix mu = model.parameters().classifierBias();
                double[][] probabilities = new double[batch][config.classes()];
                for (int i = 0; i < batch; i++) {
                    double[] logits = new double[config.classes()];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int k = 0; k < logits.length; k++) {
                        double z = mu.get(k, 0);
                        for (int j = 0; j < config.width(); j++) {
                            z += w.get(k, j) * last.get(j, i);
                        }
                        logits[k] = z;
                        max = Math.max(max, z);
                    }
                    double sum = 0;
                    for (int k = 0; k < logits.length; k++) {
                        probabilities[i][k] = Math.exp(logits[k] - max);
                        sum += probabilities[i][k];
                    }
                    for (int k = 0; k < logits.length; k++) {
                        probabilities[i][k] /= sum;
                    }
                }
                return probabilities;
            }
        }
    }

    private static double[][] onnxRuntime(byte[] onnx, NetworkConfig config, double[] raw) throws OrtException {
        int batch = raw.length / config.features();
        long[] shape = {batch, config.features()};
        float[] rawFloat = new float[raw.length];
        for (int i = 0; i < raw.length; i++) {
            rawFloat[i] = (float) raw[i];
        }
        try (OrtSession session = ORT.createSession(onnx, new OrtSession.SessionOptions());
                OnnxTensor x = config.precision() == Precision.F64
                        ? OnnxTensor.createTensor(ORT, DoubleBuffer.wrap(raw), shape)
                        : OnnxTensor.createTensor(ORT, FloatBuffer.wrap(rawFloat), shape);
                OrtSession.Result result = session.run(Map.of(OnnxExport.INPUT, x))) {
            Object value = result.get(OnnxExport.OUTPUT).orElseThrow().getValue();
            if (value instanceof double[][] rows) {
                return rows;
            }
            float[][] rows = (float[][]) value;
            double[][] out = new double[batch][];
            for (int i = 0; i < batch; i++) {
                out[i] = new double[rows[i].length];
                for (int k = 0; k < rows[i].length; k++) {
                    out[i][k] = rows[i][k];
                }
            }
            return out;
        }
    }
}
