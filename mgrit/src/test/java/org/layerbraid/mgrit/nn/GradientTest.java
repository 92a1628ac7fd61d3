package org.layerbraid.mgrit.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.layerbraid.vecmath.Activation;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;
import java.util.stream.Stream;

/**
 * The gradient of the whole objective (mean loss + every regularisation term, γ_ddt included) against
 * central finite differences, parameter by parameter, in float64 on a random network.
 */
class GradientTest {
    static Stream<Arguments> networks() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (Activation act : Activation.values()) {
            for (NetworkConfig.Opening opening : NetworkConfig.Opening.values()) {
                if (opening.convolutional()) {
                    continue; // dense layers only: ConvolutionalNetworkTest has the others
                }
                for (boolean scalarBias : new boolean[] {false, true}) {
                    b.add(Arguments.of(act, opening, scalarBias));
                }
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0} {1} scalarBias={2}")
    @MethodSource("networks")
    void gradientMatchesCentralDifferences(Activation act, NetworkConfig.Opening opening, boolean scalarBias) {
        NetworkConfig config = new NetworkConfig(3, 3, 4, 3, 2.0, act, opening, scalarBias, 1e-2, 3e-2, 2e-2,
                Precision.F64);
        Kernels kernels = Kernels.defaults();
        try (ResNet model = new ResNet(config); TensorArena arena = new TensorArena("test")) {
            new Initialization(Initialization.Kind.NORMAL, 0.8, 0.8, 0.8).apply(model.parameters(), 7);
            Batch batch = randomBatch(arena, config, 13, 11);
            Parameters gradient = model.newVector(arena);
            Regularization regularization = new Regularization(kernels, config, arena);
            try (SerialEvaluator evaluator = new SerialEvaluator(kernels, config, batch)) {
                Parameters p = model.parameters();
                evaluator.lossAndGradient(p, gradient);
                regularization.addGradient(p, gradient);
                Matrix flat = p.flat();
                double step = 1e-6;
                double worst = 0;
                for (int i = 0; i < flat.cols(); i++) {
                    double saved = flat.get(0, i);
                    flat.set(0, i, saved + step);
                    double plus = evaluator.loss(p) + regularization.value(p);
                    flat.set(0, i, saved - step);
                    double minus = evaluator.loss(p) + regularization.value(p);
                    flat.set(0, i, saved);
                    double fd = (plus - minus) / (2 * step);
                    double g = gradient.flat().get(0, i);
                    worst = Math.max(worst, Math.abs(fd - g) / (1e-4 + Math.abs(fd)));
                    assertEquals(fd, g, 1e-6 * (1e-2 + Math.abs(fd)), "parameter " + i + " of " + flat.cols());
                }
                assertTrue(worst < 1e-4, "worst relative error " + worst);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("smoothTermsOnly")
    void eachRegularisationTermHasItsOwnGradient(String term, double tik, double ddt, double cls) {
        NetworkConfig config = new NetworkConfig(2, 2, 3, 4, 1.0, Activation.TANH, NetworkConfig.Opening.DENSE, false,
                tik, ddt, cls, Precision.F64);
        Kernels kernels = Kernels.defaults();
        try (ResNet model = new ResNet(config); TensorArena arena = new TensorArena("test")) {
            new Initialization(Initialization.Kind.NORMAL, 1, 1, 1).apply(model.parameters(), 3);
            Regularization r = new Regularization(kernels, config, arena);
            Parameters p = model.parameters();
            Parameters gradient = model.newVector(arena);
            r.addGradient(p, gradient);
            assertTrue(r.value(p) > 0, term + " must contribute");
            double step = 1e-5;
            for (int i = 0; i < p.flat().cols(); i++) {
                double saved = p.flat().get(0, i);
                p.flat().set(0, i, saved + step);
                double plus = r.value(p);
                p.flat().set(0, i, saved - step);
                double minus = r.value(p);
                p.flat().set(0, i, saved);
                assertEquals((plus - minus) / (2 * step), gradient.flat().get(0, i), 1e-7, term + " parameter " + i);
            }
        }
    }

    static Stream<Arguments> smoothTermsOnly() {
        return Stream.of(Arguments.of("tikhonov", 0.5, 0, 0), Arguments.of("smoothness across layers", 0, 0.5, 0),
                Arguments.of("classifier", 0, 0, 0.5));
    }

    static Batch randomBatch(TensorArena arena, NetworkConfig config, int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Matrix inputs = arena.matrix(config.precision(), config.features(), n);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = random.nextInt(config.classes());
            for (int f = 0; f < config.features(); f++) {
                inputs.set(f, i, 2 * random.nextDouble() - 1);
            }
        }
        return new Batch(inputs, labels);
    }
}
