package org.layerbraid.mgrit.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerbraid.mgrit.data.Standardization;
import org.layerbraid.mgrit.io.SafeTensors;
import org.layerbraid.vecmath.Activation;
import org.layerbraid.vecmath.Precision;

/** Model files: the names of the data they were trained on, and weights that must be finite. */
class ModelFileTest {
    @TempDir
    Path dir;

    private static NetworkConfig config() {
        return new NetworkConfig(2, 3, 4, 3, 1.0, Activation.TANH, NetworkConfig.Opening.DENSE, true, 0, 0, 0,
                Precision.F64);
    }

    @Test
    void namesRoundTripAndOlderFilesHaveNone() throws IOException {
        Path named = dir.resolve("named.safetensors");
        Path older = dir.resolve("older.safetensors");
        try (ResNet model = new ResNet(config())) {
            ModelFile.write(model, named, ModelFile.dataMetadata(Standardization.identity(2), List.of("a", "b", "c"),
                    List.of("x1", "x2")));
            ModelFile.write(model, older, Map.of());
        }
        assertEquals(List.of("a", "b", "c"), ModelFile.classNames(SafeTensors.read(named)));
        assertEquals(List.of("x1", "x2"), ModelFile.featureNames(SafeTensors.read(named)));
        assertEquals(List.of(), ModelFile.classNames(SafeTensors.read(older)));
        ModelFile.read(older).close();
    }

    @Test
    void aNonFiniteWeightIsRefusedNamingTheTensor() throws IOException {
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            Path file = dir.resolve("bad.safetensors");
            try (ResNet model = new ResNet(config())) {
                model.parameters().weights(1).set(2, 3, bad);
                ModelFile.write(model, file, Map.of());
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelFile.read(file));
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("tensor 'layers.1.weight' holds " + bad + " at [2, 3]"),
                    e.getMessage());
        }
    }
}
