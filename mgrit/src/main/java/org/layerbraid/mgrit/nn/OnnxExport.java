package org.layerbraid.mgrit.nn;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.layerbraid.mgrit.data.Standardization;
import org.layerbraid.mgrit.io.OnnxModel;
import org.layerbraid.mgrit.io.SafeTensors;
import org.layerbraid.vecmath.Activation;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;

/**
 * A trained network as an ONNX graph that any ONNX runtime can serve: input {@value #INPUT} (batch × raw features),
 * the training data's standardisation {@code (x − mean) / std}, the opening layer, the N residual layers
 * {@code u ← u + h·σ(K u + b)}, the classifier and a softmax, output {@value #OUTPUT} (batch × classes). The element
 * type is the model's precision (float or double). In the graph rows are examples, so each dense layer is a
 * {@code Gemm} with the stored (out × in) weights transposed ({@code transB = 1}); initialisers keep the model file's
 * tensor names. Class and feature names go into the metadata as JSON arrays under {@value #CLASS_NAMES_KEY} and
 * {@value #FEATURE_NAMES_KEY}.
 */
public final class OnnxExport {
    /** Name of the graph's input: raw features, one row per example. */
    public static final String INPUT = "x";
    /** Name of the graph's output: class probabilities, one row per example. */
    public static final String OUTPUT = "probabilities";
    /** Metadata key of the class names, a JSON array indexed by class (absent when the model file has none). */
    public static final String CLASS_NAMES_KEY = "class_names";
    /** Metadata key of the feature names, a JSON array in input order (absent when the model file has none). */
    public static final String FEATURE_NAMES_KEY = "feature_names";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Long> TRANSPOSE_B = Map.of("transB", 1L);

    private final OnnxModel graph;
    private final NetworkConfig config;

    private OnnxExport(NetworkConfig config) {
        this.config = config;
        this.graph = new OnnxModel("layerbraid_resnet", config.precision(), "LayerBraid residual network: "
                + config.features() + " features, " + config.opening().name().toLowerCase(Locale.ROOT)
                + " opening to width " + config.width() + ", " + config.layers() + " " + config.activation().label()
                + " layers (T = " + config.finalTime() + "), " + config.classes() + " classes");
    }

    /** What {@link #write} wrote: the network's configuration and the file's size. */
    public record Exported(NetworkConfig config, long bytes) {
    }

    /**
     * Reads a model file (see {@link ModelFile}) with its standardisation and names and writes its ONNX graph
     * atomically. A missing or broken model fails before anything is written.
     */
    public static Exported write(Path modelFile, Path onnxFile) throws IOException {
        SafeTensors file = SafeTensors.read(modelFile);
        NetworkConfig config = ModelFile.config(file, modelFile);
        try (ResNet model = new ResNet(config)) {
            ModelFile.load(file, model);
            OnnxModel onnx = graph(model, ModelFile.standardization(file, config.features()),
                    ModelFile.classNames(file), ModelFile.featureNames(file));
            return new Exported(config, onnx.write(onnxFile));
        }
    }

    /** The ONNX graph of a network; empty name lists are left out of the metadata. */
    public static OnnxModel graph(ResNet model, Standardization standardization, List<String> classNames,
            List<String> featureNames) {
        NetworkConfig config = model.config();
        if (config.convolutional()) {
            throw new IllegalArgumentException("the ONNX export covers dense residual layers only, this network has "
                    + "convolutional ones (" + config.layerDescription() + ")");
        }
        if (standardization.features() != config.features()) {
            throw new IllegalArgumentException("the standardisation covers " + standardization.features()
                    + " features, the network takes " + config.features());
        }
        OnnxExport export = new OnnxExport(config);
        export.metadata(CLASS_NAMES_KEY, classNames, config.classes());
        export.metadata(FEATURE_NAMES_KEY, featureNames, config.features());
        export.build(model.parameters(), standardization);
        return export.graph;
    }

