package org.layerbraid.mgrit.nn;

import org.layerbraid.vecmath.Activation;
import org.layerbraid.vecmath.Precision;

/**
 * The shape and regularisation of a residual network (BRIEF §1): an opening layer from {@code features}
 * inputs to the state, {@code layers} residual layers {@code u ← u + h·σ(K u + b)} with {@code h = finalTime /
 * layers}, and a linear classifier to {@code classes} outputs with softmax cross-entropy.
 * <p>
 * Residual layers are dense ({@code convolution} null: the state is {@code width} values, K is width × width) or
 * convolutional ({@code width} channels of the image's size, K a width → width k × k same-padding convolution, the
 * state {@code width · height · imageWidth} values, channel-major). Either way the engine sees a state of
 * {@link #stateSize()} rows.
 *
 * @param width           neurons of a dense state, or channels of a convolutional one
 * @param opening         how inputs become the first state (see {@link Opening})
 * @param scalarBias      one bias per layer (the reference code's choice) instead of one per channel; applies
 *                        to the dense opening layer too; convolutional layers have one per channel
 * @param gammaTik        Tikhonov weight on the opening and residual layers' parameters
 * @param gammaDdt        weight of the smoothness term ‖(θ_n − θ_{n−1}) / h‖² across residual layers
 * @param gammaClass      Tikhonov weight on the classifier
 * @param convolution     the convolutional layers' kernel and image size, or null for dense layers
 */
public record NetworkConfig(int features, int classes, int width, int layers, double finalTime,
        Activation activation, Opening opening, boolean scalarBias, double gammaTik, double gammaDdt,
        double gammaClass, Precision precision, Convolution convolution) {

    /** How inputs enter the network. */
    public enum Opening {
        /** u₀ = σ(W y + b). */
        DENSE,
        /** u₀ = (y, 0, …, 0): needs features ≤ state size, has no parameters. */
        ZERO_PAD,
        /** Convolutional layers: the (one-channel) image copied into every channel, as the reference code does. */
        REPLICATE,
        /** Convolutional layers: u₀ = σ(conv(W, y) + b), a learned k × k convolution from the image's channels. */
        CONV;

        /** Whether this opening needs convolutional layers. */
        public boolean convolutional() {
            return this == REPLICATE || this == CONV;
        }

        /** Whether this opening has parameters. */
        public boolean learned() {
            return this == DENSE || this == CONV;
        }
    }

    /**
     * Convolutional residual layers: odd {@code kernel} × {@code kernel} kernels over images of {@code height} ×
     * {@code imageWidth} pixels with same padding.
     */
    public record Convolution(int kernel, int height, int imageWidth) {
        public Convolution {
            positive("image height", height);
            positive("image width", imageWidth);
            if (kernel < 1 || kernel % 2 == 0) {
                throw new IllegalArgumentException("the kernel size must be odd and at least 1, got " + kernel);
            }
            if (kernel > height || kernel > imageWidth) {
                throw new IllegalArgumentException("a " + kernel + " × " + kernel + " kernel is larger than the "
                        + height + " × " + imageWidth + " image");
            }
        }

        /** Pixels of one channel. */
        public int pixels() {
            return height * imageWidth;
        }
    }

    /** A network with dense residual layers. */
    public NetworkConfig(int features, int classes, int width, int layers, double finalTime, Activation activation,
            Opening opening, boolean scalarBias, double gammaTik, double gammaDdt, double gammaClass,
            Precision precision) {
        this(features, classes, width, layers, finalTime, activation, opening, scalarBias, gammaTik, gammaDdt,
                gammaClass, precision, null);
    }

    public NetworkConfig {
        positive("features", features);
        positive("width", width);
        positive("layers", layers);
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be at least 2, got " + classes);
        }
        if (!(finalTime > 0) || Double.isInfinite(finalTime)) {
            throw new IllegalArgumentException("final time T must be positive and finite, got " + finalTime);
        }
        nonNegative("gamma_tik", gammaTik);
        nonNegative("gamma_ddt", gammaDdt);
        nonNegative("gamma_class", gammaClass);
        if (activation == null || opening == null || precision == null) {
            throw new IllegalArgumentException("activation, opening and precision must be given");
        }
        long state = convolution == null ? width : (long) width * convolution.pixels();
        if (state > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("a state of " + state + " values is too large");
        }
        if (opening == Opening.ZERO_PAD && features > state) {
            throw new IllegalArgumentException("zero-padding opening needs features ≤ width, got " + features
                    + " features for width " + state + ": use a dense opening layer");
        }
        if (opening == Opening.DENSE && convolution != null) {
            throw new IllegalArgumentException("convolutional layers open with the replicate, conv or zero-padding "
                    + "opening, not a dense one");
        }
        if (scalarBias && convolution != null) {
            throw new IllegalArgumentException("convolutional layers take one bias per channel, not one scalar bias "
                    + "per layer");
        }
        if (opening.convolutional() && convolution == null) {
            throw new IllegalArgumentException("the " + opening.name().toLowerCase(java.util.Locale.ROOT)
                    + " opening needs convolutional layers");
        }
        if (convolution != null && features % convolution.pixels() != 0) {
            throw new IllegalArgumentException(features + " input features are not whole channels of the "
                    + convolution.height() + " × " + convolution.imageWidth() + " image");
        }
        if (opening == Opening.REPLICATE && features != convolution.pixels()) {
            throw new IllegalArgumentException("the replicate opening copies a one-channel image, the inputs have "
                    + features / convolution.pixels() + " channels");
        }
    }

    /** Step size of a residual layer, T / N. */
    public double h() {
        return finalTime / layers;
    }

    /** Elements of one residual layer's bias: 1 or width (one per neuron or channel). */
    public int biasSize() {
        return scalarBias ? 1 : width;
    }

    /** Whether the residual layers are convolutional. */
    public boolean convolutional() {
        return convolution != null;
    }

    /** Values of one example's state: width, or channels × image pixels. */
    public int stateSize() {
        return convolution == null ? width : width * convolution.pixels();
    }

    /** Channels of the input image (convolutional networks only). */
    public int inputChannels() {
        return features / convolution.pixels();
    }

    /** Columns of a residual layer's K: width, or width · k² (the kernel of output channel c is row c). */
    public int layerInputs() {
        return convolution == null ? width : width * convolution.kernel() * convolution.kernel();
    }

    /** Rows of a learned opening's W: the state size (dense), or the channels (conv). */
    public int openingOutputs() {
        return opening == Opening.CONV ? width : stateSize();
    }

    /** Columns of a learned opening's W: the features (dense), or input channels · k² (conv). */
    public int openingInputs() {
        return opening == Opening.CONV ? inputChannels() * convolution.kernel() * convolution.kernel() : features;
    }

    /** The residual layers in a few words: "width 8" or "4 channels, 3 × 3 kernels on 28 × 28 images". */
    public String layerDescription() {
        return convolution == null ? "width " + width
                : width + " channels, " + convolution.kernel() + " × " + convolution.kernel() + " kernels on "
                        + convolution.height() + " × " + convolution.imageWidth() + " images";
    }

    /** The same network with another number of residual layers (for nested iteration). */
    public NetworkConfig withLayers(int newLayers) {
        return new NetworkConfig(features, classes, width, newLayers, finalTime, activation, opening, scalarBias,
                gammaTik, gammaDdt, gammaClass, precision, convolution);
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
    }

    private static void nonNegative(String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be ≥ 0 and finite, got " + value);
        }
    }
}
