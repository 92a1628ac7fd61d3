package org.layerbraid.mgrit.api;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.layerbraid.mgrit.data.Standardization;
import org.layerbraid.mgrit.io.SafeTensors;
import org.layerbraid.mgrit.nn.ModelFile;
import org.layerbraid.mgrit.nn.NetworkConfig;
import org.layerbraid.mgrit.nn.Parameters;
import org.layerbraid.mgrit.nn.ResNet;
import org.layerbraid.vecmath.Matrix;

/**
 * A trained network with everything needed to predict from raw inputs: its configuration, weights, the input
 * standardisation of its training data, and the class and feature names.
 * <p>
 * Immutable and safe to share between threads: the weights are copied onto the heap at load (a network small enough
 * to serve one example in microseconds is a few kilobytes to a few megabytes) and never change. Predictions go through
 * a {@link Predictor}, one per thread.
 */
public final class Model {
    private final NetworkConfig config;
    private final Standardization standardization;
    private final List<String> classNames;
    private final List<String> featureNames;
    private final Weights weights;

    private Model(NetworkConfig config, Standardization standardization, List<String> classNames,
            List<String> featureNames, Weights weights) {
        this.config = config;
        this.standardization = standardization;
        this.classNames = classNames;
        this.featureNames = featureNames;
        this.weights = weights;
    }

    /**
     * Reads a model file written by training ({@code model.safetensors}) or a checkpoint.
     *
     * @throws IOException              when the file cannot be read
     * @throws IllegalArgumentException when it is not a LayerBraid model, is corrupt, or holds a non-finite weight
     *                                  (the message names the file and the tensor)
     */
    public static Model load(Path file) throws IOException {
        SafeTensors tensors = SafeTensors.read(file);
        NetworkConfig config = ModelFile.config(tensors, file);
        try (ResNet network = new ResNet(config)) {
            ModelFile.load(tensors, network);
            return of(network, ModelFile.standardization(tensors, config.features()), ModelFile.classNames(tensors),
                    ModelFile.featureNames(tensors));
        }
    }

    /**
     * A model from a network in memory (its weights are copied: the network may change or close afterwards).
     *
     * @param classNames   one name per class, or empty for "0", "1", …
     * @param featureNames one name per input feature, or empty when the inputs are unnamed
     */
    public static Model of(ResNet network, Standardization standardization, List<String> classNames,
            List<String> featureNames) {
        NetworkConfig c = network.config();
        Objects.requireNonNull(standardization, "standardization");
        if (standardization.features() != c.features()) {
            throw new IllegalArgumentException("the standardisation covers " + standardization.features()
                    + " features, the network takes " + c.features());
        }
        if (!classNames.isEmpty() && classNames.size() != c.classes()) {
            throw new IllegalArgumentException(classNames.size() + " class names for " + c.classes() + " classes");
        }
        if (!featureNames.isEmpty() && featureNames.size() != c.features()) {
            throw new IllegalArgumentException(featureNames.size() + " feature names for " + c.features()
                    + " features");
        }
        return new Model(c, standardization, List.copyOf(classNames), List.copyOf(featureNames),
                Weights.of(network.parameters(), c, standardization));
    }

    /** A predictor for the calling thread: reusable, allocation-free after construction, not thread-safe. */
    public Predictor predictor() {
        return new Predictor(this);
    }

    /** The network's shape, activation, precision and regularisation. */
    public NetworkConfig config() {
        return config;
    }

    /** Raw input features per example. */
    public int features() {
        return config.features();
    }

    /** Output classes. */
    public int classes() {
        return config.classes();
    }

    /** The name of class {@code k}: the training data's label, or its number when the file stores no names. */
    public String className(int k) {
        Objects.checkIndex(k, config.classes());
        return classNames.isEmpty() ? Integer.toString(k) : classNames.get(k);
    }

    /** Class names in class order; empty for model files written before names were stored. */
    public List<String> classNames() {
        return classNames;
    }

    /** Feature names in input order; empty when the training data had none. */
    public List<String> featureNames() {
        return featureNames;
    }

    /** The transform applied to raw inputs before the network: {@code (x − mean) / std} per feature. */
    public Standardization standardization() {
        return standardization;
    }

    Weights weights() {
        return weights;
    }

    @Override
    public String toString() {
        return "Model[" + config.features() + " features → " + config.layers() + " residual layers, "
                + config.layerDescription() + " → " + config.classes() + " classes, " + config.activation().label()
                + ", " + config.precision().label() + "]";
    }

    /**
     * The weights on the heap, in the order the predictor reads them: the opening and classifier matrices row-major,
     * the residual layers' K_n one layer after another (dense: column-major; convolutional: row-major, a row per
     * output channel), biases expanded to one value per row.
     */
    record Weights(double[] means, double[] stds, double[] opening, double[] openingBias, double[] layers,
            double[] layerBias, double[] classifier, double[] classifierBias) {
        static Weights of(Parameters p, NetworkConfig c, Standardization s) {
            int w = c.width();
            int k = w * c.layerInputs();
            double[] layers = new double[c.layers() * k];
            double[] layerBias = new double[c.layers() * w];
            for (int n = 0; n < c.layers(); n++) {
                if (c.convolutional()) {
                    rowMajor(p.weights(n), layers, n * k);
                } else {
                    columnMajor(p.weights(n), layers, n * k);
                }
                expandBias(p.bias(n), layerBias, n * w, w);
            }
            double[] classifier = new double[c.classes() * c.stateSize()];
            rowMajor(p.classifierWeights(), classifier, 0);
            double[] classifierBias = new double[c.classes()];
            expandBias(p.classifierBias(), classifierBias, 0, c.classes());
            double[] opening = null;
            double[] openingBias = null;
            if (c.opening().learned()) {
                opening = new double[c.openingOutputs() * c.openingInputs()];
                rowMajor(p.openingWeights(), opening, 0);
                openingBias = new double[c.openingOutputs()];
                expandBias(p.openingBias(), openingBias, 0, c.openingOutputs());
            }
            return new Weights(s.means().clone(), s.stds().clone(), opening, openingBias, layers, layerBias,
                    classifier, classifierBias);
        }

        private static void rowMajor(Matrix m, double[] target, int offset) {
            for (int r = 0; r < m.rows(); r++) {
                for (int col = 0; col < m.cols(); col++) {
                    target[offset + r * m.cols() + col] = m.get(r, col);
                }
            }
        }

        private static void columnMajor(Matrix m, double[] target, int offset) {
            for (int r = 0; r < m.rows(); r++) {
                for (int col = 0; col < m.cols(); col++) {
                    target[offset + col * m.rows() + r] = m.get(r, col);
                }
            }
        }

        private static void expandBias(Matrix b, double[] target, int offset, int rows) {
            for (int r = 0; r < rows; r++) {
                target[offset + r] = b.size() == 1 ? b.get(0, 0) : b.get(r, 0);
            }
        }
    }
}
