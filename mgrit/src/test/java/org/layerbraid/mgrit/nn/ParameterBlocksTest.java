package org.layerbraid.mgrit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.layerbraid.vecmath.Activation;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/**
 * The flat parameter vector, block by block: where the layout puts each block (offsets counted by hand), the
 * initialisation of every block, and the prolongation of a shallow network onto a deeper one.
 */
class ParameterBlocksTest {
    private static NetworkConfig config(NetworkConfig.Opening opening, boolean scalarBias, int layers) {
        return new NetworkConfig(2, 3, 4, layers, 1.0, Activation.TANH, opening, scalarBias, 0, 0, 0, Precision.F64);
    }

    @Test
    void blocksSitWhereTheLayoutSays() {
        // Dense opening 4×2 + bias 4 = 12, then 3 layers of 4×4 + 4 = 20 each, then the classifier 3×4 + 3.
        ParameterLayout dense = new ParameterLayout(config(NetworkConfig.Opening.DENSE, false, 3));
        assertEquals(12 + 60 + 15, dense.size());
        assertEquals(20, dense.layerSize());
        assertEquals(12 + 20, dense.layerOffset(1));
        // Zero padding has no opening block; a scalar bias makes each layer 4×4 + 1.
        ParameterLayout padded = new ParameterLayout(config(NetworkConfig.Opening.ZERO_PAD, true, 3));
        assertEquals(51 + 15, padded.size());
        assertEquals(17, padded.layerSize());
        assertEquals(34, padded.layerOffset(2));
        assertEquals(config(NetworkConfig.Opening.ZERO_PAD, true, 3), padded.config());
        try (TensorArena arena = new TensorArena("test")) {
            Matrix flat = arena.vector(Precision.F64, dense.size());
            for (int i = 0; i < flat.cols(); i++) {
                flat.set(0, i, i);
            }
            Parameters p = dense.views(flat);
            assertEquals(0, p.openingWeights().get(0, 0));
            assertEquals(7, p.openingWeights().get(3, 1));
            assertEquals(8, p.openingBias().get(0, 0));
            assertEquals(12 + 20 + 5, p.weights(1).get(1, 1));
            assertEquals(12 + 20 + 16 + 3, p.bias(1).get(3, 0));
            assertEquals(12 + 40, p.layer(2).get(0, 0));
            assertEquals(20, p.layer(2).cols());
            assertEquals(72 + 4 * 2 + 3, p.classifierWeights().get(2, 3));
            assertEquals(84 + 2, p.classifierBias().get(2, 0));
            assertEquals(3, p.layers());
            Matrix paddedFlat = arena.vector(Precision.F64, padded.size());
            Parameters q = padded.views(paddedFlat);
            assertNull(q.openingWeights());
            assertNull(q.openingBias());
            assertEquals(1, q.bias(0).size());
            String message = assertThrows(IllegalArgumentException.class,
                    () -> dense.views(arena.vector(Precision.F64, dense.size() + 1))).getMessage();
            assertTrue(message.startsWith("a parameter vector of this network is 1×87"), message);
            assertThrows(IllegalArgumentException.class, () -> dense.views(arena.matrix(Precision.F64, 87, 1)));
        }
    }

    @Test
    void initialisationFillsEveryBlockWithItsScale() {
        try (ResNet model = new ResNet(config(NetworkConfig.Opening.DENSE, false, 3))) {
            Parameters p = model.parameters();
            new Initialization(Initialization.Kind.REFERENCE_UNIFORM, 1, 10, 100).apply(p, 3);
            assertWithin(p.openingWeights(), 0, 1);
            assertWithin(p.openingBias(), 0, 1);
            for (int n = 0; n < 3; n++) {
                assertWithin(p.weights(n), 0, 10);
                assertWithin(p.bias(n), 0, 10);
            }
            assertWithin(p.classifierWeights(), 0, 100);
            assertWithin(p.classifierBias(), 0, 100);
            double[] first = p.flat().toArray();
            new Initialization(Initialization.Kind.REFERENCE_UNIFORM, 1, 10, 100).apply(p, 3);
            assertArrayEquals(first, p.flat().toArray(), "the seed decides every value");
            new Initialization(Initialization.Kind.NORMAL, 1, 1, 1).apply(p, 3);
            double negative = 0;
            for (double v : p.flat().toArray()) {
                negative += v < 0 ? 1 : 0;
            }
            assertTrue(negative > 10, "normal draws take both signs");
        }
        assertThrows(IllegalArgumentException.class, () -> new Initialization(null, 1, 1, 1));
        assertThrows(IllegalArgumentException.class,
                () -> new Initialization(Initialization.Kind.NORMAL, 1, Double.NaN, 1));
    }

