package org.layerbraid.mgrit.nn;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.layerbraid.vecmath.Activation;
import org.layerbraid.vecmath.Precision;

/** Every check of {@link NetworkConfig} at its boundary, and what the configuration derives. */
class NetworkConfigTest {
    private static NetworkConfig make(int features, int classes, int width, int layers, double t, double tik,
            double ddt, double cls, NetworkConfig.Opening opening) {
        return new NetworkConfig(features, classes, width, layers, t, Activation.RELU, opening, false, tik, ddt, cls,
                Precision.F64);
    }

    private static void assertBad(org.junit.jupiter.api.function.Executable make, String expected) {
        String message = assertThrows(IllegalArgumentException.class, make).getMessage();
        assertTrue(message.contains(expected), message);
    }

    @Test
    void everyFieldIsChecked() {
        NetworkConfig.Opening dense = NetworkConfig.Opening.DENSE;
        assertBad(() -> make(0, 2, 4, 3, 1, 0, 0, 0, dense), "features must be at least 1, got 0");
        assertBad(() -> make(2, 2, 0, 3, 1, 0, 0, 0, dense), "width must be at least 1, got 0");
        assertBad(() -> make(2, 2, 4, 0, 1, 0, 0, 0, dense), "layers must be at least 1, got 0");
        assertBad(() -> make(2, 1, 4, 3, 1, 0, 0, 0, dense), "classes must be at least 2, got 1");
        assertBad(() -> make(2, 2, 4, 3, 0, 0, 0, 0, dense), "final time T must be positive and finite");
        assertBad(() -> make(2, 2, 4, 3, Double.POSITIVE_INFINITY, 0, 0, 0, dense), "final time T");
        assertBad(() -> make(2, 2, 4, 3, 1, -1e-300, 0, 0, dense), "gamma_tik must be ≥ 0 and finite");
        assertBad(() -> make(2, 2, 4, 3, 1, 0, Double.POSITIVE_INFINITY, 0, dense), "gamma_ddt must be ≥ 0");
        assertBad(() -> make(2, 2, 4, 3, 1, 0, 0, Double.NaN, dense), "gamma_class must be ≥ 0");
        assertBad(() -> make(5, 2, 4, 3, 1, 0, 0, 0, NetworkConfig.Opening.ZERO_PAD), "features ≤ width, got 5");
        assertBad(() -> new NetworkConfig(2, 2, 4, 3, 1, null, dense, false, 0, 0, 0, Precision.F64),
                "activation, opening and precision must be given");
        assertBad(() -> new NetworkConfig(2, 2, 4, 3, 1, Activation.TANH, null, false, 0, 0, 0, Precision.F64),
                "activation, opening and precision");
        assertBad(() -> new NetworkConfig(2, 2, 4, 3, 1, Activation.TANH, dense, false, 0, 0, 0, null),
                "activation, opening and precision");
        assertDoesNotThrow(() -> make(1, 2, 1, 1, Double.MIN_VALUE, 0, 0, 0, dense));
        assertDoesNotThrow(() -> make(4, 2, 4, 1, 1, 0, 0, 0, NetworkConfig.Opening.ZERO_PAD));
        assertDoesNotThrow(() -> make(5, 2, 4, 1, 1, 0, 0, 0, dense));
    }

    @Test
    void derivedSizes() {
        NetworkConfig c = make(2, 3, 4, 8, 2.0, 0, 0, 0, NetworkConfig.Opening.DENSE);
        assertEquals(0.25, c.h());
        assertEquals(4, c.biasSize());
        assertEquals(1, new NetworkConfig(2, 3, 4, 8, 2.0, Activation.RELU, NetworkConfig.Opening.DENSE, true, 0, 0,
                0, Precision.F64).biasSize());
        NetworkConfig deeper = c.withLayers(16);
        assertEquals(16, deeper.layers());
        assertEquals(0.125, deeper.h());
        assertEquals(c, deeper.withLayers(8));
    }
}
