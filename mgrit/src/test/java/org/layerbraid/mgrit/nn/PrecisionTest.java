package org.layerbraid.mgrit.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.layerbraid.vecmath.Activation;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/** A float32 network computes what the float64 one does, to float32 accuracy. */
class PrecisionTest {
    @Test
    void float32MatchesFloat64() {
        Kernels kernels = Kernels.defaults();
        NetworkConfig c64 = new NetworkConfig(3, 4, 8, 16, 2.0, Activation.TANH, NetworkConfig.Opening.DENSE, false,
                1e-3, 1e-3, 1e-3, Precision.F64);
        NetworkConfig c32 = new NetworkConfig(3, 4, 8, 16, 2.0, Activation.TANH, NetworkConfig.Opening.DENSE, false,
                1e-3, 1e-3, 1e-3, Precision.F32);
        try (ResNet m64 = new ResNet(c64); ResNet m32 = new ResNet(c32); TensorArena arena = new TensorArena("t")) {
            Initialization init = new Initialization(Initialization.Kind.NORMAL, 0.5, 0.5, 0.5);
            init.apply(m64.parameters(), 5);
            init.apply(m32.parameters(), 5);
            Batch b64 = GradientTest.randomBatch(arena, c64, 100, 9);
            Batch b32 = new Batch(arena.matrix(Precision.F32, 3, 100), b64.labels());
            b32.inputs().copyFrom(b64.inputs().toArray());
            Parameters g64 = m64.newVector(arena);
            Parameters g32 = m32.newVector(arena);
            try (SerialEvaluator e64 = new SerialEvaluator(kernels, c64, b64);
                    SerialEvaluator e32 = new SerialEvaluator(kernels, c32, b32)) {
                double l64 = e64.lossAndGradient(m64.parameters(), g64);
                double l32 = e32.lossAndGradient(m32.parameters(), g32);
                assertEquals(l64, l32, 1e-5 * Math.abs(l64), "loss");
                Matrix a = g64.flat();
                Matrix b = g32.flat();
                double scale = kernels.normMax(a);
                assertTrue(scale > 0);
                for (int i = 0; i < a.cols(); i++) {
                    assertEquals(a.get(0, i), b.get(0, i), 1e-4 * scale, "gradient element " + i);
                }
                assertEquals(e64.correct(), e32.correct(), 2, "predictions agree but for near-ties");
            }
        }
    }
}
