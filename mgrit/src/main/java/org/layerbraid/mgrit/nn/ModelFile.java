package org.layerbraid.mgrit.nn;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.layerbraid.mgrit.io.SafeTensors;

/**
 * A network in the safetensors format, readable by Python's safetensors or numpy: one tensor per block
 * ({@code opening.weight}, {@code opening.bias}, {@code layers.N.weight}, {@code layers.N.bias},
 * {@code classifier.weight}, {@code classifier.bias}; biases 1-D) and the configuration as JSON in the
 * metadata under {@value #CONFIG_KEY}.
 */
public final class ModelFile {
    /** Metadata key of the network configuration. */
    public static final String CONFIG_KEY = "layerbraid.network";
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    private ModelFile() {
    }

    /** A writer holding the model's tensors and configuration; add more (optimiser state, metadata) before writing. */
    public static SafeTensors.Writer tensors(ResNet model) {
        Parameters p = model.parameters();
        SafeTensors.Writer w = SafeTensors.writer();
        try {
            w.metadata(CONFIG_KEY, JSON.writeValueAsString(model.config()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the network configuration as JSON", e);
        }
        if (p.openingWeights() != null) {
            w.add("opening.weight", p.openingWeights());
            w.add("opening.bias", p.openingBias(), p.openingBias().size());
        }
        for (int n = 0; n < p.layers(); n++) {
            w.add("layers." + n + ".weight", p.weights(n));
            w.add("layers." + n + ".bias", p.bias(n), p.bias(n).size());
        }
        w.add("classifier.weight", p.classifierWeights());
        w.add("classifier.bias", p.classifierBias(), p.classifierBias().size());
        return w;
    }

    /** Writes the model (atomically) with extra metadata. */
    public static void write(ResNet model, Path file, Map<String, String> metadata) throws IOException {
        SafeTensors.Writer w = tensors(model);
        metadata.forEach(w::metadata);
        w.write(file);
    }

    /** The configuration stored in a model or checkpoint file. */
    public static NetworkConfig config(SafeTensors file, Path path) {
        String json = file.metadata().get(CONFIG_KEY);
        if (json == null) {
            throw new IllegalArgumentException(path + " is not a LayerBraid model: its metadata has no " + CONFIG_KEY);
        }
        try {
            return JSON.readValue(json, NetworkConfig.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(path + ": the network configuration in the metadata is invalid: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** Reads a model: its configuration, then every block (shapes and types checked). */
    public static ResNet read(Path path) throws IOException {
        SafeTensors file = SafeTensors.read(path);
        ResNet model = new ResNet(config(file, path));
        try {
            load(file, model);
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** Copies the blocks of a model or checkpoint file into a model of the same configuration. */
    public static void load(SafeTensors file, ResNet model) {
        Parameters p = model.parameters();
        if (p.openingWeights() != null) {
            file.copyInto("opening.weight", p.openingWeights());
            file.copyInto("opening.bias", p.openingBias());
        }
        for (int n = 0; n < p.layers(); n++) {
            file.copyInto("layers." + n + ".weight", p.weights(n));
            file.copyInto("layers." + n + ".bias", p.bias(n));
        }
        file.copyInto("classifier.weight", p.classifierWeights());
        file.copyInto("classifier.bias", p.classifierBias());
    }
}
