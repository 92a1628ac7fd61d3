package org.layerbraid.mgrit.nn;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.layerbraid.mgrit.data.Standardization;
import org.layerbraid.mgrit.io.SafeTensors;
import org.layerbraid.vecmath.Matrix;

/**
 * A network in the safetensors format, readable by Python's safetensors or numpy: one tensor per block
 * ({@code opening.weight}, {@code opening.bias}, {@code layers.N.weight}, {@code layers.N.bias},
 * {@code classifier.weight}, {@code classifier.bias}; biases 1-D) and the configuration as JSON in the
 * metadata under {@value #CONFIG_KEY}. What a caller needs to feed raw inputs and read the outputs sits beside it:
 * the training data's feature standardisation ({@value #STANDARDIZATION_KEY}), the class names
 * ({@value #CLASS_NAMES_KEY}) and the feature names ({@value #FEATURE_NAMES_KEY}), each JSON; files written before
 * the names were stored still load (the names are then empty).
 */
public final class ModelFile {
    /** Metadata key of the network configuration. */
    public static final String CONFIG_KEY = "layerbraid.network";
    /** Metadata key of the feature standardisation, {@code {"means": […], "stds": […]}}. */
    public static final String STANDARDIZATION_KEY = "layerbraid.standardization";
    /** Metadata key of the class names, a JSON array of strings indexed by class id. */
    public static final String CLASS_NAMES_KEY = "layerbraid.class_names";
    /** Metadata key of the feature names, a JSON array of strings in input order. */
    public static final String FEATURE_NAMES_KEY = "layerbraid.feature_names";
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

    /**
     * The metadata entries describing the data a model was trained on: standardisation, class names and feature
     * names (an empty list of names is not stored).
     */
    public static Map<String, String> dataMetadata(Standardization standardization, List<String> classNames,
            List<String> featureNames) {
        Map<String, String> m = new LinkedHashMap<>();
        try {
            // An ordered map: Map.of's order changes from one JVM to the next, and so would the file's bytes.
            Map<String, double[]> transform = new LinkedHashMap<>();
            transform.put("means", standardization.means());
            transform.put("stds", standardization.stds());
            m.put(STANDARDIZATION_KEY, JSON.writeValueAsString(transform));
            if (!classNames.isEmpty()) {
                m.put(CLASS_NAMES_KEY, JSON.writeValueAsString(classNames));
            }
            if (!featureNames.isEmpty()) {
                m.put(FEATURE_NAMES_KEY, JSON.writeValueAsString(featureNames));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the data description as JSON", e);
        }
        return m;
    }

    /** The standardisation stored in a model file, or the identity on {@code features} inputs if it has none. */
    public static Standardization standardization(SafeTensors file, int features) {
        String json = file.metadata().get(STANDARDIZATION_KEY);
        if (json == null) {
            return Standardization.identity(features);
        }
        try {
            Standardization s = JSON.readValue(json, Standardization.class);
            if (s.features() != features) {
                throw new IllegalArgumentException(file.file() + ": the standardisation covers " + s.features()
                        + " features, the network takes " + features);
            }
            return s;
        } catch (IOException e) {
            throw new IllegalArgumentException(file.file() + ": the standardisation in the metadata is invalid: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** The class names stored in a model file; empty for files written before names were stored. */
    public static List<String> classNames(SafeTensors file) {
        return names(file, CLASS_NAMES_KEY);
    }

    /** The feature names stored in a model file; empty for files written before names were stored. */
    public static List<String> featureNames(SafeTensors file) {
        return names(file, FEATURE_NAMES_KEY);
    }

    private static List<String> names(SafeTensors file, String key) {
        String json = file.metadata().get(key);
        if (json == null) {
            return List.of();
        }
        try {
            return List.copyOf(JSON.readValue(json, new TypeReference<List<String>>() { }));
        } catch (IOException | NullPointerException e) {
            throw new IllegalArgumentException(file.file() + ": the metadata entry " + key
                    + " is not a JSON array of strings");
        }
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

    /**
     * Copies the blocks of a model or checkpoint file into a model of the same configuration. A block holding a
     * NaN or an infinity is refused, naming the tensor: such a network predicts garbage.
     */
    public static void load(SafeTensors file, ResNet model) {
        Parameters p = model.parameters();
        if (p.openingWeights() != null) {
            copyFinite(file, "opening.weight", p.openingWeights());
            copyFinite(file, "opening.bias", p.openingBias());
        }
        for (int n = 0; n < p.layers(); n++) {
            copyFinite(file, "layers." + n + ".weight", p.weights(n));
            copyFinite(file, "layers." + n + ".bias", p.bias(n));
        }
        copyFinite(file, "classifier.weight", p.classifierWeights());
        copyFinite(file, "classifier.bias", p.classifierBias());
    }

    private static void copyFinite(SafeTensors file, String name, Matrix target) {
        file.copyInto(name, target);
        for (int r = 0; r < target.rows(); r++) {
            for (int c = 0; c < target.cols(); c++) {
                double v = target.get(r, c);
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException(file.file() + ": tensor '" + name + "' holds " + v + " at ["
                            + r + ", " + c + "]: a model with non-finite weights cannot predict");
                }
            }
        }
    }
}
