package org.layerbraid.mgrit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.layerbraid.vecmath.Activation;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Precision;

/** Nested iteration's weight prolongation: exact for layer-constant weights, piecewise constant in time otherwise. */
class LayerInterpolationTest {
    private static final Kernels KERNELS = Kernels.defaults();

    private static NetworkConfig config(int layers, int width) {
        return new NetworkConfig(2, 5, width, layers, 1.0, Activation.TANH, NetworkConfig.Opening.DENSE, true, 0, 0,
                0, Precision.F64);
    }

    @Test
    void layerConstantWeightsStayExactlyConstant() {
        try (ResNet coarse = new ResNet(config(4, 3)); ResNet fine = new ResNet(config(16, 3))) {
            new Initialization(Initialization.Kind.NORMAL, 1, 1, 1).apply(coarse.parameters(), 3);
            for (int n = 1; n < 4; n++) {
                KERNELS.copy(coarse.parameters().layer(0), coarse.parameters().layer(n));
            }
            LayerInterpolation.interpolate(KERNELS, coarse.parameters(), fine.parameters());
            double[] layer = coarse.parameters().layer(0).toArray();
            for (int n = 0; n < 16; n++) {
                assertArrayEquals(layer, fine.parameters().layer(n).toArray(), "layer " + n);
            }
            assertArrayEquals(coarse.parameters().openingWeights().toArray(),
                    fine.parameters().openingWeights().toArray());
            assertArrayEquals(coarse.parameters().classifierWeights().toArray(),
                    fine.parameters().classifierWeights().toArray());
            assertArrayEquals(coarse.parameters().classifierBias().toArray(),
                    fine.parameters().classifierBias().toArray());
        }
    }

    @Test
    void eachFineLayerTakesTheCoarseLayerWhoseStepContainsIt() {
        try (ResNet coarse = new ResNet(config(3, 2)); ResNet fine = new ResNet(config(7, 2))) {
            new Initialization(Initialization.Kind.NORMAL, 1, 1, 1).apply(coarse.parameters(), 5);
            LayerInterpolation.interpolate(KERNELS, coarse.parameters(), fine.parameters());
            int[] expected = {0, 0, 0, 1, 1, 2, 2}; // ⌊n·3/7⌋: fine layer n starts at time n/7 in coarse step ⌊3n/7⌋
            for (int n = 0; n < 7; n++) {
                assertArrayEquals(coarse.parameters().layer(expected[n]).toArray(),
                        fine.parameters().layer(n).toArray(), "layer " + n);
            }
        }
    }

    @Test
    void networksThatDifferInMoreThanDepthAreRefused() {
        try (ResNet coarse = new ResNet(config(4, 3)); ResNet wider = new ResNet(config(8, 4));
                ResNet shallower = new ResNet(config(2, 3))) {
            String m = assertThrows(IllegalArgumentException.class,
                    () -> LayerInterpolation.interpolate(KERNELS, coarse.parameters(), wider.parameters()))
                    .getMessage();
            assertTrue(m.contains("only the number of layers may differ"), m);
            m = assertThrows(IllegalArgumentException.class,
                    () -> LayerInterpolation.interpolate(KERNELS, coarse.parameters(), shallower.parameters()))
                    .getMessage();
            assertTrue(m.contains("to fewer"), m);
        }
    }
}
