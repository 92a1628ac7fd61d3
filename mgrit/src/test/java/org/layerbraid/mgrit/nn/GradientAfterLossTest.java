package org.layerbraid.mgrit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.layerbraid.vecmath.Activation;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/**
 * The gradient after a loss evaluation (a line search's accepted point) runs the backward pass alone, and gives the
 * bits of a full evaluation: for dense and convolutional layers, every activation, both precisions, 1 and 3 threads,
 * and a batch that ends in a partial tile.
 */
class GradientAfterLossTest {
    private final Kernels kernels = Kernels.defaults();

    @Test
    void theBackwardPassAloneGivesTheFullEvaluationsBits() {
        for (Precision precision : Precision.values()) {
            for (Activation act : Activation.values()) {
                check(new NetworkConfig(2, 3, 8, 7, 1.0, act, NetworkConfig.Opening.DENSE, false, 1e-3, 1e-3, 1e-3,
                        precision));
            }
        }
        check(new NetworkConfig(36, 3, 2, 4, 1.5, Activation.TANH, NetworkConfig.Opening.CONV, false, 1e-3, 1e-3,
                1e-3, Precision.F64, new NetworkConfig.Convolution(3, 6, 6)));
    }

    private void check(NetworkConfig config) {
        for (int threads : new int[] {1, 3}) {
            try (ResNet model = new ResNet(config); TensorArena arena = new TensorArena("test")) {
                new Initialization(Initialization.Kind.NORMAL, 0.5, 0.5, 0.5).apply(model.parameters(), 5);
                Batch batch = GradientTest.randomBatch(arena, config, 1037, 6);
                Parameters full = model.newVector(arena);
                Parameters after = model.newVector(arena);
                try (SerialEvaluator e = new SerialEvaluator(kernels, config, batch, threads)) {
                    double fullLoss = e.lossAndGradient(model.parameters(), full);
                    int fullCorrect = e.correct();
                    // Moved elsewhere first, so that the states left over would give a wrong gradient.
                    e.lossAndGradient(model.newVector(arena), model.newVector(arena));
                    double valueLoss = e.loss(model.parameters());
                    double afterLoss = e.lossAndGradientAfterLoss(model.parameters(), after);
                    String what = config.layerDescription() + " " + config.activation() + " " + config.precision()
                            + " on " + threads + " threads";
                    assertEquals(Double.doubleToRawLongBits(fullLoss), Double.doubleToRawLongBits(valueLoss), what);
                    assertEquals(Double.doubleToRawLongBits(fullLoss), Double.doubleToRawLongBits(afterLoss), what);
                    assertEquals(fullCorrect, e.correct(), what);
                    assertArrayEquals(full.flat().toArray(), after.flat().toArray(), what);
                }
            }
        }
    }

    @Test
    void withoutALossEvaluationJustBeforeItRefuses() {
        NetworkConfig config = new NetworkConfig(2, 3, 8, 3, 1.0, Activation.SMOOTH_RELU, NetworkConfig.Opening.DENSE,
                false, 1e-3, 1e-3, 1e-3, Precision.F64);
        try (ResNet model = new ResNet(config); TensorArena arena = new TensorArena("test");
                SerialEvaluator e = new SerialEvaluator(kernels, config, GradientTest.randomBatch(arena, config, 40, 1))) {
            Parameters g = model.newVector(arena);
            assertThrows(IllegalStateException.class, () -> e.lossAndGradientAfterLoss(model.parameters(), g));
            e.loss(model.parameters());
            e.lossAndGradient(model.parameters(), g);
            assertThrows(IllegalStateException.class, () -> e.lossAndGradientAfterLoss(model.parameters(), g));
        }
    }
}
