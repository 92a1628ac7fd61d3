package org.layerbraid.mgrit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.layerbraid.mgrit.solver.InitialGuess;
import org.layerbraid.mgrit.solver.MgritOptions;
import org.layerbraid.vecmath.Activation;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/**
 * Convolutional residual networks (2 channels of 6 × 6 images, 3 × 3 kernels) through everything the engine does:
 * the whole objective's gradient against central differences for each opening, one MGRIT level = serial bit for
 * bit, converged MGRIT = serial within the tolerance, and the same bits on any worker split.
 */
class ConvolutionalNetworkTest {
    private static final Kernels KERNELS = Kernels.defaults();
    private static final NetworkConfig.Convolution SIX_BY_SIX = new NetworkConfig.Convolution(3, 6, 6);

    private static NetworkConfig config(int inputChannels, NetworkConfig.Opening opening, Activation act, int layers,
            double tik, double ddt, double cls) {
        return new NetworkConfig(inputChannels * 36, 3, 2, layers, 1.5, act, opening, false, tik, ddt, cls,
                Precision.F64, SIX_BY_SIX);
    }

    static Stream<Arguments> networks() {
        return Stream.of(Arguments.of(1, NetworkConfig.Opening.REPLICATE, Activation.TANH),
                Arguments.of(1, NetworkConfig.Opening.CONV, Activation.SMOOTH_RELU),
                Arguments.of(2, NetworkConfig.Opening.CONV, Activation.TANH),
                Arguments.of(1, NetworkConfig.Opening.ZERO_PAD, Activation.RELU));
    }

    @ParameterizedTest(name = "{0} input channel(s), {1} opening, {2}")
    @MethodSource("networks")
    void gradientMatchesCentralDifferences(int inputChannels, NetworkConfig.Opening opening, Activation act) {
        NetworkConfig config = config(inputChannels, opening, act, 3, 1e-2, 3e-2, 2e-2);
        try (ResNet model = new ResNet(config); TensorArena arena = new TensorArena("test")) {
            new Initialization(Initialization.Kind.NORMAL, 0.5, 0.4, 0.3).apply(model.parameters(), 7);
            Batch batch = GradientTest.randomBatch(arena, config, 5, 11);
            Parameters gradient = model.newVector(arena);
            Regularization regularization = new Regularization(KERNELS, config, arena);
            try (SerialEvaluator evaluator = new SerialEvaluator(KERNELS, config, batch)) {
                Parameters p = model.parameters();
                evaluator.lossAndGradient(p, gradient);
                regularization.addGradient(p, gradient);
                Matrix flat = p.flat();
                double step = 1e-6;
                for (int i = 0; i < flat.cols(); i++) {
                    double saved = flat.get(0, i);
                    flat.set(0, i, saved + step);
                    double plus = evaluator.loss(p) + regularization.value(p);
                    flat.set(0, i, saved - step);
                    double minus = evaluator.loss(p) + regularization.value(p);
                    flat.set(0, i, saved);
                    double fd = (plus - minus) / (2 * step);
                    assertEquals(fd, gradient.flat().get(0, i), 1e-6 * (1e-2 + Math.abs(fd)),
                            "parameter " + i + " of " + flat.cols());
                }
            }
        }
    }

    @Test
    void theKernelsAreWhereTheLayoutSaysAndTheGradientReachesThem() {
        NetworkConfig config = config(1, NetworkConfig.Opening.CONV, Activation.TANH, 2, 0, 0, 0);
        ParameterLayout layout = new ParameterLayout(config);
        // opening 2 × 9 + 2, two layers of 2 × 18 + 2, classifier 3 × 72 + 3
        assertEquals(20 + 2 * 38 + 219, layout.size());
        assertEquals(20 + 38, layout.layerOffset(1));
        try (ResNet model = new ResNet(config)) {
            Parameters p = model.parameters();
            assertArrayEquals(new int[] {2, 9}, shape(p.openingWeights()));
            assertArrayEquals(new int[] {2, 18}, shape(p.weights(1)));
            assertArrayEquals(new int[] {2, 1}, shape(p.bias(1)));
            assertArrayEquals(new int[] {3, 72}, shape(p.classifierWeights()));
        }
    }

    private static int[] shape(Matrix m) {
        return new int[] {m.rows(), m.cols()};
    }

    private static MgritOptions oneLevel() {
        return MgritOptions.builder().levels(1, 1).build();
    }

    private static MgritOptions converged() {
        return MgritOptions.builder().levels(3, 2).cfactor(4).cfSweeps(0, 1).tolerance(1e-13, 60).build();
    }

    private static MgritOptions oneShot() {
        return MgritOptions.builder().levels(3, 2).cfactor(4).cfSweeps(0, 1).fixedIterations(2, true)
                .initialGuess(InitialGuess.WARM).build();
    }

