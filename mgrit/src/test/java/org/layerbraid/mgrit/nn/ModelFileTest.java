package org.layerbraid.mgrit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;

/** A model file holds every block, the configuration and the data description, and refuses what cannot predict. */
class ModelFileTest {
    @TempDir
    Path dir;

    private static NetworkConfig config(NetworkConfig.Opening opening, boolean scalarBias) {
        if (opening.convolutional()) {
            return new NetworkConfig(36, 3, 2, 3, 1.0, Activation.TANH, opening, false, 0, 0, 0, Precision.F64,
                    new NetworkConfig.Convolution(3, 6, 6));
        }
        return new NetworkConfig(2, 3, 4, 3, 1.0, Activation.TANH, opening, scalarBias, 0, 0, 0, Precision.F64);
    }

    @Test
    void everyBlockRoundTripsWithTheConfiguration() throws IOException {
        for (NetworkConfig.Opening opening : NetworkConfig.Opening.values()) {
            NetworkConfig config = config(opening, opening == NetworkConfig.Opening.DENSE);
            Path file = dir.resolve(opening + ".safetensors");
            try (ResNet model = new ResNet(config)) {
                new Initialization(Initialization.Kind.NORMAL, 1, 1, 1).apply(model.parameters(), 5);
                ModelFile.write(model, file, Map.of("note", "kept"));
                try (ResNet back = ModelFile.read(file)) {
                    assertEquals(config, back.config());
                    assertArrayEquals(model.flat().toArray(), back.flat().toArray(), opening.toString());
                }
                SafeTensors t = SafeTensors.read(file);
                assertEquals("kept", t.metadata().get("note"));
                assertEquals(config, ModelFile.config(t, file));
                assertEquals(opening.learned(), t.names().contains("opening.weight"));
                assertArrayEquals(new long[] {config.biasSize()}, t.shape("layers.2.bias"));
            }
        }
    }

    @Test
    void filesWrittenBeforeConvolutionalLayersLoadAsDense() throws IOException {
        NetworkConfig config = config(NetworkConfig.Opening.DENSE, true);
        try (ResNet model = new ResNet(config)) {
            new Initialization(Initialization.Kind.NORMAL, 1, 1, 1).apply(model.parameters(), 5);
            SafeTensors.Writer w = ModelFile.tensors(model);
            // the configuration exactly as the last version without convolutions wrote it
            w.metadata(ModelFile.CONFIG_KEY, "{\"features\":2,\"classes\":3,\"width\":4,\"layers\":3,"
                    + "\"finalTime\":1.0,\"activation\":\"TANH\",\"opening\":\"DENSE\",\"scalarBias\":true,"
                    + "\"gammaTik\":0.0,\"gammaDdt\":0.0,\"gammaClass\":0.0,\"precision\":\"F64\"}");
            Path old = dir.resolve("before-convolutions.safetensors");
            w.write(old);
            try (ResNet back = ModelFile.read(old)) {
                assertEquals(config, back.config());
                assertTrue(!back.config().convolutional());
                assertArrayEquals(model.flat().toArray(), back.flat().toArray());
            }
        }
    }

    @Test
    void theDataDescriptionRoundTripsAndOlderFilesStillLoad() throws IOException {
        NetworkConfig config = config(NetworkConfig.Opening.DENSE, false);
        Standardization s = new Standardization(new double[] {1, 2}, new double[] {3, 4});
        Map<String, String> described = ModelFile.dataMetadata(s, List.of("a", "b", "c"), List.of("x", "y"));
        Map<String, String> bare = ModelFile.dataMetadata(s, List.of(), List.of());
        assertEquals(Map.of(ModelFile.STANDARDIZATION_KEY, described.get(ModelFile.STANDARDIZATION_KEY)), bare);
        try (ResNet model = new ResNet(config)) {
            Path full = dir.resolve("full.safetensors");
            ModelFile.write(model, full, described);
            SafeTensors t = SafeTensors.read(full);
            assertEquals(s, ModelFile.standardization(t, 2));
            assertEquals(List.of("a", "b", "c"), ModelFile.classNames(t));
            assertEquals(List.of("x", "y"), ModelFile.featureNames(t));
            String wrongWidth = assertThrows(IllegalArgumentException.class, () -> ModelFile.standardization(t, 3))
                    .getMessage();
            assertTrue(wrongWidth.endsWith("the standardisation covers 2 features, the network takes 3"), wrongWidth);

            Path old = dir.resolve("old.safetensors");
            ModelFile.write(model, old, Map.of());
            SafeTensors o = SafeTensors.read(old);
            assertTrue(ModelFile.standardization(o, 2).isIdentity());
            assertEquals(List.of(), ModelFile.classNames(o));
            assertEquals(List.of(), ModelFile.featureNames(o));

            Path broken = dir.resolve("broken.safetensors");
            ModelFile.write(model, broken, Map.of(ModelFile.CLASS_NAMES_KEY, "{\"not\": \"a list\"}",
                    ModelFile.STANDARDIZATION_KEY, "[1, 2]"));
            SafeTensors b = SafeTensors.read(broken);
            assertThrows(IllegalArgumentException.class, () -> ModelFile.classNames(b));
            assertThrows(IllegalArgumentException.class, () -> ModelFile.standardization(b, 2));
        }
    }

    @Test
    void nonFiniteWeightsAreRefusedNamingTheTensorAndPlace() throws IOException {
        NetworkConfig config = config(NetworkConfig.Opening.DENSE, false);
        String[] blocks = {"opening.weight", "opening.bias", "layers.1.weight", "layers.2.bias", "classifier.weight",
            "classifier.bias"};
        for (String block : blocks) {
            try (ResNet model = new ResNet(config)) {
                Parameters p = model.parameters();
                Matrix target = switch (block) {
                    case "opening.weight" -> p.openingWeights();
                    case "opening.bias" -> p.openingBias();
                    case "layers.1.weight" -> p.weights(1);
                    case "layers.2.bias" -> p.bias(2);
                    case "classifier.weight" -> p.classifierWeights();
                    default -> p.classifierBias();
                };
                target.set(target.rows() - 1, target.cols() - 1, Double.NaN);
                Path file = dir.resolve(block + ".safetensors");
                ModelFile.write(model, file, Map.of());
                String message = assertThrows(IllegalArgumentException.class, () -> ModelFile.read(file)).getMessage();
                assertTrue(message.endsWith("tensor '" + block + "' holds NaN at [" + (target.rows() - 1) + ", "
                        + (target.cols() - 1) + "]: a model with non-finite weights cannot predict"), message);
            }
        }
    }

    @Test
    void aFileWithoutAConfigurationIsNotAModel() throws IOException {
        Path file = dir.resolve("plain.safetensors");
        SafeTensors.writer().add("x", new double[] {1}).write(file);
        String message = assertThrows(IllegalArgumentException.class, () -> ModelFile.read(file)).getMessage();
        assertEquals(file + " is not a LayerBraid model: its metadata has no " + ModelFile.CONFIG_KEY, message);
    }
}