    private void build(Parameters p, Standardization standardization) {
        graph.input(INPUT, config.features());
        graph.constant("standardization.mean", standardization.means(), config.features());
        graph.constant("standardization.std", standardization.stds(), config.features());
        graph.node("Sub", "centered", INPUT, "standardization.mean");
        graph.node("Div", "standardized", "centered", "standardization.std");
        if (config.activation() == Activation.SMOOTH_RELU) {
            smoothReluConstants();
        }
        String u = opening(p, "standardized");
        graph.constant("h", new double[] {config.h()});
        for (int n = 0; n < config.layers(); n++) {
            String name = "layers." + n;
            String z = dense(name, p.weights(n), p.bias(n), u);
            graph.node("Mul", name + ".step", activation(name, z), "h");
            graph.node("Add", name + ".out", u, name + ".step");
            u = name + ".out";
        }
        graph.node("Softmax", OUTPUT, Map.of("axis", 1L), dense("classifier", p.classifierWeights(),
                p.classifierBias(), u));
        graph.output(OUTPUT, config.classes());
    }

    /** u₀: σ(W₀ y + b₀), or y padded with zero columns up to the width. */
    private String opening(Parameters p, String y) {
        if (config.opening() == NetworkConfig.Opening.DENSE) {
            return activation("opening", dense("opening", p.openingWeights(), p.openingBias(), y));
        }
        if (config.features() == config.width()) {
            return y;
        }
        graph.int64Constant("opening.pads", 0, 0, 0, config.width() - config.features());
        graph.node("Pad", "opening.out", y, "opening.pads");
        return "opening.out";
    }

    /** {@code in · Wᵀ + b} for a block of the model file ({@code name.weight}, {@code name.bias}): its output. */
    private String dense(String name, Matrix weights, Matrix bias, String in) {
        graph.constant(name + ".weight", weights.toArray(), weights.rows(), weights.cols());
        graph.constant(name + ".bias", bias.toArray(), bias.rows());
        graph.node("Gemm", name + ".z", TRANSPOSE_B, in, name + ".weight", name + ".bias");
        return name + ".z";
    }

    /** σ(z) as the kernels define it (ScalarKernelsF64.activate): its output. */
    private String activation(String name, String z) {
        String out = name + ".activation";
        switch (config.activation()) {
            case TANH -> graph.node("Tanh", out, z);
            case RELU -> graph.node("Relu", out, z);
            case SMOOTH_RELU -> {
                // x ≥ η → x, x ≤ −η → 0, else x²/(4η) + x/2 + η/4: the patch where |x| < η, ReLU elsewhere.
                graph.node("Abs", name + ".abs", z);
                graph.node("Less", name + ".inside", name + ".abs", "smoothrelu.eta");
                graph.node("Mul", name + ".square", z, z);
                graph.node("Div", name + ".quadratic", name + ".square", "smoothrelu.4eta");
                graph.node("Div", name + ".half", z, "smoothrelu.2");
                graph.node("Add", name + ".sum", name + ".quadratic", name + ".half");
                graph.node("Add", name + ".patch", name + ".sum", "smoothrelu.eta/4");
                graph.node("Relu", name + ".relu", z);
                graph.node("Where", out, name + ".inside", name + ".patch", name + ".relu");
            }
        }
        return out;
    }

    /** The smooth ReLU's constants, rounded to the model's precision as the kernels round η. */
    private void smoothReluConstants() {
        double eta = config.precision() == Precision.F32
                ? (float) Activation.SMOOTH_RELU_ETA : Activation.SMOOTH_RELU_ETA;
        graph.constant("smoothrelu.eta", new double[] {eta});
        graph.constant("smoothrelu.4eta", new double[] {4 * eta});
        graph.constant("smoothrelu.2", new double[] {2});
        graph.constant("smoothrelu.eta/4", new double[] {eta / 4});
    }

    private void metadata(String key, List<String> names, int expected) {
        if (names.isEmpty()) {
            return;
        }
        if (names.size() != expected) {
            throw new IllegalArgumentException(names.size() + " " + key.replace('_', ' ') + " for a network with "
                    + expected);
        }
        try {
            graph.metadata(key, JSON.writeValueAsString(names));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