    /** Loss then gradient of a 16-layer network on 40 examples, from a fresh evaluator. */
    private static double[] lossAndGradient(java.util.function.Function<Batch, Evaluator> factory) {
        NetworkConfig config = config(1, NetworkConfig.Opening.CONV, Activation.TANH, 16, 1e-3, 1e-3, 1e-3);
        try (ResNet model = new ResNet(config); TensorArena arena = new TensorArena("test")) {
            new Initialization(Initialization.Kind.NORMAL, 0.5, 0.4, 0.3).apply(model.parameters(), 3);
            Batch batch = GradientTest.randomBatch(arena, config, 40, 5);
            Parameters gradient = model.newVector(arena);
            try (Evaluator evaluator = factory.apply(batch)) {
                double loss = evaluator.lossAndGradient(model.parameters(), gradient);
                // a second step from the warm states, as one-shot training takes it
                loss += evaluator.lossAndGradient(model.parameters(), gradient);
                double[] g = gradient.flat().toArray();
                double[] out = new double[g.length + 1];
                out[0] = loss;
                System.arraycopy(g, 0, out, 1, g.length);
                return out;
            }
        }
    }

    private static NetworkConfig engineConfig() {
        return config(1, NetworkConfig.Opening.CONV, Activation.TANH, 16, 1e-3, 1e-3, 1e-3);
    }

    @Test
    void oneLevelIsSerialBitForBit() {
        double[] serial = lossAndGradient(b -> new SerialEvaluator(KERNELS, engineConfig(), b));
        double[] mgrit = lossAndGradient(b -> new LayerParallelEvaluator(KERNELS, engineConfig(), b, oneLevel(),
                oneLevel(), 2));
        assertArrayEquals(serial, mgrit);
    }

    @Test
    void convergedMgritIsSerialWithinTheTolerance() {
        double[] serial = lossAndGradient(b -> new SerialEvaluator(KERNELS, engineConfig(), b));
        double[] mgrit = lossAndGradient(b -> new LayerParallelEvaluator(KERNELS, engineConfig(), b, converged(),
                converged(), 2));
        double scale = 0;
        double diff = 0;
        for (int i = 0; i < serial.length; i++) {
            scale = Math.max(scale, Math.abs(serial[i]));
            diff = Math.max(diff, Math.abs(serial[i] - mgrit[i]));
        }
        assertTrue(diff <= 1e-9 * scale, "differs by " + diff + " of " + scale);
    }

    @Test
    void oneShotGivesTheSameBitsOnEveryWorkerSplit() {
        double[] one = lossAndGradient(b -> new LayerParallelEvaluator(KERNELS, engineConfig(), b, oneShot(),
                oneShot(), 1, 1));
        int[][] splits = {{2, 1}, {1, 2}, {2, 2}, {3, 1}};
        for (int[] split : splits) {
            double[] other = lossAndGradient(b -> new LayerParallelEvaluator(KERNELS, engineConfig(), b, oneShot(),
                    oneShot(), split[0], split[1]));
            assertArrayEquals(one, other, split[0] + " layer × " + split[1] + " batch workers");
        }
        double[] serialThreads = lossAndGradient(b -> new SerialEvaluator(KERNELS, engineConfig(), b, 1));
        double[] serialTwo = lossAndGradient(b -> new SerialEvaluator(KERNELS, engineConfig(), b, 2));
        assertArrayEquals(serialThreads, serialTwo, "data-parallel serial evaluation");
    }

    @Test
    void badShapesAreRefusedInOneSentence() {
        assertBad(() -> new NetworkConfig.Convolution(4, 6, 6), "the kernel size must be odd and at least 1, got 4");
        assertBad(() -> new NetworkConfig.Convolution(7, 6, 6), "a 7 × 7 kernel is larger than the 6 × 6 image");
        assertBad(() -> new NetworkConfig(35, 3, 2, 2, 1, Activation.TANH, NetworkConfig.Opening.CONV, false, 0, 0, 0,
                Precision.F64, SIX_BY_SIX), "35 input features are not whole channels of the 6 × 6 image");
        assertBad(() -> config(2, NetworkConfig.Opening.REPLICATE, Activation.TANH, 2, 0, 0, 0),
                "the replicate opening copies a one-channel image, the inputs have 2 channels");
        assertBad(() -> config(1, NetworkConfig.Opening.DENSE, Activation.TANH, 2, 0, 0, 0),
                "not a dense one");
        assertBad(() -> new NetworkConfig(36, 3, 2, 2, 1, Activation.TANH, NetworkConfig.Opening.CONV, true, 0, 0, 0,
                Precision.F64, SIX_BY_SIX), "one bias per channel");
        assertBad(() -> new NetworkConfig(36, 3, 2, 2, 1, Activation.TANH, NetworkConfig.Opening.REPLICATE, false, 0,
                0, 0, Precision.F64), "the replicate opening needs convolutional layers");
    }

    private static void assertBad(org.junit.jupiter.api.function.Executable make, String expected) {
        String message = assertThrows(IllegalArgumentException.class, make).getMessage();
        assertTrue(message.contains(expected), message);
    }
}