    private static void assertWithin(Matrix m, double low, double high) {
        for (int r = 0; r < m.rows(); r++) {
            for (int c = 0; c < m.cols(); c++) {
                double v = m.get(r, c);
                assertTrue(v > low && v < high, m.shape() + " (" + r + ", " + c + ") = " + v);
            }
        }
    }

    @Test
    void prolongationRepeatsEachCoarseLayerAndCopiesTheRest() {
        Kernels kernels = Kernels.defaults();
        try (ResNet coarse = new ResNet(config(NetworkConfig.Opening.DENSE, false, 2));
                ResNet fine = new ResNet(config(NetworkConfig.Opening.DENSE, false, 4));
                ResNet same = new ResNet(config(NetworkConfig.Opening.DENSE, false, 2))) {
            new Initialization(Initialization.Kind.NORMAL, 1, 1, 1).apply(coarse.parameters(), 1);
            LayerInterpolation.interpolate(kernels, coarse.parameters(), fine.parameters());
            Parameters c = coarse.parameters();
            Parameters f = fine.parameters();
            for (int n = 0; n < 4; n++) {
                assertArrayEquals(c.layer(n / 2).toArray(), f.layer(n).toArray(), "fine layer " + n);
            }
            assertArrayEquals(c.openingWeights().toArray(), f.openingWeights().toArray());
            assertArrayEquals(c.openingBias().toArray(), f.openingBias().toArray());
            assertArrayEquals(c.classifierWeights().toArray(), f.classifierWeights().toArray());
            assertArrayEquals(c.classifierBias().toArray(), f.classifierBias().toArray());
            LayerInterpolation.interpolate(kernels, c, same.parameters());
            assertArrayEquals(c.flat().toArray(), same.flat().toArray(), "as many layers: a copy");
            assertThrows(IllegalArgumentException.class, () -> LayerInterpolation.interpolate(kernels, f, c));
        }
    }

    @Test
    void prolongationRefusesNetworksThatDifferInMoreThanDepth() {
        Kernels kernels = Kernels.defaults();
        NetworkConfig base = config(NetworkConfig.Opening.DENSE, false, 2);
        NetworkConfig[] others = {
            config(NetworkConfig.Opening.ZERO_PAD, false, 4),
            config(NetworkConfig.Opening.DENSE, true, 4),
            new NetworkConfig(3, 3, 4, 4, 1.0, Activation.TANH, NetworkConfig.Opening.DENSE, false, 0, 0, 0,
                    Precision.F64),
            new NetworkConfig(2, 4, 4, 4, 1.0, Activation.TANH, NetworkConfig.Opening.DENSE, false, 0, 0, 0,
                    Precision.F64),
            new NetworkConfig(2, 3, 4, 4, 1.0, Activation.TANH, NetworkConfig.Opening.DENSE, false, 0, 0, 0,
                    Precision.F32)};
        String[] what = {"opening weights", "layer blocks", "opening weights", "classifier weights", "opening weights"};
        try (ResNet coarse = new ResNet(base)) {
            for (int i = 0; i < others.length; i++) {
                try (ResNet other = new ResNet(others[i])) {
                    String message = assertThrows(IllegalArgumentException.class,
                            () -> LayerInterpolation.interpolate(kernels, coarse.parameters(), other.parameters()))
                            .getMessage();
                    assertTrue(message.startsWith("the networks differ in their " + what[i]), message);
                }
            }
            try (ResNet padded = new ResNet(config(NetworkConfig.Opening.ZERO_PAD, false, 2))) {
                String message = assertThrows(IllegalArgumentException.class,
                        () -> LayerInterpolation.interpolate(kernels, padded.parameters(), coarse.parameters()))
                        .getMessage();
                assertTrue(message.contains("none and f64[4×2]"), message);
            }
        }
    }
}
