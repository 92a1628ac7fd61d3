package org.layerbraid.mgrit.nn;

import org.layerbraid.vecmath.Activation;
import org.layerbraid.vecmath.Precision;

/**
 * The shape and regularisation of a residual network (BRIEF §1): an opening layer from {@code features}
 * inputs to {@code width} channels, {@code layers} residual layers {@code u ← u + h·σ(K u + b)} with
 * {@code h = finalTime / layers}, and a linear classifier to {@code classes} outputs with softmax
 * cross-entropy.
 *
 * @param opening         dense {@code σ(W y + b)} or zero-padding of the input to the width
 * @param scalarBias      one bias per layer (the reference code's choice) instead of one per channel; applies
 *                        to the dense opening layer too
 * @param gammaTik        Tikhonov weight on the opening and residual layers' parameters
 * @param gammaDdt        weight of the smoothness term ‖(θ_n − θ_{n−1}) / h‖² across residual layers
 * @param gammaClass      Tikhonov weight on the classifier
 */
public record NetworkConfig(int features, int classes, int width, int layers, double finalTime,
        Activation activation, Opening opening, boolean scalarBias, double gammaTik, double gammaDdt,
        double gammaClass, Precision precision) {

    /** How inputs enter the network. */
    public enum Opening {
        /** u₀ = σ(W y + b). */
        DENSE,
        /** u₀ = (y, 0, …, 0): needs features ≤ width, has no parameters. */
        ZERO_PAD
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
        if (opening == Opening.ZERO_PAD && features > width) {
            throw new IllegalArgumentException("zero-padding opening needs features ≤ width, got " + features
                    + " features for width " + width + ": use a dense opening layer");
        }
    }

    /** Step size of a residual layer, T / N. */
    public double h() {
        return finalTime / layers;
    }

    /** Elements of one residual layer's bias: 1 or width. */
    public int biasSize() {
        return scalarBias ? 1 : width;
    }

    /** The same network with another number of residual layers (for nested iteration). */
    public NetworkConfig withLayers(int newLayers) {
        return new NetworkConfig(features, classes, width, newLayers, finalTime, activation, opening, scalarBias,
                gammaTik, gammaDdt, gammaClass, precision);
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
