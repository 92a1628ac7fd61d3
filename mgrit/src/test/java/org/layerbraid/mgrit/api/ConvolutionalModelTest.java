package org.layerbraid.mgrit.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.layerbraid.mgrit.data.Standardization;
import org.layerbraid.mgrit.nn.Initialization;
import org.layerbraid.mgrit.nn.ModelFile;
import org.layerbraid.mgrit.nn.NetworkConfig;
import org.layerbraid.mgrit.nn.Parameters;
import org.layerbraid.mgrit.nn.ResNet;
import org.layerbraid.vecmath.Activation;
import org.layerbraid.vecmath.ConvShape;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/**
 * A convolutional model through its file and the allocation-free predictor: the logits of every example equal those
 * of the vecmath convolution kernels (the training path) to rounding, for both openings.
 */
class ConvolutionalModelTest {
    @TempDir
    Path dir;

    private static final int EXAMPLES = 9;

    @ParameterizedTest
    @EnumSource(value = NetworkConfig.Opening.class, names = {"REPLICATE", "CONV", "ZERO_PAD"})
    void aSavedModelPredictsAsTheKernelsCompute(NetworkConfig.Opening opening) throws IOException {
        NetworkConfig config = new NetworkConfig(35, 4, 3, 5, 2.0, Activation.SMOOTH_RELU, opening, false, 0, 0, 0,
                Precision.F64, new NetworkConfig.Convolution(3, 5, 7));
        Path file = dir.resolve("conv.safetensors");
        double[][] raw = new double[EXAMPLES][config.features()];
        SplittableRandom random = new SplittableRandom(4);
        for (double[] row : raw) {
            for (int f = 0; f < row.length; f++) {
                row[f] = random.nextDouble();
            }
        }
        double[][] expected;
        try (ResNet net = new ResNet(config)) {
            new Initialization(Initialization.Kind.NORMAL, 0.6, 0.5, 0.4).apply(net.parameters(), 8);
            ModelFile.write(net, file, ModelFile.dataMetadata(Standardization.identity(config.features()), List.of(),
                    List.of()));
            expected = kernelLogits(net, raw);
        }
        Model model = Model.load(file);
        assertEquals(config, model.config());
        assertTrue(model.toString().contains("3 channels, 3 × 3 kernels on 5 × 7 images"), model.toString());
        try (Predictor predictor = model.predictor()) {
            double[] logits = new double[config.classes()];
            for (int e = 0; e < EXAMPLES; e++) {
                int best = predictor.logits(raw[e], logits);
                int expectedBest = 0;
                for (int k = 0; k < config.classes(); k++) {
                    assertEquals(expected[e][k], logits[k], 1e-12 * (1 + Math.abs(expected[e][k])),
                            "example " + e + ", class " + k);
                    if (expected[e][k] > expected[e][expectedBest]) {
                        expectedBest = k;
                    }
                }
                assertEquals(expectedBest, best, "example " + e);
            }
        }
    }

    /** Opening, residual steps and classifier through the vecmath kernels, all examples as one batch. */
    private static double[][] kernelLogits(ResNet net, double[][] raw) {
        NetworkConfig c = net.config();
        Parameters p = net.parameters();
        Kernels kernels = Kernels.defaults();
        NetworkConfig.Convolution conv = c.convolution();
        ConvShape layer = ConvShape.residual(c.width(), conv.height(), conv.imageWidth(), conv.kernel());
        try (TensorArena a = new TensorArena("test")) {
            Matrix y = a.matrix(c.precision(), c.features(), raw.length);
            for (int e = 0; e < raw.length; e++) {
                for (int f = 0; f < c.features(); f++) {
                    y.set(f, e, raw[e][f]);
                }
            }
            Matrix u = a.matrix(c.precision(), c.stateSize(), raw.length);
            Matrix next = a.matrix(c.precision(), c.stateSize(), raw.length);
            switch (c.opening()) {
                case CONV -> {
                    Matrix z = a.matrix(c.precision(), c.stateSize(), raw.length);
                    kernels.convolve(new ConvShape(1, c.width(), conv.height(), conv.imageWidth(), conv.kernel()),
                            p.openingWeights(), p.openingBias(), y, z, 0, raw.length);
                    kernels.activate(c.activation(), z, u);
                }
                case REPLICATE -> {
                    for (int ch = 0; ch < c.width(); ch++) {
                        kernels.copy(y, u.rowRange(ch * conv.pixels(), (ch + 1) * conv.pixels()));
                    }
                }
                default -> kernels.copy(y, u.rowRange(0, c.features()));
            }
            for (int n = 0; n < c.layers(); n++) {
                kernels.convResidualStep(layer, p.weights(n), p.bias(n), c.h(), c.activation(), u, next, null, 0,
                        raw.length);
                Matrix t = u;
                u = next;
                next = t;
            }
            Matrix logits = a.matrix(c.precision(), c.classes(), raw.length);
            kernels.gemm(false, false, 1, p.classifierWeights(), u, 0, logits);
            kernels.addBias(p.classifierBias(), logits);
            double[][] out = new double[raw.length][c.classes()];
            for (int e = 0; e < raw.length; e++) {
                for (int k = 0; k < c.classes(); k++) {
                    out[e][k] = logits.get(k, e);
                }
            }
            return out;
        }
    }
}
