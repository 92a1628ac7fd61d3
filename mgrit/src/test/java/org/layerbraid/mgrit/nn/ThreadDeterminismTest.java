package org.layerbraid.mgrit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.layerbraid.vecmath.Activation;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/** Data-parallel evaluation gives bitwise the same loss, gradient and predictions for 1, 2, 3 and 4 threads. */
class ThreadDeterminismTest {
    @Test
    void anyThreadCountGivesTheSameBits() {
        Kernels kernels = Kernels.defaults();
        for (Precision precision : Precision.values()) {
            NetworkConfig config = new NetworkConfig(2, 3, 8, 5, 1.0, Activation.SMOOTH_RELU,
                    NetworkConfig.Opening.DENSE, false, 1e-3, 1e-3, 1e-3, precision);
            try (ResNet model = new ResNet(config); TensorArena arena = new TensorArena("test")) {
                new Initialization(Initialization.Kind.NORMAL, 0.5, 0.5, 0.5).apply(model.parameters(), 2);
                Batch batch = GradientTest.randomBatch(arena, config, 1001, 4);
                double[] reference = null;
                double referenceLoss = 0;
                int[] referencePredictions = null;
                for (int threads = 1; threads <= 4; threads++) {
                    Parameters gradient = model.newVector(arena);
                    try (SerialEvaluator e = new SerialEvaluator(kernels, config, batch, threads)) {
                        double loss = e.lossAndGradient(model.parameters(), gradient);
                        double[] g = gradient.flat().toArray();
                        if (reference == null) {
                            reference = g;
                            referenceLoss = loss;
                            referencePredictions = e.predictions().clone();
                        } else {
                            assertEquals(Double.doubleToRawLongBits(referenceLoss), Double.doubleToRawLongBits(loss),
                                    precision + " loss with " + threads + " threads");
                            assertArrayEquals(reference, g, precision + " gradient with " + threads + " threads");
                            assertArrayEquals(referencePredictions, e.predictions());
                        }
                    }
                }
            }
        }
    }
}
